import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { ACCOUNT, ACCOUNT_FILE, auditOneRole, INSTANCE, ONE_INSTANCE } from './one-role-account';

/**
 * `conditionalIsViolation: false` accepts access that depends on the request (MFA, source IP, ...). It
 * does not accept access that is conditional only because the instance's tags were not read: once they
 * are, that access may be `allowed`. Such an instance and principal are NON_COMPLIANT (fail closed),
 * and conditional access that stays conditional whatever the tags is still accepted.
 */
const SSH = 'arn:aws:ssm:*:*:document/AWS-StartSSHSession';
const INSTANCES = 'arn:aws:ec2:*:*:instance/*';
const DEV = { StringEquals: { 'ssm:resourceTag/Environment': 'dev' } };
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
const allow = (resource: string | readonly string[], condition?: object): object => ({
  Effect: 'Allow',
  Action: 'ssm:StartSession',
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});
const deny = (resource: string | readonly string[], condition: object): object => ({
  ...allow(resource, condition),
  Effect: 'Deny',
});

function auditWith(statements: readonly object[], tags: object | undefined) {
  return auditOneRole(statements, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: false }, tags);
}

const PROD_TAGS = {
  Tags: [{ Key: 'Environment', Value: 'prod', ResourceId: INSTANCE, ResourceType: 'instance' }],
};

describe('with conditionalIsViolation: false, conditional access on an instance whose tags were not read', () => {
  it.each<[string, object[], object | undefined, 'COMPLIANT' | 'NON_COMPLIANT']>([
    [
      'an Allow on a tag, tags not read: allowed for some tags',
      [allow(SSH), allow(INSTANCES, DEV)],
      undefined,
      'NON_COMPLIANT',
    ],
    [
      'an Allow on a tag, and a Deny on another tag, tags not read',
      [
        allow(SSH),
        allow(INSTANCES, DEV),
        deny(INSTANCES, { StringEquals: { 'ssm:resourceTag/Locked': 'yes' } }),
      ],
      undefined,
      'NON_COMPLIANT',
    ],
    [
      'an unconditional Allow and a Deny on a tag, tags not read',
      [allow(SSH), allow(INSTANCES), deny(INSTANCES, DEV)],
      undefined,
      'NON_COMPLIANT',
    ],
    [
      "an unconditional Allow and a Deny on a tag equal to the role's unknown session tag, tags not read: without the tag the Deny does not apply",
      [
        allow(SSH),
        allow(INSTANCES),
        deny(INSTANCES, {
          StringEquals: { 'ssm:resourceTag/cost center': '${aws:PrincipalTag/cost center}' },
        }),
      ],
      undefined,
      'NON_COMPLIANT',
    ],
    [
      "an Allow on a tag that differs from the role's unknown session tag, tags not read: without the tag it applies",
      [
        allow(SSH),
        allow(INSTANCES, { StringNotEquals: { 'ssm:resourceTag/Team': '${aws:PrincipalTag/Team}' } }),
      ],
      undefined,
      'NON_COMPLIANT',
    ],
    [
      'an Allow on MFA only, tags not read: conditional whatever the tags',
      [allow(SSH), allow(INSTANCES, MFA)],
      undefined,
      'COMPLIANT',
    ],
    [
      'an Allow on a tag and MFA together, tags not read',
      [allow(SSH), allow(INSTANCES, { ...DEV, ...MFA })],
      undefined,
      'COMPLIANT',
    ],
    [
      'an Allow on a tag and a Deny without MFA, tags not read',
      [
        allow(SSH),
        allow(INSTANCES, DEV),
        deny(INSTANCES, { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } }),
      ],
      undefined,
      'COMPLIANT',
    ],
    [
      'an Allow on a tag, the document only with MFA, tags not read',
      [allow(SSH, MFA), allow(INSTANCES, DEV)],
      undefined,
      'COMPLIANT',
    ],
    [
      'an Allow on the role ARN equal to a tag, through a policy variable, tags not read',
      [allow(SSH), allow(INSTANCES, { StringEquals: { 'aws:PrincipalArn': '${aws:ResourceTag/Owner}' } })],
      undefined,
      'NON_COMPLIANT',
    ],
    [
      'an Allow on the role ARN equal to a tag, through a policy variable, the tag read and another',
      [allow(SSH), allow(INSTANCES, { StringEquals: { 'aws:PrincipalArn': '${aws:ResourceTag/Owner}' } })],
      {
        Tags: [
          {
            Key: 'Owner',
            Value: 'arn:aws:iam::444455556666:role/ops',
            ResourceId: INSTANCE,
            ResourceType: 'instance',
          },
        ],
      },
      'COMPLIANT',
    ],
    [
      'an Allow on a tag the instance is known not to carry',
      [allow(SSH), allow(INSTANCES, DEV)],
      PROD_TAGS,
      'COMPLIANT',
    ],
  ])('%s', (_case, statements, tags, compliance) => {
    // Given the role's statements, and the instance's tags read or not
    // When the account is audited with conditional access accepted
    const report = auditWith(statements, tags);
    // Then the role and the instance are as expected, and a NON_COMPLIANT role has its finding
    expect(report.principals[0]?.compliance).toBe(compliance);
    expect(report.instances[0]?.compliance).toBe(compliance);
    expect(report.instances[0]?.exposedTo).toBe(compliance === 'NON_COMPLIANT' ? 1 : 0);
    expect(report.findings.some((f) => f.rule === 'ssh-over-session-manager')).toBe(
      compliance === 'NON_COMPLIANT',
    );
  });
});

describe('a tag condition whose other input is unknown, or a condition whose only unknown input is a tag', () => {
  const TEAM_TAGS = {
    Tags: [{ Key: 'Team', Value: 'ops', ResourceId: INSTANCE, ResourceType: 'instance' }],
  };
  /** The statements in a user's inline policy, the user tagged Team=ops. */
  function auditUser(statements: readonly object[], tags: object | undefined) {
    const snapshot = parseSnapshotValues({
      account: ACCOUNT_FILE,
      instances: ONE_INSTANCE,
      ...(tags ? { tags } : {}),
      iam: {
        UserDetailList: [
          {
            UserName: 'alice',
            UserId: 'AIDAEXAMPLEALICE',
            Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
            Tags: [{ Key: 'Team', Value: 'ops' }],
            GroupList: [],
            UserPolicyList: [
              { PolicyName: 'Sessions', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
            ],
          },
        ],
        GroupDetailList: [],
        Policies: [],
        RoleDetailList: [],
      },
    });
    return audit(snapshot, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: false });
  }

  it.each<[string, 'role' | 'user', object, object | undefined, 'COMPLIANT' | 'NON_COMPLIANT']>([
    [
      "a role's tag condition on its session tag, tags read: conditional on the session",
      'role',
      { StringEquals: { 'ssm:resourceTag/Team': '${aws:PrincipalTag/Team}' } },
      TEAM_TAGS,
      'COMPLIANT',
    ],
    [
      "a role's tag condition on its session tag, tags not read: no tags allow it outright",
      'role',
      { StringEquals: { 'ssm:resourceTag/Team': '${aws:PrincipalTag/Team}' } },
      undefined,
      'COMPLIANT',
    ],
    [
      "a user's tag condition on its own tag, tags not read: allowed for some tags",
      'user',
      { StringEquals: { 'ssm:resourceTag/Team': '${aws:PrincipalTag/Team}' } },
      undefined,
      'NON_COMPLIANT',
    ],
    [
      "a user's own tag compared with the instance's, tags read: allowed",
      'user',
      { StringEquals: { 'aws:PrincipalTag/Team': '${ssm:resourceTag/Team}' } },
      TEAM_TAGS,
      'NON_COMPLIANT',
    ],
    [
      "a user's own tag compared with the instance's, tags not read: allowed for some tags",
      'user',
      { StringEquals: { 'aws:PrincipalTag/Team': '${ssm:resourceTag/Team}' } },
      undefined,
      'NON_COMPLIANT',
    ],
  ])('%s', (_case, who, condition, tags, compliance) => {
    // Given SSH allowed on instances under the condition, to a role or to a user tagged Team=ops
    const statements = [allow(SSH), allow(INSTANCES, condition)];
    // When the account is audited with conditional access accepted, the instance's tags read or not
    const report = who === 'role' ? auditWith(statements, tags) : auditUser(statements, tags);
    // Then the principal and the instance are NON_COMPLIANT only where some tags allow it outright
    expect(report.principals[0]?.compliance).toBe(compliance);
    expect(report.instances[0]?.compliance).toBe(compliance);
  });
});

describe("an operator the tag's absence satisfies, read as the evaluator reads it", () => {
  const TEAM_IS_SESSION_TAG = { 'ssm:resourceTag/Team': '${aws:PrincipalTag/Team}' };
  it.each<[string, string, 'COMPLIANT' | 'NON_COMPLIANT']>([
    // Operators are matched whatever their case: without the tag these apply.
    ['stringnotequals', 'stringnotequals', 'NON_COMPLIANT'],
    ['StringEqualsifexists', 'StringEqualsifexists', 'NON_COMPLIANT'],
    ['forallvalues:StringEquals', 'forallvalues:StringEquals', 'NON_COMPLIANT'],
    // ForAnyValue: is false on a missing key, negated or IfExists alike: no tags allow it outright.
    ['ForAnyValue:StringNotEquals', 'ForAnyValue:StringNotEquals', 'COMPLIANT'],
    ['ForAnyValue:StringEqualsIfExists', 'ForAnyValue:StringEqualsIfExists', 'COMPLIANT'],
  ])(
    "an Allow with %s on a tag and the role's unknown session tag, tags not read",
    (_case, operator, compliance) => {
      // Given an Allow on the instances under the operator, comparing a tag with an unknown session tag
      const statements = [allow(SSH), allow(INSTANCES, { [operator]: TEAM_IS_SESSION_TAG })];
      // When the account is audited without the instance's tags, conditional access accepted
      const report = auditWith(statements, undefined);
      // Then the role and the instance are NON_COMPLIANT exactly when the tag's absence allows it
      expect(report.principals[0]?.sshOverSessionManager).toBe('conditional');
      expect(report.principals[0]?.compliance).toBe(compliance);
      expect(report.instances[0]?.compliance).toBe(compliance);
    },
  );
});

describe('values and Resource patterns are ORed: one that the tags decide is enough', () => {
  it.each<[string, object[], 'COMPLIANT' | 'NON_COMPLIANT']>([
    [
      "an Allow on a tag equal to the role's unknown session tag or to red: red allows it",
      [
        allow(SSH),
        allow(INSTANCES, { StringEquals: { 'ssm:resourceTag/Team': ['${aws:PrincipalTag/Team}', 'red'] } }),
      ],
      'NON_COMPLIANT',
    ],
    [
      "an Allow on the instance named by the role's unknown session tag or by its Name tag",
      [
        allow(SSH),
        allow([
          'arn:aws:ec2:*:*:instance/${aws:PrincipalTag/Host}',
          'arn:aws:ec2:*:*:instance/${aws:ResourceTag/Name}',
        ]),
      ],
      'NON_COMPLIANT',
    ],
    [
      'an Allow on the role ARN differing from both its unknown session tag and a tag: a negated operator must miss both',
      [
        allow(SSH),
        allow(INSTANCES, {
          StringNotEquals: { 'aws:PrincipalArn': ['${aws:PrincipalTag/Owner}', '${aws:ResourceTag/Owner}'] },
        }),
      ],
      'COMPLIANT',
    ],
  ])('%s, tags not read', (_case, statements, compliance) => {
    // Given the role's statements, the instance's tags not read
    // When the account is audited with conditional access accepted
    const report = auditWith(statements, undefined);
    // Then the role and the instance are as expected
    expect(report.principals[0]?.sshOverSessionManager).toBe('conditional');
    expect(report.principals[0]?.compliance).toBe(compliance);
    expect(report.instances[0]?.compliance).toBe(compliance);
  });
});
