import { DEFAULT_COMPLIANCE_POLICY, type CompliancePolicy } from '../../src/config/compliance-policy';
import type { AuditReport } from '../../src/report/types';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import type { AccountSnapshot } from '../../src/snapshot/types';

/** The pieces of the small accounts the rule tests audit one statement or setting in. */

/** The account of these snapshots. */
export const ACCOUNT = '111122223333';

/** account.json: the account in us-east-1, as `aws sts get-caller-identity` and the region give it. */
export const ACCOUNT_FILE = {
  Account: ACCOUNT,
  Region: 'us-east-1',
  Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`,
};

/** The one SSH-capable EC2 instance of these snapshots. */
export const INSTANCE = 'i-0123456789abcdef0';

/** instances.json with that instance alone. */
export const ONE_INSTANCE = {
  InstanceInformationList: [
    { InstanceId: INSTANCE, AgentVersion: '3.3.1957.0', ResourceType: 'EC2Instance' },
  ],
};

/** AdministratorAccess as get-account-authorization-details lists it in Policies. */
export const ADMINISTRATOR_ACCESS_POLICY = {
  PolicyName: 'AdministratorAccess',
  PolicyId: 'ANPAIWMBCKSKIEE64ZLYK',
  Arn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  Path: '/',
  DefaultVersionId: 'v1',
  AttachmentCount: 1,
  IsAttachable: true,
  PolicyVersionList: [
    {
      Document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      VersionId: 'v1',
      IsDefaultVersion: true,
    },
  ],
};

/** A Deny of every session without MFA: access that the others allow becomes conditional on it. */
export const DENY_WITHOUT_MFA = {
  Sid: 'DenyWithoutMFA',
  Effect: 'Deny',
  Action: 'ssm:StartSession',
  Resource: '*',
  Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
};

/**
 * A role as get-account-authorization-details lists it in RoleDetailList: no inline policies, and the
 * managed policies given attached.
 */
export function roleDetail(
  name: string,
  id: string,
  attached: readonly { PolicyName: string; PolicyArn: string }[] = [],
) {
  return {
    Path: '/',
    RoleName: name,
    RoleId: id,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    RolePolicyList: [],
    AttachedManagedPolicies: attached,
    Tags: [],
  };
}

/**
 * The snapshot of an account in us-east-1 with the one SSH-capable instance and this IAM listing
 * (get-account-authorization-details), whose lists default to empty.
 */
export function oneInstanceAccount(iam: Record<string, unknown>): AccountSnapshot {
  return parseSnapshotValues({
    account: ACCOUNT_FILE,
    instances: ONE_INSTANCE,
    iam: { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [], ...iam },
  });
}

/**
 * The audit of the smallest account a statement can be judged in: us-east-1, one SSH-capable EC2
 * instance (with `tags`, when given, as tags.json), and one role, `ops`, whose one inline policy holds
 * `statements`.
 */
export function auditOneRole(
  statements: readonly object[],
  policy: CompliancePolicy = DEFAULT_COMPLIANCE_POLICY,
  tags?: SnapshotValues['tags'],
): AuditReport {
  const snapshot = parseSnapshotValues({
    account: ACCOUNT_FILE,
    instances: ONE_INSTANCE,
    ...(tags ? { tags } : {}),
    iam: {
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
      RoleDetailList: [
        {
          RoleName: 'ops',
          RoleId: 'AROAEXAMPLEOPS',
          Arn: `arn:aws:iam::${ACCOUNT}:role/ops`,
          RolePolicyList: [
            { PolicyName: 'Sessions', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
          ],
        },
      ],
    },
  });
  return audit(snapshot, policy);
}
