import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import { ACCOUNT, ACCOUNT_FILE, ADMINISTRATOR_ACCESS_POLICY } from './one-role-account';

/**
 * The activation tier is one setting per account and Region. Changing it back from advanced to standard
 * is not immediate: "The process of reverting all hybrid machines back to the standard-instance tier can
 * take 30 minutes or more to complete", and get-service-setting shows the new SettingValue with
 * `"Status": "PendingUpdate"` until then (AWS Systems Manager User Guide, "Reverting from the
 * advanced-instances tier to the standard-instances tier"). Until the change completes, the hybrid
 * nodes may still be advanced, and so still able to take Session Manager sessions.
 */
const NODE = 'mi-0a1b2c3d4e5f67890';

function snapshotWithTier(status: 'PendingUpdate' | 'Customized' | 'Default', value: string): SnapshotValues {
  return {
    account: ACCOUNT_FILE,
    iam: {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: [
        {
          Path: '/',
          RoleName: 'OpsAdmin',
          RoleId: 'AROAEXAMPLEOPSADMIN01',
          Arn: `arn:aws:iam::${ACCOUNT}:role/OpsAdmin`,
          RolePolicyList: [],
          AttachedManagedPolicies: [
            { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
          ],
        },
      ],
      Policies: [ADMINISTRATOR_ACCESS_POLICY],
    },
    instances: {
      InstanceInformationList: [
        {
          InstanceId: NODE,
          PingStatus: 'Online',
          AgentVersion: '3.3.1957.0',
          PlatformType: 'Linux',
          ResourceType: 'ManagedInstance',
          ActivationId: 'c2c4f4a5-3f5e-4d2b-9a0e-0f2d6c3b1a77',
          IamRole: 'service-role/AcmeSSMHybridActivationRole',
        },
      ],
    },
    tags: { Tags: [], ManagedInstanceIds: [NODE] },
    sessionDocuments: { DocumentIdentifiers: [] },
    sessionPreferences: {
      Error: { Code: 'InvalidDocument', Message: 'The specified document does not exist.' },
    },
    activationTier: {
      ServiceSetting: {
        SettingId: '/ssm/managed-instance/activation-tier',
        SettingValue: value,
        LastModifiedDate: '2025-01-09T15:58:12.604000+00:00',
        LastModifiedUser: `arn:aws:sts::${ACCOUNT}:assumed-role/Administrator/User_1`,
        ARN: `arn:aws:ssm:us-east-1:${ACCOUNT}:servicesetting/ssm/managed-instance/activation-tier`,
        Status: status,
      },
    },
  };
}

describe('the activation tier of hybrid nodes', () => {
  it('keeps hybrid nodes SSH-capable while a change back to the standard tier is still pending', () => {
    // Given a revert to the standard tier that get-service-setting shows as PendingUpdate
    const report = audit(
      parseSnapshotValues(snapshotWithTier('PendingUpdate', 'standard')),
      DEFAULT_COMPLIANCE_POLICY,
    );
    // Then the node may still be advanced: capable, exposed to the administrator, and the tier is a gap
    const node = report.instances.find((i) => i.instanceId === NODE);
    expect(node?.sshCapable).toBe(true);
    expect(node?.compliance).toBe('NON_COMPLIANT');
    expect(report.complete).toBe(false);
    expect(report.gaps.some((g) => g.source === 'activation-tier' && /PendingUpdate/.test(g.message))).toBe(
      true,
    );
  });

  it('takes a completed change to the standard tier at its word', () => {
    const report = audit(
      parseSnapshotValues(snapshotWithTier('Default', 'standard')),
      DEFAULT_COMPLIANCE_POLICY,
    );
    const node = report.instances.find((i) => i.instanceId === NODE);
    expect(node?.sshCapable).toBe(false);
    expect(node?.compliance).toBe('COMPLIANT');
    expect(report.gaps.filter((g) => g.source === 'activation-tier')).toEqual([]);
  });

  it('counts hybrid nodes capable while a change to the advanced tier is pending', () => {
    const report = audit(
      parseSnapshotValues(snapshotWithTier('PendingUpdate', 'advanced')),
      DEFAULT_COMPLIANCE_POLICY,
    );
    expect(report.instances.find((i) => i.instanceId === NODE)?.sshCapable).toBe(true);
  });
});
