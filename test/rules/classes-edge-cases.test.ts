import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { bruteForce, reportAsBruteForce } from './brute-force';

/**
 * Instance ids and pattern texts that AWS never produces but a snapshot may hold, where a shortcut of
 * the instance classification could read a pattern by its text instead of by its meaning. Each case
 * is held to the straightforward per-instance evaluation.
 */
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const SSH_DOCUMENT = 'arn:aws:ssm:*:*:document/AWS-StartSSHSession';
/** The role every case here grants, with its own inline policies. */
const OPS = { RoleName: 'ops', RoleId: 'AROAEXAMPLEOPS', Arn: `arn:aws:iam::${ACCOUNT}:role/ops` };

function snapshot(ids: readonly string[], documents: readonly { Version: string; Resource: string }[]) {
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: REGION, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    instances: {
      InstanceInformationList: ids.map((id) => ({
        InstanceId: id,
        AgentVersion: id === 'i-x' ? '2.3.612.0' : '3.3.1142.0',
        ResourceType: 'EC2Instance',
      })),
    },
    iam: {
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
      RoleDetailList: [
        opsWith(
          documents.map((d, n) => ({
            PolicyName: `p${n}`,
            PolicyDocument: {
              Version: d.Version,
              Statement: [
                { Effect: 'Allow', Action: 'ssm:StartSession', Resource: [d.Resource, SSH_DOCUMENT] },
              ],
            },
          })),
        ),
      ],
    },
  });
}

const instance = (id: string) => `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${id}`;

/**
 * SSH-capable instances, listed in the order given, with their tags, and the users or roles of `iam`:
 * the order matters to a classification that could take the first instance of a class for all of it.
 * Hybrid (mi-) nodes are in the advanced tier; their tags count as read only for `readNodes`.
 */
function taggedInstances(
  ids: readonly string[],
  tags: readonly object[],
  iam: { UserDetailList?: object[]; RoleDetailList?: object[] },
  readNodes: readonly string[] = [],
) {
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: REGION, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    instances: {
      InstanceInformationList: ids.map((id) => ({
        InstanceId: id,
        AgentVersion: '3.3.1142.0',
        ResourceType: id.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
      })),
    },
    activationTier: { ServiceSetting: { SettingValue: 'advanced' } },
    tags: { Tags: tags, ...(readNodes.length ? { ManagedInstanceIds: readNodes } : {}) },
    sessionDocuments: { DocumentIdentifiers: [] },
    iam: { UserDetailList: [], GroupDetailList: [], Policies: [], RoleDetailList: [], ...iam },
  });
}

/** A policy that allows SSH on the instances that meet `condition`. */
const sshWhere = (PolicyName: string, condition: object) => ({
  PolicyName,
  PolicyDocument: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ssm:StartSession', Resource: SSH_DOCUMENT },
      {
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: 'arn:aws:ec2:*:*:instance/*',
        Condition: condition,
      },
    ],
  },
});

/**
 * Two instances (or tag keys) in both orders: a classification that took the first member of a class
 * for all of it would give the other its answer in one of them.
 */
const bothOrders = (a: string, b: string): [string, string][] => [
  [a, b],
  [b, a],
];

/** One tag of an instance, as tags.json lists it (a hybrid node's with ResourceType managed-instance). */
const tagOn = (ResourceId: string, Key: string, Value: string) => ({
  Key,
  Value,
  ResourceId,
  ResourceType: ResourceId.startsWith('mi-') ? 'managed-instance' : 'instance',
});

/** The role `ops` holding these inline policies. */
const opsWith = (RolePolicyList: readonly object[]) => ({ ...OPS, RolePolicyList });

/** A policy that allows SSH on the instances `resource` matches. */
const sshOn = (PolicyName: string, resource: string, Version = '2012-10-17') => ({
  PolicyName,
  PolicyDocument: {
    Version,
    Statement: [{ Effect: 'Allow', Action: 'ssm:StartSession', Resource: [SSH_DOCUMENT, resource] }],
  },
});

/** The user i-1 (IAM user names may hold letters, digits and hyphens), named like an instance. */
const userNamedLikeI1 = (UserPolicyList: readonly object[]) => ({
  UserName: 'i-1',
  UserId: 'AIDAEXAMPLEUSERI10000',
  Arn: `arn:aws:iam::${ACCOUNT}:user/i-1`,
  UserPolicyList,
  GroupList: [],
  AttachedManagedPolicies: [],
});

describe('instance classes on unusual ids and pattern texts', () => {
  it.each([
    [
      'two texts for one literal (${$} in 2012-10-17, $ in 2008-10-17)',
      ['i-x', 'i-$1', 'i-2'],
      [
        { Version: '2012-10-17', Resource: instance('i-${$}1') },
        { Version: '2008-10-17', Resource: instance('i-$1') },
      ],
    ],
    [
      'a ${$} escape before a wildcard',
      ['i-2', 'i-$1'],
      [{ Version: '2012-10-17', Resource: instance('i-${$}*') }],
    ],
    [
      'a ${*} escape before a wildcard',
      ['i-2', 'i-*1'],
      [{ Version: '2012-10-17', Resource: instance('i-${*}*') }],
    ],
    [
      'an id with a line break under instance/*',
      ['i-2\nx', 'i-1'],
      [{ Version: '2012-10-17', Resource: 'arn:aws:ec2:*:*:instance/*' }],
    ],
    [
      'one variable pattern text in two policy versions',
      ['i-1', 'i-2'],
      [
        { Version: '2008-10-17', Resource: 'arn:aws:ec2:*:*:instance/${aws:username}' },
        { Version: '2012-10-17', Resource: 'arn:aws:ec2:*:*:instance/${aws:username}' },
      ],
    ],
    [
      'a ? wildcard and no * (i-1 matches instance/i-?, i-22 does not), i-1 listed first',
      ['i-1', 'i-22'],
      [{ Version: '2012-10-17', Resource: instance('i-?') }],
    ],
    [
      'a ? wildcard and no * (i-1 matches instance/i-?, i-22 does not), i-22 listed first',
      ['i-22', 'i-1'],
      [{ Version: '2012-10-17', Resource: instance('i-?') }],
    ],
    [
      'a five-segment pattern whose segment-final * may run past colons, beside a literal',
      ['i-1', 'i-2', 'i-3'],
      [
        { Version: '2012-10-17', Resource: instance('i-1') },
        { Version: '2012-10-17', Resource: 'arn:aws:ec2:*:instance/i-2' },
      ],
    ],
  ])('gives the per-instance answer with %s', (_name, ids, documents) => {
    const s = snapshot(ids, documents);
    const expected = bruteForce(s).principals.get(OPS.Arn);
    const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
    expect(reportAsBruteForce(report).principals.get(OPS.Arn)).toEqual(expected);
  });
});

describe('instance classes on one pattern text that reads as a variable in one policy version only', () => {
  it('keeps apart the instance a user named like it reaches through ${aws:username} in 2012-10-17', () => {
    // Given a user named i-1 (IAM user names may hold letters, digits and hyphens) whose first policy, in
    // Version 2008-10-17, has the text ${aws:username} as it is, and whose second, in 2012-10-17, the same
    // text as a policy variable: only the second reaches instance i-1, and neither reaches i-2
    const resource = 'arn:aws:ec2:*:*:instance/${aws:username}';
    const user = userNamedLikeI1([sshOn('p0', resource, '2008-10-17'), sshOn('p1', resource)]);
    const s = taggedInstances(['i-1', 'i-2'], [], { UserDetailList: [user] });
    // When the account is audited
    const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
    // Then the user reaches i-1 alone, as the per-instance evaluation says: a classification that took
    // the two texts for one pattern would put i-2 in i-1's class and give it i-1's answer
    expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    expect(report.principals[0]?.sshReachableInstances).toEqual(['i-1']);
  });
});

describe('instance classes on a pattern that AWS documents two readings of', () => {
  const s = () =>
    snapshot(
      ['i-1', 'i-2', 'i-3'],
      [
        { Version: '2012-10-17', Resource: instance('i-1') },
        // No account segment: only if its region * runs past a colon does it match i-2
        { Version: '2012-10-17', Resource: 'arn:aws:ec2:*:instance/i-2' },
      ],
    );

  it.each([true, false])(
    'keep the instance only one reading reaches apart, and count it exposed (conditionalIsViolation: %s)',
    (conditionalIsViolation) => {
      const report = audit(s(), { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation });
      expect(report.principals[0]?.sshReachableInstances).toEqual(['i-1']);
      expect(Object.fromEntries(report.instances.map((i) => [i.instanceId, i.compliance]))).toEqual({
        'i-1': 'NON_COMPLIANT',
        'i-2': 'NON_COMPLIANT',
        'i-3': 'COMPLIANT',
      });
    },
  );

  it('says which statement it cannot decide, and what AWS leaves open, when that decides the access', () => {
    // Given a grant on instances through a five-segment pattern alone
    const report = audit(
      snapshot(['i-2'], [{ Version: '2012-10-17', Resource: 'arn:aws:ec2:*:instance/*' }]),
      DEFAULT_COMPLIANCE_POLICY,
    );
    // Then SSH is unknown, never conditional or denied, and the reason names the pattern
    const principal = report.principals[0];
    expect(principal?.sshOverSessionManager).toBe('unknown');
    expect(principal?.compliance).toBe('NON_COMPLIANT');
    expect(principal?.reasons.map((r) => r.message)).toContain(
      'cannot decide: policy "p0": statement #0: AWS does not document whether a * that ends a segment of arn:aws:ec2:*:instance/* may run past colons, and the answer depends on it',
    );
  });
});

describe('instance classes on a tag key with a space, read through a policy variable', () => {
  it.each(bothOrders('i-1', 'i-2'))(
    'keeps instances whose "cost center" tags differ apart, listed as %s, %s',
    (first, second) => {
      // Given alice tagged "cost center" = A, instances tagged A and B, and a grant on instances whose
      // "cost center" tag is the principal's
      const tag = (id: string) => tagOn(id, 'cost center', id === 'i-1' ? 'A' : 'B');
      const s = taggedInstances([first, second], [tag(first), tag(second)], {
        UserDetailList: [
          {
            UserName: 'alice',
            UserId: 'AIDAEXAMPLEALICE',
            Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
            Tags: [{ Key: 'cost center', Value: 'A' }],
            UserPolicyList: [
              sshWhere('by-cost-center', {
                StringEquals: { 'aws:PrincipalTag/cost center': '${aws:ResourceTag/cost center}' },
              }),
            ],
          },
        ],
      });
      // Then she reaches i-1 only, as the per-instance evaluation says, whichever instance comes first
      const alice = audit(s, DEFAULT_COMPLIANCE_POLICY).principals[0];
      expect(alice?.sshReachableInstances).toEqual(['i-1']);
      expect(alice?.sshReachableInstances).toEqual(
        bruteForce(s).principals.get(`arn:aws:iam::${ACCOUNT}:user/alice`)?.sshReachableInstances,
      );
    },
  );
});

describe('instance classes on a tag condition whose ARN value AWS documents two readings of', () => {
  it.each(bothOrders('i-1', 'i-2'))(
    'keeps apart the instance only the broad reading matches, listed as %s, %s',
    (first, second) => {
      // Given i-1 tagged with the role's ARN and i-2 with another value, and a grant on instances
      // whose Owner tag is ArnLike a five-segment pattern: only if its region * runs past a colon does
      // it match i-1's tag
      const owner = (id: string) =>
        tagOn(id, 'Owner', id === 'i-1' ? `arn:aws:iam::${ACCOUNT}:role/ops` : 'nobody');
      const s = taggedInstances([first, second], [owner(first), owner(second)], {
        RoleDetailList: [
          opsWith([sshWhere('owned', { ArnLike: { 'ssm:resourceTag/Owner': 'arn:aws:iam:*:role/ops' } })]),
        ],
      });
      // Then SSH is unknown (i-1), as the per-instance evaluation says, whichever instance comes first
      const expected = bruteForce(s).principals.get(OPS.Arn);
      expect(expected?.sshOverSessionManager).toBe('unknown');
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      expect(reportAsBruteForce(report).principals.get(OPS.Arn)).toEqual(expected);
    },
  );
});

describe('instance classes on hybrid nodes whose tags were read and not read', () => {
  it.each(bothOrders('mi-1', 'mi-2'))(
    'keeps a node known to lack the tag apart from one whose tags are unknown, listed as %s, %s',
    (first, second) => {
      // Given mi-1 read and untagged (ManagedInstanceIds), mi-2 not read, mi-3 tagged Team=red, and a
      // grant on nodes tagged Team=red
      const s = taggedInstances(
        [first, second, 'mi-3'],
        [tagOn('mi-3', 'Team', 'red')],
        {
          RoleDetailList: [
            opsWith([
              {
                PolicyName: 'red-nodes',
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    { Effect: 'Allow', Action: 'ssm:StartSession', Resource: SSH_DOCUMENT },
                    {
                      Effect: 'Allow',
                      Action: 'ssm:StartSession',
                      Resource: 'arn:aws:ssm:*:*:managed-instance/*',
                      Condition: { StringEquals: { 'ssm:resourceTag/Team': 'red' } },
                    },
                  ],
                },
              },
            ]),
          ],
        },
        ['mi-1', 'mi-3'],
      );
      // Then mi-1 is denied and mi-2 conditional, as the per-instance evaluation says, whichever comes
      // first: one class for both would give one of them the other's answer
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      const expected = bruteForce(s);
      expect(Object.fromEntries(report.instances.map((i) => [i.instanceId, i.compliance]))).toEqual({
        'mi-1': 'COMPLIANT',
        'mi-2': 'NON_COMPLIANT',
        'mi-3': 'NON_COMPLIANT',
      });
      expect(Object.fromEntries(expected.instances)).toEqual({
        'mi-1': 'COMPLIANT',
        'mi-2': 'NON_COMPLIANT',
        'mi-3': 'NON_COMPLIANT',
      });
      expect(report.principals[0]?.sshReachableInstances).toEqual(['mi-3']);
    },
  );
});

describe('instance classes on a NotResource whose variable reads a tag', () => {
  // Broadly read, a NotResource pattern whose variable has no value makes its statement invalid (see
  // Reading in pattern.ts). The pattern never matches an instance, so only whether an instance has
  // the tag tells the two instances apart.
  const NOT_RESOURCE = 'arn:aws:ssm:*:*:document/${aws:ResourceTag/Env}';
  const EXPECTED = {
    // i-1 is allowed; i-2 only under the strict reading: unknown, so not listed as reached, but exposed
    Allow: { ssh: 'allowed', reach: ['i-1'], exposed: ['i-1', 'i-2'] },
    // i-1 is denied; i-2 only under the strict reading: unknown, and exposed
    Deny: { ssh: 'unknown', reach: [], exposed: ['i-2'] },
  };
  it.each([
    ['Allow', 'i-1', 'i-2'],
    ['Allow', 'i-2', 'i-1'],
    ['Deny', 'i-1', 'i-2'],
    ['Deny', 'i-2', 'i-1'],
  ] as const)(
    'keeps the instance with the tag apart from the one without, in a NotResource %s, listed as %s, %s',
    (effect, first, second) => {
      // Given i-1 tagged Env and i-2 not, and a role allowed every document, and the instances
      // through the NotResource statement (an Allow) or through an Allow of their own (for a Deny)
      const env = tagOn('i-1', 'Env', 'prod');
      const instances = {
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: 'arn:aws:ec2:*:*:instance/*',
      };
      const s = taggedInstances([first, second], [env], {
        RoleDetailList: [
          opsWith([
            {
              PolicyName: 'not-resource',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/*' },
                  { Effect: effect, Action: 'ssm:StartSession', NotResource: NOT_RESOURCE },
                  ...(effect === 'Deny' ? [instances] : []),
                ],
              },
            },
          ]),
        ],
      });
      // Then the two instances get different answers, as the per-instance evaluation says, whichever
      // comes first
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      const role = report.principals[0];
      expect({
        ssh: role?.sshOverSessionManager,
        reach: role?.sshReachableInstances,
        exposed: report.instances
          .filter((i) => i.compliance === 'NON_COMPLIANT')
          .map((i) => i.instanceId)
          .sort(),
      }).toEqual(EXPECTED[effect]);
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});

describe('instance classes on a tag variable before the resource segment', () => {
  it.each(bothOrders('i-1', 'i-2'))(
    'keeps the instance whose tag fills the region and account apart from the untagged one, listed as %s, %s',
    (first, second) => {
      // Given i-1 tagged loc = "us-east-1:111122223333" (a colon in the value) and i-2 untagged, and a
      // grant on arn:aws:ec2:${aws:ResourceTag/loc}:instance/*, which i-1's tag makes its own ARN
      const loc = tagOn('i-1', 'loc', `${REGION}:${ACCOUNT}`);
      const s = taggedInstances([first, second], [loc], {
        RoleDetailList: [opsWith([sshOn('by-location', 'arn:aws:ec2:${aws:ResourceTag/loc}:instance/*')])],
      });
      // Then the role reaches i-1 alone, as the per-instance evaluation says, whichever comes first
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      expect(report.principals[0]?.sshReachableInstances).toEqual(['i-1']);
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});

describe('instance classes on a variable pattern that only its broad reading lets match', () => {
  it.each(bothOrders('i-1', 'i-2'))(
    'keeps the instance named like the user apart from the other, listed as %s, %s',
    (first, second) => {
      // Given a user named i-1 granted arn:aws:ec2:*:instance/${aws:username}, a five-segment pattern
      // that matches no instance strictly, and matches i-1 only if its region * runs past a colon
      const user = userNamedLikeI1([sshOn('by-name', 'arn:aws:ec2:*:instance/${aws:username}')]);
      const s = taggedInstances([first, second], [], { UserDetailList: [user] });
      // When the account is audited
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      // Then i-1 is exposed (the broad reading reaches it) and i-2 is not, as the per-instance evaluation
      // says, whichever comes first: a class that held both would give one the other's answer
      expect(Object.fromEntries(report.instances.map((i) => [i.instanceId, i.compliance]))).toEqual({
        'i-1': 'NON_COMPLIANT',
        'i-2': 'COMPLIANT',
      });
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});

describe('instance classes on an ambiguous pattern that one instance matches strictly and another only broadly', () => {
  it.each(bothOrders('mi-1', 'i-1:ssm:x:1111'))(
    'keeps the strict match apart from the broad-only one, listed as %s, %s',
    (first, second) => {
      // Given a grant on arn:*:ssm:*:1111*, whose partition * ends its segment: hybrid node mi-1
      // (service ssm, account 1111…) matches it strictly; EC2 instance i-1:ssm:x:1111 matches it only if
      // that * runs past colons (up to its id's ":ssm:", then region "x", then ":1111"); i-2 neither
      const s = taggedInstances([first, second, 'i-2'], [], {
        RoleDetailList: [opsWith([sshOn('short', 'arn:*:ssm:*:1111*')])],
      });
      // When the account is audited
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      // Then the role reaches mi-1 (allowed under both readings) but not i-1:ssm:x:1111 (unknown), as the
      // per-instance evaluation says, whichever comes first: one class for both would give one of them
      // the other's answer
      expect(report.principals[0]?.sshReachableInstances).toEqual(['mi-1']);
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});

describe('instance tags whose keys differ only in case between instances', () => {
  it.each(bothOrders('i-1', 'i-2'))(
    'reads each instance’s own key under a condition key in any case, listed as %s, %s',
    (first, second) => {
      // Given i-1 tagged Env=prod and i-2 tagged env=prod (EC2 tag keys are case-sensitive, so these are
      // two key sets), i-3 untagged, and a grant on instances whose ssm:resourceTag/ENV is prod
      const tag = (id: string) => tagOn(id, id === 'i-1' ? 'Env' : 'env', 'prod');
      const s = taggedInstances([first, second, 'i-3'], [tag(first), tag(second)], {
        RoleDetailList: [opsWith([sshWhere('prod', { StringEquals: { 'ssm:resourceTag/ENV': 'prod' } })])],
      });
      // When the account is audited
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      // Then the role reaches i-1 and i-2, not i-3: IAM matches condition keys without regard to case,
      // so each tagged instance's tag, whatever the case of its key, is prod
      expect(report.principals[0]?.sshReachableInstances).toEqual(['i-1', 'i-2']);
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});

describe('instance tags whose keys differ only in case on one instance', () => {
  it.each(bothOrders('Env', 'env'))(
    'reads neither value where the keys disagree, and the shared one where they agree, listed as %s, %s',
    (a, b) => {
      // Given i-1 tagged Env=prod and env=dev, i-2 tagged Env=prod and env=prod, i-3 tagged Env=prod
      // only, and a grant on instances whose ssm:resourceTag/ENV is prod
      const value = (key: string, onI1: string) => (key === 'Env' ? 'prod' : onI1);
      const s = taggedInstances(
        ['i-1', 'i-2', 'i-3'],
        [
          tagOn('i-1', a, value(a, 'dev')),
          tagOn('i-1', b, value(b, 'dev')),
          tagOn('i-2', a, 'prod'),
          tagOn('i-2', b, 'prod'),
          tagOn('i-3', 'Env', 'prod'),
        ],
        {
          RoleDetailList: [opsWith([sshWhere('prod', { StringEquals: { 'ssm:resourceTag/ENV': 'prod' } })])],
        },
      );
      // When the account is audited
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      // Then the role definitely reaches i-2 and i-3 only: IAM does not say which of i-1's two keys it
      // reads, so its access there is conditional, whichever key is listed first
      expect(report.principals[0]?.sshReachableInstances).toEqual(['i-2', 'i-3']);
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});

describe('instance classes on hybrid nodes whose tag is unknown, one for want of its tags', () => {
  it.each(bothOrders('mi-1', 'mi-2'))(
    'keep apart a node whose tags were not read, listed as %s, %s',
    (first, second) => {
      // Given mi-1, whose tags were not read, and mi-2, tagged env=prod and Env=dev (so IAM's
      // ssm:resourceTag/env is unknown on it too), and a grant on every node, denied where env is not prod
      const s = taggedInstances(
        [first, second],
        [tagOn('mi-2', 'env', 'prod'), tagOn('mi-2', 'Env', 'dev')],
        {
          RoleDetailList: [
            opsWith([
              sshOn('nodes', 'arn:aws:ssm:*:*:managed-instance/*'),
              {
                PolicyName: 'prod',
                PolicyDocument: {
                  Version: '2012-10-17',
                  Statement: [
                    {
                      Effect: 'Deny',
                      Action: 'ssm:StartSession',
                      Resource: 'arn:aws:ssm:*:*:managed-instance/*',
                      Condition: { StringNotEquals: { 'ssm:resourceTag/env': 'prod' } },
                    },
                  ],
                },
              },
            ]),
          ],
        },
        ['mi-2'],
      );
      // When the account is audited, conditional access accepted
      const report = audit(s, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: false });
      // Then access is conditional on both, but only on mi-1 may some tags allow it outright (fail
      // closed): whichever is listed first, mi-1 is exposed and mi-2 is not
      const of = (id: string) => report.instances.find((i) => i.instanceId === id);
      expect(of('mi-1')).toMatchObject({ compliance: 'NON_COMPLIANT', exposedTo: 1 });
      expect(of('mi-2')).toMatchObject({ compliance: 'COMPLIANT', exposedTo: 0 });
    },
  );
});

describe('instance classes on instances each named by a literal ARN of its own', () => {
  it.each(bothOrders('i-1', 'i-2'))(
    'keeps instances named by different statements apart, listed as %s, %s',
    (first, second) => {
      // Given a role allowed i-1 by its literal ARN, and i-2 by its literal ARN only with MFA, and i-3 by
      // neither
      const s = taggedInstances([first, second, 'i-3'], [], {
        RoleDetailList: [
          opsWith([
            {
              PolicyName: 'literals',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: [SSH_DOCUMENT, instance('i-1')] },
                  {
                    Effect: 'Allow',
                    Action: 'ssm:StartSession',
                    Resource: instance('i-2'),
                    Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
                  },
                ],
              },
            },
          ]),
        ],
      });
      // When the account is audited
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      // Then the role reaches i-1 outright and i-2 only under its condition, as the per-instance
      // evaluation says, whichever comes first: one class for the two literals would give one of them
      // the other's answer
      expect(report.principals[0]?.sshReachableInstances).toEqual(['i-1']);
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});

describe('instance classes on a tag condition whose ARN value one tag matches strictly and another only broadly', () => {
  it.each(bothOrders('i-1', 'i-2'))(
    'keeps the strict match apart from the broad-only one, listed as %s, %s',
    (first, second) => {
      // Given a grant on instances whose Owner tag is ArnLike arn:aws:iam:*:role/ops (five segments,
      // its region * ends its segment): i-1's Owner arn:aws:iam:x:role/ops matches it strictly, i-2's
      // (the role's ARN) only if that * runs past a colon, and i-3's (nobody) not at all
      const value: Record<string, string> = {
        'i-1': 'arn:aws:iam:x:role/ops',
        'i-2': `arn:aws:iam::${ACCOUNT}:role/ops`,
        'i-3': 'nobody',
      };
      const ids = [first, second, 'i-3'];
      const owner = (id: string) => tagOn(id, 'Owner', value[id] as string);
      const s = taggedInstances(ids, ids.map(owner), {
        RoleDetailList: [
          opsWith([sshWhere('owned', { ArnLike: { 'ssm:resourceTag/Owner': 'arn:aws:iam:*:role/ops' } })]),
        ],
      });
      // When the account is audited
      const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
      // Then the role reaches i-1 (allowed under both readings) but not i-2 (unknown), as the
      // per-instance evaluation says, whichever comes first: one class for both would give one of them
      // the other's answer
      expect(report.principals[0]?.sshReachableInstances).toEqual(['i-1']);
      expect(reportAsBruteForce(report)).toEqual(bruteForce(s));
    },
  );
});
