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

interface Person {
  readonly name: string;
  readonly arn: string;
  readonly tags?: Record<string, string>;
}

/** One managed policy, attached to every principal: the instance statement depends on who asks. */
function snapshot(
  principals: {
    users: readonly Person[];
    roles: readonly Person[];
  },
  condition: Record<string, Record<string, string>>,
  documentNames: readonly string[],
) {
  const attached = [{ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/Shared` }];
  // The parser refuses two users or two roles with one ARN, so each is parsed with an ARN of its own
  // and given the ARN asked for afterwards: the audit must not depend on the parser for its answers.
  const parsed = parseSnapshotValues({
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
        Arn: `${u.arn}#${n}`,
        Tags: Object.entries(u.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
        UserPolicyList: [],
        AttachedManagedPolicies: attached,
      })),
      RoleDetailList: principals.roles.map((r, n) => ({
        RoleName: r.name,
        RoleId: `AROAEXAMPLE${n}`,
        Arn: `${r.arn}#${n}`,
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
  const withArn = <T extends { Arn: string }>(entry: T, arn: string): T => ({ ...entry, Arn: arn });
  return {
    ...parsed,
    iam: {
      ...parsed.iam,
      UserDetailList: parsed.iam.UserDetailList.map((u, n) =>
        withArn(u, (principals.users[n] as Person).arn),
      ),
      RoleDetailList: parsed.iam.RoleDetailList.map((r, n) =>
        withArn(r, (principals.roles[n] as Person).arn),
      ),
    },
  };
}

function expectPerInstanceAnswers(s: ReturnType<typeof snapshot>): void {
  const expected = bruteForce(s);
  const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
  expect(report.principals).toHaveLength(expected.principals.size);
  for (const p of report.principals) {
    expect({
      arn: p.arn,
      sshOverSessionManager: p.sshOverSessionManager,
      sshReachableInstances: p.sshReachableInstances,
      portForwarding: p.portForwarding,
      sessionDocuments: p.sessionDocuments,
      compliance: p.compliance,
    }).toEqual({ arn: p.arn, ...expected.principals.get(p.arn) });
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

/** What the audit says of each principal when it is the only one in the account. */
function alone(
  people: { users: readonly Person[]; roles: readonly Person[] },
  condition: Record<string, Record<string, string>>,
) {
  const one = (p: { users: readonly Person[]; roles: readonly Person[] }) => {
    const only = audit(snapshot(p, condition, ['AWS-StartSSHSession']), DEFAULT_COMPLIANCE_POLICY)
      .principals[0];
    return { sshOverSessionManager: only?.sshOverSessionManager, portForwarding: only?.portForwarding };
  };
  return [
    ...people.users.map((u) => one({ users: [u], roles: [] })),
    ...people.roles.map((r) => one({ users: [], roles: [r] })),
  ];
}

describe('the match cache on principals that share an ARN (which the parser refuses, but a snapshot object may hold)', () => {
  const shared = `arn:aws:iam::${ACCOUNT}:user/shared`;
  it.each([
    [
      'a user and a role',
      { users: [{ name: 'bob', arn: shared }], roles: [{ name: 'R', arn: shared }] },
      { StringEquals: { 'aws:username': 'bob' }, ArnLike: { 'aws:PrincipalArn': 'arn:*' } },
    ],
    [
      'two users with different names',
      {
        users: [
          { name: 'alice', arn: shared },
          { name: 'mallory', arn: shared },
        ],
        roles: [],
      },
      { StringEquals: { 'aws:username': 'alice' } },
    ],
    [
      'two users with different tags',
      {
        users: [
          { name: 'alice1', arn: shared, tags: { team: 'dev' } },
          { name: 'alice2', arn: shared, tags: { team: 'ops' } },
        ],
        roles: [],
      },
      { StringEquals: { 'aws:PrincipalTag/team': 'ops' } },
    ],
  ] as const)('answers for each of %s as if it were alone', (_name, people, condition) => {
    const report = audit(snapshot(people, condition, ['AWS-StartSSHSession']), DEFAULT_COMPLIANCE_POLICY);
    const together = report.principals.map((p) => ({
      sshOverSessionManager: p.sshOverSessionManager,
      portForwarding: p.portForwarding,
    }));
    const expected = alone(people, condition);
    expect(together).toEqual(expected);
    // Each case has one principal allowed and one denied: sharing an answer would show.
    expect(new Set(expected.map((e) => e.sshOverSessionManager))).toEqual(new Set(['allowed', 'denied']));
  });
});
