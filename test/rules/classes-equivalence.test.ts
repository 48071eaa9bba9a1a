import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY, type CompliancePolicy } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import type { AccountSnapshot } from '../../src/snapshot/types';
import { bruteForce, reportAsBruteForce, type BruteForce } from './brute-force';

/**
 * The audit groups instances into classes and caches statement matches. Property: on any account,
 * its answers equal the straightforward per-principal × per-instance × per-document evaluation.
 */
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const IDS = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0bbbbbbbbbbbbbbb3', 'mi-0ccccccccccccccc4'];
/** One more id that every pattern of an id treats as the first two: more instances share classes. */
const INSTANCE_IDS = [...IDS, 'i-0aaaaaaaaaaaaaaa5'];
const TEAMS = ['red', 'blue'];
/** A third team, on instances only: it satisfies StringNotEquals [red, blue] with the tag present. */
const INSTANCE_TEAMS = [...TEAMS, 'green'];

const OWNERS = [ACCOUNT, '444455556666', `arn:aws:iam::${ACCOUNT}:role/role1`];
const COST_CENTERS = ['A', 'B'];
/**
 * Locations that fill a pattern's segments before the resource: with a colon the region and account,
 * without one the account or the region alone.
 */
const LOCATIONS = [`${REGION}:${ACCOUNT}`, ACCOUNT, REGION];
/**
 * The tags an instance whose tags were not read might have (see bruteForce). No location: every
 * combination is tried, and one more key would add a tenth to the test's time; the location accounts
 * below try every location.
 */
const TAG_CANDIDATES = {
  Team: INSTANCE_TEAMS,
  // Instance ids as tag values (here and for cost center), so that a pattern of the tag matches.
  Name: ['web-1', 'db-1', IDS[0] as string, IDS[3] as string],
  // A tag value is any text: the ArnLike pattern's own text matches it under both readings.
  Owner: [...OWNERS, 'arn:aws:iam:*:role/role1'],
  'cost center': [...COST_CENTERS, IDS[1] as string],
};

/** The values of the instances' tags (undefined: no such tag). */
const INSTANCE_TAGS = {
  team: [undefined, ...INSTANCE_TEAMS],
  // A Name or a cost center may be an instance id: its own, so that a pattern of the tag matches.
  name: [undefined, 'web-1', 'db-1', 'web-2', 'self', IDS[0] as string],
  owner: [undefined, ...OWNERS],
  costCenter: [undefined, ...COST_CENTERS, 'self'],
  // Read by no condition (nor tried on instances whose tags were not read), only by a NotResource.
  env: [undefined, 'prod', 'dev'],
  // Read by patterns before their resource segment: the instance's own locations, another region's
  // (which fills nothing of an instance's ARN), and a place that fills nothing either.
  loc: [undefined, ...LOCATIONS, `eu-west-1:${ACCOUNT}`, 'home'],
};

const fixedPattern = fc.constantFrom(
  '*',
  'arn:aws:ec2:*:*:instance/*',
  `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0a*`,
  `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${IDS[2]}`,
  'arn:aws:ssm:*:*:managed-instance/*',
  'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
  'arn:aws:ssm:*:*:document/AWS-StartPortForwarding*',
  'arn:aws:ssm:*:*:document/AWS-StartPortForwardingSessionToSocket',
  'arn:aws:ssm:*:*:document/Acme-*',
  `arn:aws:ssm:${REGION}:${ACCOUNT}:document/*`,
  'arn:aws:ssm:*:*:document/*',
  // Short patterns whose segment-final * may run past colons: two readings.
  'arn:aws:ssm:*:document/AWS-StartSSHSession',
  'arn:aws:ec2:*:instance/i-0a*',
  // Variables in patterns that never match an instance: as a NotResource, broadly read, such a
  // statement is invalid where the variable has no value. Env, which no condition reads, so that only
  // whether an instance has the tag tells it apart.
  'arn:aws:ssm:*:*:document/${aws:ResourceTag/Env}',
  'arn:aws:ssm:*:*:document/${aws:username}',
  // A tag variable before the resource segment: no AWS document has tags, so it matches none, and no
  // instance ARN has a document segment.
  'arn:aws:ssm:${aws:ResourceTag/loc}:document/AWS-StartSSHSession',
  // Its default, colon included, fills the region and the empty account of the AWS documents' ARN.
  "arn:aws:ssm:${aws:ResourceTag/loc, 'us-east-1:'}:document/AWS-StartSSHSession",
);
/**
 * Patterns with a variable that may match an instance. Each puts every instance it may match in a
 * class of its own, so they are drawn rarely: about half the accounts have none, and there instances
 * may share classes.
 */
const variablePattern = fc.constantFrom(
  'arn:aws:ec2:*:*:instance/${aws:username}',
  // A tag key with a space, through a variable.
  'arn:aws:ec2:*:*:instance/${aws:ResourceTag/cost center}',
  // A tag as the whole id: it matches where the tag's value is the instance's own id.
  'arn:aws:ec2:*:*:instance/${ssm:resourceTag/Name}',
  'arn:aws:ssm:*:*:managed-instance/${aws:ResourceTag/Name}',
);
/**
 * Variables before the resource segment, which may stand for text with colons: an unknown value may
 * match any instance, so these too put instances in classes of their own, and are drawn as rarely.
 */
const prefixVariablePattern = fc.constantFrom(
  // A location with a colon fills the region and the account.
  'arn:aws:ec2:${aws:ResourceTag/loc}:instance/*',
  'arn:aws:ssm:${aws:ResourceTag/loc}:managed-instance/*',
  // Only the account: a value with a colon adds a segment.
  'arn:aws:ec2:*:${aws:ResourceTag/loc}:instance/*',
  // The default fills the region where the tag is missing; a tag with a colon adds a segment.
  "arn:aws:ec2:${aws:ResourceTag/loc, 'us-east-1'}:${aws:PrincipalAccount}:instance/*",
  // Strictly read the value must be the region, broadly the account will do too: two readings.
  'arn:aws:*:${aws:ResourceTag/loc}:*',
  // The account, the same for every principal.
  'arn:aws:ec2:*:${aws:PrincipalAccount}:instance/*',
  // Without a default it matches no user (no team is a region, and without the tag nothing) and a role
  // maybe (session tags are unknown); with one, every instance for a user without the tag.
  'arn:aws:ec2:${aws:PrincipalTag/team}:*:instance/*',
  "arn:aws:ec2:${aws:PrincipalTag/team, 'us-east-1'}:*:instance/*",
);
/**
 * Variable patterns of both kinds drawn 3 times in 183, as often as those of the first kind alone were,
 * so that as many accounts as before have none.
 */
const resourcePattern = fc.oneof(
  { weight: 180, arbitrary: fixedPattern },
  { weight: 2, arbitrary: variablePattern },
  { weight: 1, arbitrary: prefixVariablePattern },
);
const resourceList = fc.oneof(
  { weight: 80, arbitrary: fc.array(resourcePattern, { minLength: 1, maxLength: 3 }) },
  // Two variable patterns in one list: either may match, for different instances or principals.
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      ['arn:aws:ec2:*:*:instance/${aws:ResourceTag/cost center}', 'arn:aws:ec2:*:*:instance/${aws:username}'],
      [
        'arn:aws:ec2:*:*:instance/${aws:ResourceTag/Name}',
        'arn:aws:ec2:*:*:instance/${aws:ResourceTag/cost center}',
      ],
      ['arn:aws:ec2:*:*:instance/${aws:ResourceTag/Name}', 'arn:aws:ssm:*:*:document/*'],
    ),
  },
  // As a NotResource: every instance but, broadly read, only those with an Env tag.
  {
    weight: 8,
    arbitrary: fc.constant([
      'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
      'arn:aws:ssm:*:*:document/${aws:ResourceTag/Env}',
    ]),
  },
  // The SSH document and instances by their location: as a Resource, SSH to those whose location
  // fills the pattern; as a NotResource, to every other instance and, broadly read, only where the
  // tag is there.
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        'arn:aws:ec2:${aws:ResourceTag/loc}:instance/*',
        'arn:aws:ec2:*:${aws:ResourceTag/loc}:instance/*',
        "arn:aws:ec2:${aws:ResourceTag/loc, 'us-east-1'}:${aws:PrincipalAccount}:instance/*",
        'arn:aws:*:${aws:ResourceTag/loc}:*',
      )
      .map((instances) => ['arn:aws:ssm:*:*:document/AWS-StartSSHSession', instances]),
  },
);
/** A Condition block: operator, then key, then one value or several. */
type ConditionBlock = Record<string, Record<string, string | readonly string[]>>;
const conditionBlock = fc.constantFrom<ConditionBlock>(
  { StringEquals: { 'ssm:resourceTag/Team': 'red' } },
  // Condition keys are case-insensitive, tag keys included.
  { StringEquals: { 'ssm:resourcetag/team': 'blue' } },
  { StringEquals: { 'aws:ResourceTag/Team': '${aws:PrincipalTag/team}' } },
  // A resource tag inside the value of a condition on another key still tells instances apart.
  { StringEquals: { 'aws:PrincipalTag/team': '${aws:ResourceTag/Team}' } },
  { StringEquals: { 'aws:userid': "${ssm:resourceTag/Owner, 'nobody'}" } },
  { StringNotEquals: { 'ssm:resourceTag/Team': 'blue' } },
  { Null: { 'ssm:resourceTag/Team': 'true' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { StringLike: { 'ssm:resourceTag/Name': 'web-*' } },
  // The requested region is the snapshot's.
  { StringEquals: { 'aws:RequestedRegion': REGION } },
  { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
  { StringNotEquals: { 'aws:RequestedRegion': [REGION, 'us-west-2'] } },
  { StringLike: { 'aws:RequestedRegion': 'us-*' } },
  { StringEqualsIfExists: { 'aws:RequestedRegion': 'eu-west-1' } },
  // ARN values whose segment-final * may run past colons: two readings.
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:*:role/role1' } },
  { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam:*:role/role1' } },
  { ArnLike: { 'aws:PrincipalArn': `arn:aws:iam::${ACCOUNT}:*` } },
  { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:*:user/*' } },
  { ArnLike: { 'ssm:resourceTag/Owner': 'arn:aws:iam:*:role/role1' } },
  { ArnNotLike: { 'ssm:resourceTag/Owner': 'arn:aws:iam:*:role/*' } },
  { ArnLike: { 'aws:ResourceTag/Owner': 'arn:aws:iam::*:role/role1' } },
  // Tag keys with a space, in the key and through variables.
  { StringEquals: { 'ssm:resourceTag/cost center': 'A' } },
  { StringEquals: { 'ssm:resourceTag/cost center': '${aws:PrincipalTag/cost center}' } },
  { StringEquals: { 'aws:PrincipalTag/cost center': '${aws:ResourceTag/cost center}' } },
  { StringEquals: { 'aws:PrincipalTag/cost center': "${ssm:resourceTag/cost center, 'A'}" } },
  // Several values of one key are ORed; a negated operator must miss them all.
  { StringEquals: { 'ssm:resourceTag/Team': ['red', 'blue'] } },
  { StringNotEquals: { 'ssm:resourceTag/Team': ['red', 'blue'] } },
  // A literal and a variable in one list: the variable makes the outcome depend on the principal.
  { StringEquals: { 'ssm:resourceTag/Team': ['red', '${aws:PrincipalTag/team}'] } },
  { StringNotEquals: { 'aws:ResourceTag/Team': ['blue', '${aws:PrincipalTag/team}'] } },
  { StringEquals: { 'aws:PrincipalTag/team': ['blue', '${aws:ResourceTag/Team}'] } },
  { StringEquals: { 'aws:username': [IDS[2] as string, '${aws:ResourceTag/Name}'] } },
  { StringEquals: { 'aws:PrincipalTag/team': ['red', 'blue'] } },
  // Set operators on a single-valued tag key: a missing tag makes ForAllValues true, ForAnyValue false.
  { 'ForAnyValue:StringEquals': { 'ssm:resourceTag/Team': ['red', 'green'] } },
  { 'ForAllValues:StringEquals': { 'ssm:resourceTag/Team': 'red' } },
  { 'ForAnyValue:StringLike': { 'aws:ResourceTag/Name': ['web-*', 'i-*'] } },
  { 'ForAnyValue:StringNotEquals': { 'ssm:resourceTag/Team': 'red' } },
  { 'ForAllValues:StringNotLike': { 'aws:ResourceTag/Name': 'db-*' } },
  { 'ForAnyValue:StringEquals': { 'aws:PrincipalTag/team': '${aws:ResourceTag/Team}' } },
  // A request key that no instance and no principal knows: undetermined everywhere.
  { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'Team*' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['Team', 'Name'] } },
  // A missing tag satisfies ...IfExists, and the operator's text is read whatever its case.
  { StringEqualsIfExists: { 'ssm:resourceTag/Team': 'red' } },
  { stringnotequalsifexists: { 'aws:ResourceTag/Team': ['red', 'green'] } },
  { StringLikeIfExists: { 'ssm:resourceTag/Name': '${aws:username}' } },
  { Null: { 'ssm:resourceTag/Team': 'false' } },
  { Null: { 'aws:ResourceTag/cost center': ['false'] } },
);
/** None a third of the time: with this many blocks to draw from, a statement would hardly ever go without. */
const condition = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: conditionBlock },
);
const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  Action: fc.constantFrom('ssm:StartSession', 'ssm:*', '*', 's3:GetObject'),
  // NotAction covers every action it does not name: s3:* covers StartSession, ssm:Start* does not.
  NotAction: fc.constantFrom(false, false, false, false, false, 's3:*', 'ssm:Start*', ['ec2:*', 'ssm:Send*']),
  Resource: resourceList,
  // NotResource covers every resource none of its patterns matches.
  NotResource: fc.constantFrom(false, false, false, true),
  Condition: condition,
  // Two conditions in one block are ANDed.
  More: condition,
});
const policyDocument = fc.array(statement, { minLength: 1, maxLength: 3 }).map((statements) => ({
  Version: '2012-10-17',
  Statement: statements.map(({ Condition, More, NotAction, Action, NotResource, Resource, ...s }) => {
    const merged = { ...(More ?? {}), ...(Condition ?? {}) };
    return {
      ...s,
      ...(NotAction ? { NotAction } : { Action }),
      ...(NotResource ? { NotResource: Resource } : { Resource }),
      ...(Object.keys(merged).length ? { Condition: merged } : {}),
    };
  }),
}));

const account = fc.record({
  managed: fc.array(policyDocument, { minLength: 2, maxLength: 2 }),
  // A managed policy whose DefaultVersionId names another version than IsDefaultVersion marks.
  versionMismatch: fc.constantFrom(undefined, undefined, undefined, 0, 1),
  roles: fc.array(
    fc.record({
      inline: fc.array(policyDocument, { maxLength: 2 }),
      attached: fc.subarray([0, 1]),
      boundary: fc.constantFrom(undefined, 0, 1),
      team: fc.constantFrom(undefined, ...TEAMS),
      encoded: fc.boolean(),
    }),
    {
      minLength: 1,
      maxLength: 6,
    },
  ),
  users: fc.array(
    fc.record({
      inline: fc.array(policyDocument, { minLength: 1, maxLength: 2 }),
      name: fc.constantFrom(...IDS, 'alice'),
      team: fc.constantFrom(undefined, ...TEAMS),
      costCenter: fc.constantFrom(undefined, ...COST_CENTERS),
      // Group names are matched whatever the case.
      groups: fc.subarray(['Ops', 'ops', 'OPS', 'Devs']),
    }),
    {
      maxLength: 3,
    },
  ),
  groups: fc.record({ Ops: fc.array(policyDocument, { maxLength: 1 }), Devs: fc.subarray([0, 1]) }),
  // Every instance's tags, but for the one key where an instance differs (see instances). (With every
  // tag drawn for every instance, instances that policies could not tell apart were rare, and so were
  // two that differ in one tag only, which only some policies tell apart.)
  baseTags: fc.record({
    team: fc.constantFrom(...INSTANCE_TAGS.team),
    name: fc.constantFrom(...INSTANCE_TAGS.name),
    owner: fc.constantFrom(...INSTANCE_TAGS.owner),
    costCenter: fc.constantFrom(...INSTANCE_TAGS.costCenter),
    env: fc.constantFrom(...INSTANCE_TAGS.env),
    loc: fc.constantFrom(...INSTANCE_TAGS.loc),
  }),
  instances: fc.array(
    fc.record({
      id: fc.constantFrom(...INSTANCE_IDS),
      agent: fc.constantFrom('3.3.1957.0', '3.3.1957.0', '2.3.612.0'),
      // The tag key whose value is the instance's own, and which of INSTANCE_TAGS (modulo their number).
      differs: fc.constantFrom(undefined, undefined, 'team', 'name', 'owner', 'costCenter', 'env', 'loc'),
      value: fc.nat(5),
    }),
    { maxLength: 5 },
  ),
  // Read, missing, cut short (NextToken), or read but leaving hybrid nodes out.
  tags: fc.constantFrom('read', 'missing', 'truncated', 'hybrid-unread'),
  tier: fc.constantFrom('standard', 'advanced', undefined),
  documentsListed: fc.boolean(),
  // The listed customer document's tags: not in the listing (unknown), none, or a team in either case.
  documentTags: fc.constantFrom(
    undefined,
    [],
    [{ Key: 'Team', Value: INSTANCE_TEAMS[0] as string }],
    [{ Key: 'team', Value: INSTANCE_TEAMS[1] as string }],
  ),
  conditionalIsViolation: fc.boolean(),
  exemptInstances: fc.constantFrom(
    undefined,
    { ids: [IDS[0] as string], tags: {} },
    { ids: [], tags: { Team: 'red' } },
  ),
  exemptPrincipals: fc.constantFrom([], [`arn:aws:iam::${ACCOUNT}:role/role0`]),
});

type Generated = typeof account extends fc.Arbitrary<infer T> ? T : never;

function toSnapshot(g: Generated): AccountSnapshot {
  const instances = [...new Map(g.instances.map((i) => [i.id, i])).values()];
  const doc = (d: unknown, encoded: boolean) => (encoded ? encodeURIComponent(JSON.stringify(d)) : d);
  const managedArn = (m: number) => `arn:aws:iam::${ACCOUNT}:policy/Managed${m}`;
  const attached = (ms: readonly number[]) =>
    ms.map((m) => ({ PolicyName: `Managed${m}`, PolicyArn: managedArn(m) }));
  const tag = (id: string, Key: string, Value: string | undefined) =>
    Value === undefined
      ? []
      : [
          {
            Key,
            Value,
            ResourceId: id,
            ResourceType: id.startsWith('mi-') ? 'managed-instance' : 'instance',
          },
        ];
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: REGION, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    iam: {
      // User names may equal instance ids, so that ${aws:username} in a Resource matches one instance.
      UserDetailList: [...new Map(g.users.map((u) => [u.name, u])).values()].map((u, n) => ({
        UserName: u.name,
        UserId: `AIDAEXAMPLE${n}`,
        Arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`,
        UserPolicyList: u.inline.map((d, k) => ({ PolicyName: `u${n}p${k}`, PolicyDocument: d })),
        // One group listed once, in whichever case.
        GroupList: [...new Map(u.groups.map((name) => [name.toLowerCase(), name])).values()],
        Tags: [
          ...(u.team ? [{ Key: 'team', Value: u.team }] : []),
          ...(u.costCenter ? [{ Key: 'cost center', Value: u.costCenter }] : []),
        ],
      })),
      GroupDetailList: [
        {
          GroupName: 'Ops',
          GroupId: 'AGPAEXAMPLEOPS',
          Arn: `arn:aws:iam::${ACCOUNT}:group/Ops`,
          GroupPolicyList: g.groups.Ops.map((d, k) => ({ PolicyName: `g${k}`, PolicyDocument: d })),
          AttachedManagedPolicies: [],
        },
        {
          GroupName: 'Devs',
          GroupId: 'AGPAEXAMPLEDEVS',
          Arn: `arn:aws:iam::${ACCOUNT}:group/Devs`,
          GroupPolicyList: [],
          AttachedManagedPolicies: attached(g.groups.Devs),
        },
      ],
      RoleDetailList: g.roles.map((r, n) => ({
        RoleName: `role${n}`,
        RoleId: `AROAEXAMPLE${n}`,
        Arn: `arn:aws:iam::${ACCOUNT}:role/role${n}`,
        RolePolicyList: r.inline.map((d, k) => ({
          PolicyName: `r${n}p${k}`,
          PolicyDocument: doc(d, r.encoded),
        })),
        // Shared managed policies: principals with the same ones share verdicts inside the audit.
        AttachedManagedPolicies: attached(r.attached),
        ...(r.boundary !== undefined
          ? {
              PermissionsBoundary: {
                PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
                PermissionsBoundaryArn: managedArn(r.boundary),
              },
            }
          : {}),
        Tags: r.team ? [{ Key: 'team', Value: r.team }] : [],
      })),
      Policies: g.managed.map((d, m) => ({
        PolicyName: `Managed${m}`,
        Arn: managedArn(m),
        DefaultVersionId: g.versionMismatch === m ? 'v2' : 'v1',
        PolicyVersionList: [{ Document: doc(d, m === 1), VersionId: 'v1', IsDefaultVersion: true }],
      })),
    },
    instances: {
      InstanceInformationList: instances.map((i) => ({
        InstanceId: i.id,
        AgentVersion: i.agent,
        ResourceType: i.id.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
        PingStatus: 'Online',
      })),
    },
    ...(g.tier ? { activationTier: { ServiceSetting: { SettingValue: g.tier } } } : {}),
    ...(g.tags !== 'missing'
      ? {
          tags: {
            Tags: instances
              .filter((i) => g.tags !== 'hybrid-unread' || !i.id.startsWith('mi-'))
              .flatMap((i) => {
                const value = (key: keyof typeof INSTANCE_TAGS) => {
                  const values = INSTANCE_TAGS[key];
                  const v = key === i.differs ? values[i.value % values.length] : g.baseTags[key];
                  return v === 'self' ? i.id : v;
                };
                return [
                  ...tag(i.id, 'Team', value('team')),
                  ...tag(i.id, 'Name', value('name')),
                  ...tag(i.id, 'Owner', value('owner')),
                  ...tag(i.id, 'cost center', value('costCenter')),
                  ...tag(i.id, 'Env', value('env')),
                  ...tag(i.id, 'loc', value('loc')),
                ];
              }),
            // The snapshot command's record of the hybrid nodes whose tags it read, tagged or not.
            ...(g.tags === 'read'
              ? { ManagedInstanceIds: instances.filter((i) => i.id.startsWith('mi-')).map((i) => i.id) }
              : {}),
            ...(g.tags === 'truncated' ? { NextToken: 'more' } : {}),
          },
        }
      : {}),
    ...(g.documentsListed
      ? {
          sessionDocuments: {
            DocumentIdentifiers: [
              {
                Name: 'Acme-Tunnel',
                Owner: ACCOUNT,
                SessionType: 'Port',
                ...(g.documentTags ? { Tags: g.documentTags } : {}),
              },
            ],
          },
        }
      : {}),
  });
}

function policyOf(g: Generated): CompliancePolicy {
  return {
    ...DEFAULT_COMPLIANCE_POLICY,
    conditionalIsViolation: g.conditionalIsViolation,
    exemptPrincipals: [...g.exemptPrincipals],
    ...(g.exemptInstances
      ? {
          exemptInstances: {
            ids: [...g.exemptInstances.ids],
            tags: { ...g.exemptInstances.tags } as Record<string, string>,
          },
        }
      : {}),
  };
}

/**
 * The brute force's answers, taking the audit's NON_COMPLIANT where the brute force says COMPLIANT only
 * for want of tags it did not try, and the audit fails closed (see mayBeAllowedForSomeTags in audit.ts).
 */
function expected(actual: BruteForce, brute: BruteForce): BruteForce {
  return {
    principals: new Map(
      [...brute.principals].map(([arn, { mayFailClosed, ...p }]) => [
        arn,
        mayFailClosed && actual.principals.get(arn)?.compliance === 'NON_COMPLIANT'
          ? { ...p, compliance: 'NON_COMPLIANT' as const }
          : p,
      ]),
    ),
    instances: new Map(
      [...brute.instances].map(([id, c]) => [
        id,
        brute.mayFailClosed?.has(id) && actual.instances.get(id) === 'NON_COMPLIANT' ? 'NON_COMPLIANT' : c,
      ]),
    ),
    // Between the principals the brute force counts and those the audit may also count, failing closed:
    // only those it reports NON_COMPLIANT, as every principal it counts anywhere is.
    exposedTo: new Map(
      [...brute.exposedTo].map(([id, count]) => {
        const found = actual.exposedTo.get(id) ?? -1;
        const more = (brute.mayAlsoExpose?.get(id) ?? []).filter(
          (arn) => actual.principals.get(arn)?.compliance === 'NON_COMPLIANT',
        ).length;
        return [id, found >= count && found <= count + more ? found : count];
      }),
    ),
  };
}

/** What the brute force computes, as the audit reports it. */
function auditView(
  snapshot: AccountSnapshot,
  policy: CompliancePolicy = DEFAULT_COMPLIANCE_POLICY,
): BruteForce {
  return reportAsBruteForce(audit(snapshot, policy));
}

/**
 * Building blocks that principals share, so that verdicts computed for one principal are reused for
 * another: the same managed policies with and without a boundary, policies that depend on who asks,
 * and boundaries that allow the documents but not the instances.
 */
const BLOCKS = [
  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' },
  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/*' },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:*:*:instance/*',
    Condition: { StringEquals: { 'ssm:resourceTag/Team': 'red' } },
  },
  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:*:*:instance/${aws:username}' },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: '*',
    Condition: { StringEquals: { 'aws:PrincipalTag/team': 'red' } },
  },
  { Effect: 'Deny', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/AWS-StartSSHSession' },
  { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
  // Only one role by its ARN: the same policy answers differently for two roles.
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: '*',
    Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/r1' } },
  },
  // Policy variables that are the same for every role (account) or unknown for every role (session tags).
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: `arn:aws:ec2:${REGION}:\${aws:PrincipalAccount}:instance/i-0a*`,
  },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:*:*:instance/*',
    Condition: { StringEquals: { 'ssm:resourceTag/Team': '${aws:PrincipalTag/team}' } },
  },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:*:*:instance/*',
    Condition: { StringEquals: { 'ssm:resourceTag/Owner': '${aws:PrincipalAccount}' } },
  },
];
const sharedAccount = fc.record({
  managed: fc.array(fc.subarray([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { minLength: 1 }), {
    minLength: 3,
    maxLength: 3,
  }),
  principals: fc.array(
    fc.record({
      user: fc.boolean(),
      name: fc.constantFrom(...IDS, 'alice'),
      attached: fc.subarray([0, 1, 2]),
      boundary: fc.constantFrom(undefined, 0, 1, 2),
      team: fc.constantFrom(undefined, ...TEAMS),
    }),
    { minLength: 2, maxLength: 8 },
  ),
  instances: fc.subarray(IDS.slice(0, 3), { minLength: 1 }),
  red: fc.subarray(IDS.slice(0, 3)),
  owned: fc.subarray(IDS.slice(0, 3)),
});

type Shared = typeof sharedAccount extends fc.Arbitrary<infer T> ? T : never;

/** A user or role of the block accounts below: managed policies made of blocks, and a team tag. */
interface BlockPrincipal {
  readonly attached: readonly number[];
  readonly boundary: number | undefined;
  readonly team: string | undefined;
}

/**
 * The iam.json of an account whose managed policies `${name}0`, `${name}1`, ... are made of the
 * statements `blocks[b]`, attached to the users (by name) and roles given, with `more` of each principal.
 */
function blockIam<P extends BlockPrincipal>(
  name: string,
  blocks: readonly object[],
  managed: readonly (readonly number[])[],
  users: readonly (readonly [string, P])[],
  roles: readonly P[],
  more: (p: P) => object = () => ({}),
) {
  const arn = (m: number) => `arn:aws:iam::${ACCOUNT}:policy/${name}${m}`;
  const id = name.toUpperCase();
  const attach = (p: P) => ({
    AttachedManagedPolicies: p.attached.map((m) => ({ PolicyName: `${name}${m}`, PolicyArn: arn(m) })),
    ...(p.boundary !== undefined
      ? {
          PermissionsBoundary: {
            PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
            PermissionsBoundaryArn: arn(p.boundary),
          },
        }
      : {}),
    Tags: p.team ? [{ Key: 'team', Value: p.team }] : [],
    ...more(p),
  });
  return {
    UserDetailList: users.map(([userName, p], n) => ({
      UserName: userName,
      UserId: `AIDA${id}${n}`,
      Arn: `arn:aws:iam::${ACCOUNT}:user/${userName}`,
      ...attach(p),
    })),
    GroupDetailList: [],
    RoleDetailList: roles.map((p, n) => ({
      RoleName: `r${n}`,
      RoleId: `AROA${id}${n}`,
      Arn: `arn:aws:iam::${ACCOUNT}:role/r${n}`,
      ...attach(p),
    })),
    Policies: managed.map((statements, m) => ({
      PolicyName: `${name}${m}`,
      Arn: arn(m),
      PolicyVersionList: [
        {
          Document: { Version: '2012-10-17', Statement: statements.map((b) => blocks[b]) },
          VersionId: 'v1',
          IsDefaultVersion: true,
        },
      ],
    })),
  };
}

function sharedSnapshot(g: Shared): AccountSnapshot {
  // One user per name.
  const users = [...new Map(g.principals.filter((p) => p.user).map((p) => [p.name, p])).entries()];
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: REGION },
    iam: blockIam(
      'Block',
      BLOCKS,
      g.managed,
      users,
      g.principals.filter((p) => !p.user),
    ),
    instances: {
      InstanceInformationList: g.instances.map((id) => ({
        InstanceId: id,
        AgentVersion: '3.3.1957.0',
        ResourceType: 'EC2Instance',
      })),
    },
    tags: {
      Tags: [
        ...g.red.map((id) => ({ Key: 'Team', Value: 'red', ResourceId: id, ResourceType: 'instance' })),
        // Owner is the account id on some instances and another account on the rest.
        ...IDS.slice(0, 3).map((id) => ({
          Key: 'Owner',
          Value: g.owned.includes(id) ? ACCOUNT : '444455556666',
          ResourceId: id,
          ResourceType: 'instance',
        })),
      ].filter((t) => g.instances.includes(t.ResourceId)),
    },
    sessionDocuments: { DocumentIdentifiers: [] },
  });
}

/**
 * Statements on instances by their location, a tag that policy variables read before the resource
 * segment, where a value with a colon fills two segments. Accounts of these alone have instances that
 * differ in nothing else, so a class that wrongly holds two of them is soon found.
 */
const LOCATION_BLOCKS = [
  // The region and account (a location with a colon), the account alone, or the region alone where
  // the tag is missing (the default).
  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:${aws:ResourceTag/loc}:instance/*' },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:*:${aws:ResourceTag/loc}:instance/*',
  },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: "arn:aws:ec2:${aws:ResourceTag/loc, 'us-east-1'}:${aws:PrincipalAccount}:instance/*",
  },
  // Hybrid nodes by the same location.
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ssm:${aws:ResourceTag/loc}:managed-instance/*',
  },
  // Strictly read the location must be the region, broadly the account will do too.
  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:*:${aws:ResourceTag/loc}:*' },
  // Principal variables: every instance for a user without a team tag (the default), none for a user
  // with one (no team is a region), maybe for a role (session tags are unknown); the account, known.
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: "arn:aws:ec2:${aws:PrincipalTag/team, 'us-east-1'}:*:instance/*",
  },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:${aws:PrincipalTag/team}:*:instance/*',
  },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:*:${aws:PrincipalAccount}:instance/*',
  },
  // Denied by location.
  { Effect: 'Deny', Action: 'ssm:StartSession', Resource: 'arn:aws:ec2:${aws:ResourceTag/loc}:instance/*' },
  { Effect: 'Deny', Action: 'ssm:StartSession', Resource: 'arn:aws:*:${aws:ResourceTag/loc}:*' },
  // As NotResource: every instance but those the location fills; broadly read, only those with the
  // tag. Allowed, and denied.
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    NotResource: ['arn:aws:ssm:*:*:document/*', 'arn:aws:ec2:${aws:ResourceTag/loc}:instance/*'],
  },
  {
    Effect: 'Deny',
    Action: 'ssm:StartSession',
    NotResource: ['arn:aws:ssm:*:*:document/*', 'arn:aws:ec2:*:${aws:ResourceTag/loc}:instance/*'],
  },
  // The SSH document by location: no AWS document has tags, but the default, colon included, fills
  // its region and empty account.
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: "arn:aws:ssm:${aws:ResourceTag/loc, 'us-east-1:'}:document/AWS-StartSSHSession",
  },
  {
    Effect: 'Deny',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ssm:${aws:ResourceTag/loc}:document/AWS-StartSSHSession',
  },
  // As a NotResource it covers every instance with the tag; broadly read, it voids its statement on
  // those without.
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    NotResource: 'arn:aws:ssm:${aws:ResourceTag/loc}:document/AWS-StartSSHSession',
  },
  // A condition on the location groups its values by outcome; a pattern that reads it must still
  // tell them apart.
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: 'arn:aws:ec2:*:*:instance/*',
    Condition: { StringLike: { 'aws:ResourceTag/loc': `${REGION}*` } },
  },
];
const locatedAccount = fc.record({
  // Few statements each, so that few policies tell instances apart for other reasons.
  managed: fc.array(fc.subarray([...LOCATION_BLOCKS.keys()], { minLength: 1, maxLength: 2 }), {
    minLength: 3,
    maxLength: 3,
  }),
  principals: fc.array(
    fc.record({
      user: fc.boolean(),
      team: fc.constantFrom(undefined, ...TEAMS),
      attached: fc.subarray([0, 1, 2], { minLength: 1, maxLength: 2 }),
      boundary: fc.constantFrom(undefined, undefined, 0, 1, 2),
      // The session documents, without which no instance is reached: mostly granted.
      documents: fc.constantFrom(true, true, true, false),
    }),
    { minLength: 1, maxLength: 4 },
  ),
  // Instances that differ in their location alone.
  instances: fc.array(
    fc.record({ id: fc.constantFrom(...INSTANCE_IDS), loc: fc.constantFrom(...INSTANCE_TAGS.loc) }),
    {
      minLength: 2,
      maxLength: 6,
    },
  ),
  // Read, missing, or read but leaving hybrid nodes out.
  tags: fc.constantFrom('read', 'missing', 'hybrid-unread'),
  documentsListed: fc.boolean(),
  conditionalIsViolation: fc.boolean(),
});

type Located = typeof locatedAccount extends fc.Arbitrary<infer T> ? T : never;

function locatedSnapshot(g: Located): AccountSnapshot {
  const instances = [...new Map(g.instances.map((i) => [i.id, i])).values()];
  const documents = (p: Located['principals'][number]) => ({
    ...(p.documents
      ? {
          [p.user ? 'UserPolicyList' : 'RolePolicyList']: [
            {
              PolicyName: 'documents',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/*' },
                ],
              },
            },
          ],
        }
      : {}),
  });
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: REGION },
    iam: blockIam(
      'Located',
      LOCATION_BLOCKS,
      g.managed,
      g.principals.filter((p) => p.user).map((p, n) => [`u${n}`, p] as const),
      g.principals.filter((p) => !p.user),
      documents,
    ),
    instances: {
      InstanceInformationList: instances.map((i) => ({
        InstanceId: i.id,
        AgentVersion: '3.3.1957.0',
        ResourceType: i.id.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
      })),
    },
    activationTier: { ServiceSetting: { SettingValue: 'advanced' } },
    ...(g.tags !== 'missing'
      ? {
          tags: {
            Tags: instances
              .filter((i) => i.loc !== undefined && (g.tags === 'read' || !i.id.startsWith('mi-')))
              .map((i) => ({
                Key: 'loc',
                Value: i.loc,
                ResourceId: i.id,
                ResourceType: i.id.startsWith('mi-') ? 'managed-instance' : 'instance',
              })),
            ...(g.tags === 'read'
              ? { ManagedInstanceIds: instances.filter((i) => i.id.startsWith('mi-')).map((i) => i.id) }
              : {}),
          },
        }
      : {}),
    ...(g.documentsListed ? { sessionDocuments: { DocumentIdentifiers: [] } } : {}),
  });
}

describe('instance classes and caches', () => {
  it('share verdicts only between principals that must get the same ones (500 accounts of shared policies)', () => {
    fc.assert(
      fc.property(sharedAccount, (g) => {
        const snapshot = sharedSnapshot(g);
        expect(auditView(snapshot)).toEqual(bruteForce(snapshot));
      }),
      { numRuns: 500, seed: 424242 },
    );
  });

  const runs = Number(process.env.EQUIVALENCE_RUNS ?? 1000);
  const locatedRuns = Math.ceil(runs / 4);
  it(`tell instances apart by a location read before the resource segment (${locatedRuns.toLocaleString('en-US')} accounts)`, () => {
    fc.assert(
      fc.property(locatedAccount, (g) => {
        // Given instances that differ in their location alone, and principals with statements that
        // read it before the resource segment
        const snapshot = locatedSnapshot(g);
        const policy = { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: g.conditionalIsViolation };
        // When audited with classes, and evaluated straightforwardly (every location tried where the
        // tags were not read)
        // Then the two agree
        const actual = auditView(snapshot, policy);
        expect(actual).toEqual(expected(actual, bruteForce(snapshot, policy, { loc: LOCATIONS })));
      }),
      { numRuns: locatedRuns, seed: Number(process.env.EQUIVALENCE_SEED ?? 20261123) },
    );
  });
  it(`give the same answers as per-instance evaluation on ${runs.toLocaleString('en-US')} random accounts`, () => {
    fc.assert(
      fc.property(account, (g) => {
        // Given a random account and compliance policy
        const snapshot = toSnapshot(g);
        const policy = policyOf(g);
        // When audited with classes, and evaluated straightforwardly
        // Then every principal's SSH, reachable instances, port forwarding and compliance agree, and
        // so does every instance's compliance
        const actual = auditView(snapshot, policy);
        expect(actual).toEqual(expected(actual, bruteForce(snapshot, policy, TAG_CANDIDATES)));
      }),
      {
        numRuns: runs,
        seed: Number(process.env.EQUIVALENCE_SEED ?? 20261123),
      },
    );
  });

  it('gives the same answers as per-instance evaluation on the example account', () => {
    const root = join(__dirname, '..', '..', 'examples', 'account');
    const read = (f: string) => JSON.parse(readFileSync(join(root, f), 'utf8'));
    const snapshot = parseSnapshotValues({
      iam: read('iam.json'),
      instances: read('instances.json'),
      account: read('account.json'),
      activationTier: read('activation-tier.json'),
      sessionPreferences: read('session-preferences.json'),
      sessionDocuments: read('session-documents.json'),
      tags: read('tags.json'),
    });
    expect(auditView(snapshot)).toEqual(bruteForce(snapshot));
  });
});
