import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';

/**
 * A paginated file that was cut short says so in one of three ways: `IsTruncated` and `Marker` (the
 * raw IAM API), or `NextToken` (what the AWS CLI writes instead when --max-items stops it, and what
 * every SSM and EC2 list call returns). Each is a gap naming the file; a complete file is none.
 */
const account = { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', Region: 'us-east-1' };
const emptyIam = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
const instances = {
  InstanceInformationList: [{ InstanceId: 'i-0123456789abcdef0', ResourceType: 'EC2Instance' }],
};
const tags = {
  Tags: [{ Key: 'env', Value: 'dev', ResourceId: 'i-0123456789abcdef0', ResourceType: 'instance' }],
};
const documents = {
  DocumentIdentifiers: [
    { Name: 'SSM-SessionManagerRunShell', Owner: '111122223333', SessionType: 'Standard_Stream' },
  ],
};

function snapshotWith(overrides: SnapshotValues): SnapshotValues {
  return {
    account,
    iam: emptyIam,
    instances,
    tags,
    sessionDocuments: documents,
    activationTier: {
      ServiceSetting: { SettingId: '/ssm/managed-instance/activation-tier', SettingValue: 'standard' },
    },
    // What the snapshot command writes when the account has no preferences document: no gap.
    sessionPreferences: {
      Error: { Code: 'InvalidDocument', Message: 'The specified document does not exist.' },
    },
    ...overrides,
  };
}

/** The gap when none is expected. */
const NONE = 'no gap';
const TOKEN = 'eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==';

const table: readonly (readonly [string, string, SnapshotValues])[] = [
  [
    'iam.json with IsTruncated: true',
    'iam.json is truncated (IsTruncated: true)',
    { iam: { ...emptyIam, IsTruncated: true, Marker: 'm' } },
  ],
  [
    'iam.json with the AWS CLI NextToken',
    'iam.json is truncated (NextToken present)',
    { iam: { ...emptyIam, NextToken: TOKEN } },
  ],
  [
    'iam.json with a Marker alone',
    'iam.json is truncated (Marker present)',
    { iam: { ...emptyIam, Marker: 'm' } },
  ],
  ['iam.json with IsTruncated: false', NONE, { iam: { ...emptyIam, IsTruncated: false } }],
  [
    'instances.json with NextToken',
    'instances.json is truncated (NextToken present)',
    { instances: { ...instances, NextToken: TOKEN } },
  ],
  [
    'tags.json with NextToken',
    'tags.json is truncated (NextToken present)',
    { tags: { ...tags, NextToken: TOKEN } },
  ],
  [
    'session-documents.json with NextToken',
    'session-documents.json is truncated (NextToken present)',
    { sessionDocuments: { ...documents, NextToken: TOKEN } },
  ],
  ['every file complete', NONE, {}],
];

describe('a snapshot file cut short', () => {
  it.each(table)('%s: %s', (_, gap, overrides) => {
    // Given a snapshot with one file as the AWS CLI writes it
    // When it is parsed
    const snapshot = parseSnapshotValues(snapshotWith(overrides));
    // Then the truncation, and only a truncation, is a gap naming the file and what says so
    const messages = snapshot.gaps.map((g) => g.message);
    if (gap === NONE) expect(messages).toEqual([]);
    else expect(messages).toEqual([expect.stringContaining(gap)]);
  });

  it('leaves no instance tags known when tags.json is cut short, not even those on the pages read', () => {
    const snapshot = parseSnapshotValues(snapshotWith({ tags: { ...tags, NextToken: TOKEN } }));
    expect(snapshot.tags).toBeUndefined();
  });

  it('keeps the Session documents read when session-documents.json is cut short', () => {
    const snapshot = parseSnapshotValues(
      snapshotWith({ sessionDocuments: { ...documents, NextToken: TOKEN } }),
    );
    expect(snapshot.sessionDocuments?.map((d) => d.Name)).toEqual(['SSM-SessionManagerRunShell']);
  });
});

describe('instance tags', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'keep a tag whose key is %p as the instance own tag, and invent none of that name',
    (key) => {
      // Given an instance tagged with a key that plain JavaScript objects treat specially
      const snapshot = parseSnapshotValues(
        snapshotWith({
          instances: {
            InstanceInformationList: [
              { InstanceId: 'i-0123456789abcdef0', ResourceType: 'EC2Instance' },
              { InstanceId: 'i-0fedcba9876543210', ResourceType: 'EC2Instance' },
            ],
          },
          tags: {
            Tags: [{ Key: key, Value: 'v', ResourceId: 'i-0123456789abcdef0', ResourceType: 'instance' }],
          },
        }),
      );
      // Then the tagged instance has exactly that tag, and the untagged one has no tags at all
      const tagged = snapshot.tags?.['i-0123456789abcdef0'] as Record<string, string>;
      expect(Object.entries(tagged)).toEqual([[key, 'v']]);
      expect(Object.hasOwn(tagged, key)).toBe(true);
      const untagged = snapshot.tags?.['i-0fedcba9876543210'] as Record<string, string>;
      expect(Object.keys(untagged)).toEqual([]);
      expect(key in untagged).toBe(false);
    },
  );
});

describe('a hybrid node listed without its ResourceType', () => {
  it('is known as hybrid by its mi- id: without entries in tags.json, its tags are unknown, a gap', () => {
    // Given instances.json written by hand without ResourceType, with an EC2 instance and a hybrid node,
    // and tags.json as `aws ec2 describe-tags` writes it, which never covers hybrid nodes
    const snapshot = parseSnapshotValues(
      snapshotWith({
        instances: {
          InstanceInformationList: [
            { InstanceId: 'i-0123456789abcdef0' },
            { InstanceId: 'mi-0a1b2c3d4e5f67890' },
          ],
        },
      }),
    );
    // Then the EC2 instance's tags are known, the node's are not, and the report says so
    expect(Object.keys(snapshot.tags ?? {})).toEqual(['i-0123456789abcdef0']);
    expect(snapshot.gaps.map((g) => g.source)).toEqual(['tags']);
    expect(snapshot.gaps[0]?.message).toContain('mi-0a1b2c3d4e5f67890');
  });
});
