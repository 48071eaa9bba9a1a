import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import type { AccountSnapshot } from '../../src/snapshot/types';
import { bruteForce } from './brute-force';

/**
 * The audit groups instances into classes and caches statement matches. Property: on any account,
 * its answers equal the straightforward per-principal × per-instance × per-document evaluation.
 */
const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const IDS = ['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2', 'i-0bbbbbbbbbbbbbbb3', 'mi-0ccccccccccccccc4'];
const TEAMS = ['red', 'blue'];

const resourcePattern = fc.constantFrom(
  '*',
  'arn:aws:ec2:*:*:instance/*',
  `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/i-0a*`,
  `arn:aws:ec2:${REGION}:${ACCOUNT}:instance/${IDS[2]}`,
  'arn:aws:ssm:*:*:managed-instance/*',
  'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
  'arn:aws:ssm:*:*:document/AWS-StartPortForwarding*',
  `arn:aws:ssm:${REGION}:${ACCOUNT}:document/*`,
  'arn:aws:ssm:*:*:document/*',
  'arn:aws:ec2:*:*:instance/${aws:username}',
  'arn:aws:ec2:*:*:instance/${aws:username}',
);
const condition = fc.constantFrom(
  undefined,
  { StringEquals: { 'ssm:resourceTag/Team': 'red' } },
  { StringEquals: { 'aws:ResourceTag/Team': '${aws:PrincipalTag/team}' } },
  { StringNotEquals: { 'ssm:resourceTag/Team': 'blue' } },
  { Null: { 'ssm:resourceTag/Team': 'true' } },
  { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  { StringLike: { 'ssm:resourceTag/Name': 'web-*' } },
);
const statement = fc.record({
  Effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
  Action: fc.constantFrom('ssm:StartSession', 'ssm:*', '*', 's3:GetObject'),
  Resource: fc.array(resourcePattern, { minLength: 1, maxLength: 3 }),
  Condition: condition,
});
const policyDocument = fc
  .array(statement, { minLength: 1, maxLength: 3 })
  .map((statements) => ({
    Version: '2012-10-17',
    Statement: statements.map(({ Condition, ...s }) => (Condition ? { ...s, Condition } : s)),
  }));

const account = fc.record({
  roles: fc.array(
    fc.record({
      inline: fc.array(policyDocument, { maxLength: 2 }),
      team: fc.constantFrom(undefined, ...TEAMS),
      encoded: fc.boolean(),
    }),
    {
      minLength: 1,
      maxLength: 4,
    },
  ),
  users: fc.array(
    fc.record({
      inline: fc.array(policyDocument, { minLength: 1, maxLength: 2 }),
      name: fc.constantFrom(...IDS, 'alice'),
    }),
    {
      maxLength: 3,
    },
  ),
  instances: fc.array(
    fc.record({
      id: fc.constantFrom(...IDS),
      agent: fc.constantFrom('3.3.1957.0', '2.3.612.0'),
      team: fc.constantFrom(undefined, ...TEAMS),
      web: fc.boolean(),
    }),
    { maxLength: 5 },
  ),
  tagsKnown: fc.boolean(),
  tier: fc.constantFrom('standard', 'advanced', undefined),
  documentsListed: fc.boolean(),
});

type Generated = typeof account extends fc.Arbitrary<infer T> ? T : never;

function toSnapshot(g: Generated): AccountSnapshot {
  const instances = [...new Map(g.instances.map((i) => [i.id, i])).values()];
  const doc = (d: unknown, encoded: boolean) => (encoded ? encodeURIComponent(JSON.stringify(d)) : d);
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: REGION, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    iam: {
      // User names may equal instance ids, so that ${aws:username} in a Resource matches one instance.
      UserDetailList: [...new Map(g.users.map((u) => [u.name, u])).values()].map((u, n) => ({
        UserName: u.name,
        UserId: `AIDAEXAMPLE${n}`,
        Arn: `arn:aws:iam::${ACCOUNT}:user/${u.name}`,
        UserPolicyList: u.inline.map((d, k) => ({ PolicyName: `u${n}p${k}`, PolicyDocument: d })),
      })),
      GroupDetailList: [],
      RoleDetailList: g.roles.map((r, n) => ({
        RoleName: `role${n}`,
        RoleId: `AROAEXAMPLE${n}`,
        Arn: `arn:aws:iam::${ACCOUNT}:role/role${n}`,
        RolePolicyList: r.inline.map((d, k) => ({
          PolicyName: `r${n}p${k}`,
          PolicyDocument: doc(d, r.encoded),
        })),
        Tags: r.team ? [{ Key: 'team', Value: r.team }] : [],
      })),
      Policies: [],
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
    ...(g.tagsKnown
      ? {
          tags: {
            Tags: instances.flatMap((i) => [
              ...(i.team ? [{ Key: 'Team', Value: i.team, ResourceId: i.id, ResourceType: 'instance' }] : []),
              { Key: 'Name', Value: i.web ? 'web-1' : 'db-1', ResourceId: i.id, ResourceType: 'instance' },
            ]),
          },
        }
      : {}),
    ...(g.documentsListed
      ? {
          sessionDocuments: {
            DocumentIdentifiers: [{ Name: 'Acme-Tunnel', Owner: ACCOUNT, SessionType: 'Port' }],
          },
        }
      : {}),
  });
}

function auditView(snapshot: AccountSnapshot) {
  const report = audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
  return new Map(
    report.principals.map((p) => [
      p.arn,
      {
        sshOverSessionManager: p.sshOverSessionManager,
        sshReachableInstances: p.sshReachableInstances,
        portForwarding: p.portForwarding,
      },
    ]),
  );
}

describe('instance classes and caches', () => {
  it('give the same answers as per-instance evaluation on 1,000 random accounts', () => {
    fc.assert(
      fc.property(account, (g) => {
        // Given a random account
        const snapshot = toSnapshot(g);
        // When audited with classes, and evaluated straightforwardly
        // Then every principal's SSH, reachable instances and port forwarding agree
        expect(auditView(snapshot)).toEqual(bruteForce(snapshot));
      }),
      { numRuns: 1000, seed: 20261123 },
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
