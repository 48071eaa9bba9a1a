import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { ACCOUNT, ADMINISTRATOR_ACCESS_POLICY, oneInstanceAccount, roleDetail } from './one-role-account';

/**
 * Only the default version of a managed policy counts. get-account-authorization-details says which
 * one it is twice, in the policy's DefaultVersionId and in its PolicyVersionList's IsDefaultVersion;
 * when the two disagree, nothing says which document IAM enforces, and the principal is unknown.
 */
const GUARDRAIL_ARN = `arn:aws:iam::${ACCOUNT}:policy/SshGuardrail`;

const DENY_SSH = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'NoSessions',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: '*',
    },
  ],
};
const DENY_NOTHING = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'ReadOnly', Effect: 'Allow', Action: 'ssm:DescribeInstanceInformation', Resource: '*' }],
};

/** One role with AdministratorAccess and the SshGuardrail policy, whose v1 denies every session and v2 none. */
function auditGuardrail(defaultVersionId: string, isDefault: { v1?: boolean; v2?: boolean }) {
  const snapshot = oneInstanceAccount({
    RoleDetailList: [
      roleDetail('Ops', 'AROAEXAMPLEOPS0000000', [
        { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
        { PolicyName: 'SshGuardrail', PolicyArn: GUARDRAIL_ARN },
      ]),
    ],
    Policies: [
      ADMINISTRATOR_ACCESS_POLICY,
      {
        PolicyName: 'SshGuardrail',
        PolicyId: 'ANPAEXAMPLEGUARDRAIL0',
        Arn: GUARDRAIL_ARN,
        Path: '/',
        DefaultVersionId: defaultVersionId,
        AttachmentCount: 1,
        PermissionsBoundaryUsageCount: 0,
        IsAttachable: true,
        PolicyVersionList: [
          {
            Document: DENY_NOTHING,
            VersionId: 'v2',
            ...(isDefault.v2 !== undefined ? { IsDefaultVersion: isDefault.v2 } : {}),
            CreateDate: '2024-05-02T10:00:00+00:00',
          },
          {
            Document: DENY_SSH,
            VersionId: 'v1',
            ...(isDefault.v1 !== undefined ? { IsDefaultVersion: isDefault.v1 } : {}),
            CreateDate: '2024-01-15T10:00:00+00:00',
          },
        ],
      },
    ],
  });
  const report = audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
  const ops = report.principals[0];
  return {
    ssh: ops?.sshOverSessionManager,
    compliance: ops?.compliance,
    gap: report.gaps.find((g) => g.source === 'iam:policy/SshGuardrail')?.message,
  };
}

describe('managed policy versions', () => {
  it.each([
    ['the default v1 denies sessions', 'v1', { v1: true, v2: false }, 'denied', 'COMPLIANT'],
    [
      'the default v2 denies nothing, whatever the older v1 says',
      'v2',
      { v1: false, v2: true },
      'allowed',
      'NON_COMPLIANT',
    ],
    [
      'IsDefaultVersion marks v1 (the Deny) but DefaultVersionId says v2',
      'v2',
      { v1: true, v2: false },
      'unknown',
      'NON_COMPLIANT',
    ],
    [
      'IsDefaultVersion marks v2 but DefaultVersionId says v1 (the Deny)',
      'v1',
      { v1: false, v2: true },
      'unknown',
      'NON_COMPLIANT',
    ],
  ] as const)('%s', (_name, defaultVersionId, isDefault, ssh, compliance) => {
    // Given a role with AdministratorAccess and a guardrail policy of two versions
    // When the account is audited
    const result = auditGuardrail(defaultVersionId, isDefault);
    // Then the role's SSH access follows the default version, and is unknown when nothing says which
    expect({ ssh: result.ssh, compliance: result.compliance }).toEqual({ ssh, compliance });
    if (ssh === 'unknown')
      expect(result.gap).toMatch(/DefaultVersionId is v\d, but PolicyVersionList marks v\d/);
    else expect(result.gap).toBeUndefined();
  });

  it('a version without IsDefaultVersion is not the default: the one marked true (v2) is enforced', () => {
    // Given a guardrail whose v1 (the Deny) carries no IsDefaultVersion and whose v2 is marked default
    // When the account is audited
    const result = auditGuardrail('v2', { v2: true });
    // Then only v2 counts, as IAM enforces the default version alone: AdministratorAccess allows SSH
    expect(result).toEqual({ ssh: 'allowed', compliance: 'NON_COMPLIANT', gap: undefined });
  });

  it('two versions both marked default leave the enforced document unknown, even when DefaultVersionId names one', () => {
    // Given a guardrail whose v1 (the Deny) and v2 (no Deny) both say IsDefaultVersion, and DefaultVersionId v2
    // When the account is audited
    const result = auditGuardrail('v2', { v1: true, v2: true });
    // Then the listing contradicts itself (a policy has exactly one default version), so the role's
    // SSH access is unknown rather than read from whichever version comes first
    expect({ ssh: result.ssh, compliance: result.compliance }).toEqual({
      ssh: 'unknown',
      compliance: 'NON_COMPLIANT',
    });
    expect(result.gap).toMatch(/PolicyVersionList has 2 default versions/);
  });
});
