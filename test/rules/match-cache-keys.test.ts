import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { bruteForce } from './brute-force';

/**
 * The analysis caches statement matches per policy, per asker (the principal's type, or its ARN when
 * the policy's answer depends on who asks) and per resource. Principal ARNs and document names that
 * AWS never issues must not make two askers or two resources share an entry: a shared entry can hand
 * one principal another's answer, and hide access.
 */
const ACCOUNT = '111122223333';

/** One managed policy, attached to every principal: the instance statement depends on who asks. */
function snapshot(
  principals: {
    users: readonly { name: string; arn: string }[];
    roles: readonly { name: string; arn: string }[];
  },
  condition: Record<string, Record<string, string>>,
  documentNames: readonly string[],
) {
  const attached = [{ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Shared` }];
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: 'us-east-1', Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    instances: {
      InstanceInformationList: [
        { InstanceId: 'i-0000000000000000a', AgentVersion: '3.3.1142.0', ResourceType: 'EC2Instance' },
      ],
    },
    sessionDocuments: {
      DocumentIdentifiers: documentNames.map((Name) => ({
        Name,
        Owner: Name.startsWith('AWS-') ? 'Amazon' : ACCOUNT,
        DocumentType: 'Session',
        SessionType: 'Port',
      })),
    },
    iam: {
      UserDetailList: principals.users.map((u, n) => ({
        UserName: u.name,
        UserId: `AIDAEXAMPLE${n}`,
        Arn: u.arn,
        UserPolicyList: [],
        AttachedManagedPolicies: attached,
      })),
      RoleDetailList: principals.roles.map((r, n) => ({
        RoleName: r.name,
        RoleId: `AROAEXAMPLE${n}`,
        Arn: r.arn,
        RolePolicyList: [],
        AttachedManagedPolicies: attached,
      })),
      GroupDetailList: [],
      Policies: [
        {
          PolicyName: 'Shared',
          Arn: `arn:aws:iam::${ACCOUNT}:policy/Shared`,
          DefaultVersionId: 'v1',
          PolicyVersionList: [
            {
              VersionId: 'v1',
              IsDefaultVersion: true,
              Document: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'ssm:StartSession',
                    Resource: 'arn:aws:ec2:*:*:instance/*',
                    Condition: condition,
                  },
                  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/*' },
                ],
              },
            },
          ],
        },
      ],
    },
  });
}

function expectPerInstanceAnswers(s: ReturnType<typeof snapshot>): void {
  const expected = bruteForce(s);
  const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
  expect(report.principals).toHaveLength(expected.size);
  for (const p of report.principals) {
    expect({
      arn: p.arn,
      sshOverSessionManager: p.sshOverSessionManager,
      sshReachableInstances: p.sshReachableInstances,
      portForwarding: p.portForwarding,
    }).toEqual({ arn: p.arn, ...expected.get(p.arn) });
  }
}

describe('the match cache on principal ARNs and document names that AWS never issues', () => {
  it('keeps a user whose ARN is "role" apart from every role', () => {
    const s = snapshot(
      {
        users: [{ name: 'bob', arn: 'role' }],
        roles: [{ name: 'R', arn: `arn:aws:iam::${ACCOUNT}:role/R` }],
      },
      { StringNotEquals: { 'aws:username': 'bob' } },
      ['AWS-StartSSHSession'],
    );
    expectPerInstanceAnswers(s);
    // The role has no aws:username, so StringNotEquals holds: it reaches the instance.
    expect(
      audit(s, DEFAULT_COMPLIANCE_POLICY).principals.find((p) => p.arn.endsWith(':role/R')),
    ).toMatchObject({
      sshOverSessionManager: 'allowed',
    });
  });

  it('keeps a principal ARN with a NUL apart from a document named like a class key', () => {
    const alice = `arn:aws:iam::${ACCOUNT}:user/alice`;
    const s = snapshot(
      {
        users: [
          { name: 'alice', arn: alice },
          { name: 'bob', arn: `${alice}\u0000arn:aws:ssm:us-east-1:${ACCOUNT}:document/n` },
        ],
        roles: [],
      },
      { StringEquals: { 'aws:username': 'alice' } },
      ['n\u0000class:0', 'AWS-StartSSHSession'],
    );
    expectPerInstanceAnswers(s);
    const bob = audit(s, DEFAULT_COMPLIANCE_POLICY).principals.find((p) => p.name === 'bob');
    expect(bob).toMatchObject({ sshOverSessionManager: 'denied', portForwarding: 'denied' });
  });
});
