import { DEFAULT_COMPLIANCE_POLICY, type CompliancePolicy } from '../../src/config/compliance-policy';
import type { AuditReport } from '../../src/report/types';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';

/** The account of auditOneRole's snapshot. */
export const ACCOUNT = '111122223333';

/**
 * The audit of the smallest account a statement can be judged in: us-east-1, one SSH-capable EC2
 * instance, and one role, `ops`, whose one inline policy holds `statements`.
 */
export function auditOneRole(
  statements: readonly object[],
  policy: CompliancePolicy = DEFAULT_COMPLIANCE_POLICY,
): AuditReport {
  const snapshot = parseSnapshotValues({
    account: { Account: ACCOUNT, Region: 'us-east-1', Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    instances: {
      InstanceInformationList: [
        { InstanceId: 'i-0123456789abcdef0', AgentVersion: '3.3.1957.0', ResourceType: 'EC2Instance' },
      ],
    },
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
