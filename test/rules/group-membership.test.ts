import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { ACCOUNT, ACCOUNT_FILE, ONE_INSTANCE } from './one-role-account';

/**
 * A user gets the inline and attached policies of every group in its GroupList, which names groups
 * by GroupName. IAM names are not distinguished by case ("you cannot create resources named both
 * "MyResource" and "myresource""), so a GroupList entry names the group whatever its case.
 */

function auditMember(groupList: readonly string[], groupName: string) {
  const snapshot = parseSnapshotValues({
    account: ACCOUNT_FILE,
    instances: ONE_INSTANCE,
    iam: {
      UserDetailList: [
        {
          Path: '/engineering/',
          UserName: 'alice',
          UserId: 'AIDAEXAMPLEALICE00000',
          Arn: `arn:aws:iam::${ACCOUNT}:user/engineering/alice`,
          CreateDate: '2024-01-02T03:04:05+00:00',
          UserPolicyList: [],
          GroupList: groupList,
          AttachedManagedPolicies: [],
          Tags: [],
        },
      ],
      GroupDetailList: [
        {
          Path: '/',
          GroupName: groupName,
          GroupId: 'AGPAEXAMPLEADMINS0000',
          Arn: `arn:aws:iam::${ACCOUNT}:group/${groupName}`,
          CreateDate: '2024-01-02T03:04:05+00:00',
          GroupPolicyList: [
            {
              PolicyName: 'SshSessions',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [{ Sid: 'Ssh', Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' }],
              },
            },
          ],
          AttachedManagedPolicies: [],
        },
      ],
      RoleDetailList: [],
      Policies: [],
    },
  });
  return audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
}

describe('group membership', () => {
  it.each([
    ['the same case', ['Admins'], 'Admins'],
    ['another case than the group it names', ['admins'], 'Admins'],
  ] as const)(
    'gives a user the policies of a group its GroupList names in %s, citing the group statement',
    (_name, groupList, groupName) => {
      // Given a user whose only grant is an inline policy of a group in its GroupList
      // When the account is audited
      const report = auditMember(groupList, groupName);
      // Then the user is allowed SSH through the group's statement, and no group is missing
      const alice = report.principals[0];
      expect(alice?.sshOverSessionManager).toBe('allowed');
      expect(alice?.compliance).toBe('NON_COMPLIANT');
      expect(alice?.reasons).toContainEqual(
        expect.objectContaining({
          resource: 'document',
          policyName: 'SshSessions',
          attachedTo: `arn:aws:iam::${ACCOUNT}:group/${groupName}`,
          sid: 'Ssh',
          effect: 'Allow',
        }),
      );
      expect(report.gaps.map((g) => g.source)).not.toContain(`iam:group/${groupList[0]}`);
    },
  );
});
