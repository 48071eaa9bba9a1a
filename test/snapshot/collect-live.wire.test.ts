import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { collectSnapshot, type CollectorClients } from '../../src/snapshot/collect-live';
import { writeSnapshotDirectory } from '../../src/snapshot/write-directory';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import { parseSnapshotValues, SNAPSHOT_FILES, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import { audit } from '../../src/rules/audit';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import type { AuditReport } from '../../src/report/types';
import { largeAccount, startFakeAws, wireAccount, WIRE_ACCOUNT_ID, type Api, type FakeAws } from './fake-aws';

/**
 * Wire level: the real SDK v3 clients, with their real serializers, signers, paginating collector
 * and retry strategies, against a fake AWS endpoint on 127.0.0.1 that speaks each service's protocol
 * (see fake-aws.ts). This proves what a mock cannot: that the Query/XML, JSON 1.1 and EC2 Query
 * responses decode into the files the AWS CLI writes (URL-encoded policy documents kept as strings,
 * timestamps as ISO strings), and that throttling is retried. Nothing but 127.0.0.1 is contacted.
 */
jest.setTimeout(20_000);

const EXPECTED = join(__dirname, '..', 'fixtures', 'wire', 'expected');
const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };

/** Clients pointed at the fake; retries every ~10 ms so that fault tests stay fast. */
function clientsFor(
  fake: FakeAws,
  options: { maxAttempts?: number; retryMode?: 'standard' | 'adaptive'; fastRetry?: boolean } = {},
): CollectorClients {
  const maxAttempts = options.maxAttempts ?? 4;
  const config = {
    endpoint: fake.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    maxAttempts,
    ...(options.fastRetry === false
      ? { retryMode: options.retryMode ?? 'adaptive' }
      : { retryStrategy: new ConfiguredRetryStrategy(maxAttempts, 10) }),
  };
  return {
    iam: new IAMClient(config),
    ssm: new SSMClient(config),
    sts: new STSClient(config),
    ec2: new EC2Client(config),
  };
}

/** The wire account, served in several pages of every paginated API. */
const PAGED = { iamPageSize: 5, instancePageSize: 2, documentPageSize: 3, tagPageSize: 3 };

const comparable = (report: AuditReport) => ({ ...report, generatedAt: undefined });
const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-wire-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('collecting the wire account over HTTP', () => {
  let fake: FakeAws;
  let values: SnapshotValues;
  let dir: string;

  beforeAll(async () => {
    // Given: the wire account, served by the fake in several pages per API
    fake = await startFakeAws(wireAccount(), PAGED);
    // When: the real clients collect it and the files are written
    values = await collectSnapshot(clientsFor(fake), { region: 'us-east-1' });
    dir = join(work, 'wire-account');
    await writeSnapshotDirectory(dir, values);
  });
  afterAll(() => fake.close());

  it('signs every request for its own service with the given credentials, and reads each page once', () => {
    // Then: each request was SigV4-signed with AKIDEXAMPLE for us-east-1 and the API's own service
    expect(fake.requests.length).toBeGreaterThan(0);
    for (const r of fake.requests) {
      expect([r.accessKeyId, r.region, r.service]).toEqual(['AKIDEXAMPLE', 'us-east-1', r.api.split(':')[0]]);
      expect(r.status).toBe(200);
    }
    // And: one request per page, per document, per hybrid node
    expect(fake.counts()).toEqual({
      'sts:GetCallerIdentity': 1,
      'iam:GetAccountAuthorizationDetails': 2, // 10 items, 5 a page
      'ssm:DescribeInstanceInformation': 2, // 3 nodes, 2 a page
      'ssm:GetServiceSetting': 1,
      'ssm:GetDocument': 6, // the preferences + 5 session documents
      'ssm:ListDocuments': 2, // 5 documents, 3 a page
      'ec2:DescribeTags': 2, // 4 tags, 3 a page
      'ssm:ListTagsForResource': 1, // the one hybrid node
    });
  });

  it('sends the documented request parameters in each protocol', () => {
    // Then: IAM (Query) got all five filters, MaxItems=1000 and, on page 2, page 1's Marker
    const iamPages = fake.requests.filter((r) => r.api === 'iam:GetAccountAuthorizationDetails');
    expect(iamPages[0]?.params).toEqual({
      Action: 'GetAccountAuthorizationDetails',
      Version: '2010-05-08',
      'Filter.member.1': 'User',
      'Filter.member.2': 'Role',
      'Filter.member.3': 'Group',
      'Filter.member.4': 'LocalManagedPolicy',
      'Filter.member.5': 'AWSManagedPolicy',
      MaxItems: '1000',
    });
    expect(iamPages[1]?.params.Marker).toEqual(expect.any(String));
    // And: SSM (JSON 1.1) and EC2 (EC2 Query) got their filters and page sizes
    const ssmCall = (api: Api) => fake.requests.filter((r) => r.api === api).map((r) => r.params);
    expect(ssmCall('ssm:DescribeInstanceInformation')[0]).toEqual({ MaxResults: 50 });
    expect(ssmCall('ssm:DescribeInstanceInformation')[1]).toEqual({
      MaxResults: 50,
      NextToken: expect.any(String),
    });
    expect(ssmCall('ssm:GetServiceSetting')).toEqual([
      { SettingId: '/ssm/managed-instance/activation-tier' },
    ]);
    expect(ssmCall('ssm:ListDocuments')[0]).toEqual({
      Filters: [{ Key: 'DocumentType', Values: ['Session'] }],
      MaxResults: 50,
    });
    expect(ssmCall('ssm:ListTagsForResource')).toEqual([
      { ResourceType: 'ManagedInstance', ResourceId: 'mi-0123456789abcdef0' },
    ]);
    expect(ssmCall('ec2:DescribeTags')[0]).toEqual({
      Action: 'DescribeTags',
      Version: '2016-11-15',
      'Filter.1.Name': 'resource-type',
      'Filter.1.Value.1': 'instance',
      MaxResults: '1000',
    });
  });

  it('writes exactly the expected files (test/fixtures/wire/expected), in the AWS CLI shapes', () => {
    // Then: the directory holds the seven files, and each equals its expected JSON
    const files = Object.values(SNAPSHOT_FILES).sort();
    expect(readdirSync(dir).sort()).toEqual(files);
    expect(readdirSync(EXPECTED).sort()).toEqual(files);
    for (const file of files) {
      expect({ file, json: readJson(join(dir, file)) }).toEqual({
        file,
        json: readJson(join(EXPECTED, file)),
      });
    }
  });

  it('keeps IAM policy documents URL-encoded, as the IAM API returns them, and they decode to what was served', () => {
    // Given: the served account
    const served = wireAccount();
    const iam = readJson(join(dir, 'iam.json')) as {
      RoleDetailList: { RoleName: string; RolePolicyList: { PolicyDocument: string }[] }[];
      Policies: { PolicyName: string; PolicyVersionList: { Document: string; VersionId: string }[] }[];
      GroupDetailList: { GroupPolicyList: { PolicyDocument: string }[] }[];
    };
    // Then: inline, group and managed documents are strings that decode to the served documents
    const ops = iam.RoleDetailList.find((r) => r.RoleName === 'OpsRole');
    expect(ops?.RolePolicyList[0]?.PolicyDocument).toMatch(/^%7B%22Version%22/);
    expect(JSON.parse(decodeURIComponent(ops?.RolePolicyList[0]?.PolicyDocument as string))).toEqual(
      served.roles[0]?.RolePolicyList?.[0]?.PolicyDocument,
    );
    expect(
      JSON.parse(decodeURIComponent(iam.GroupDetailList[0]?.GroupPolicyList[0]?.PolicyDocument as string)),
    ).toEqual(served.groups[0]?.GroupPolicyList?.[0]?.PolicyDocument);
    const power = iam.Policies.find((p) => p.PolicyName === 'PowerAdmin');
    expect(
      power?.PolicyVersionList.map((v) => [v.VersionId, JSON.parse(decodeURIComponent(v.Document))]),
    ).toEqual(served.policies[1]?.PolicyVersionList.map((v) => [v.VersionId, v.Document]));
  });

  it('turns timestamps (XML dates and JSON epoch seconds) into ISO strings', () => {
    const iam = readJson(join(dir, 'iam.json')) as { UserDetailList: { CreateDate: string }[] };
    const instances = readJson(join(dir, 'instances.json')) as {
      InstanceInformationList: { LastPingDateTime: string }[];
    };
    // Then: 2023-01-15T10:00:00Z and 1717243200.25 s
    expect(iam.UserDetailList[0]?.CreateDate).toBe('2023-01-15T10:00:00.000Z');
    expect(instances.InstanceInformationList[0]?.LastPingDateTime).toBe('2024-06-01T12:00:00.250Z');
  });

  it('audits the written directory with the right answers, complete', async () => {
    // When: the written directory is loaded and audited
    const report = audit(await loadSnapshotDirectory(dir), DEFAULT_COMPLIANCE_POLICY);
    // Then: each principal's answer follows from its policies
    const answers = Object.fromEntries(
      report.principals.map((p) => [p.name, [p.sshOverSessionManager, p.portForwarding]]),
    );
    expect(answers).toEqual({
      reader: ['denied', 'denied'], // ReadOnly: Describe/Get/List only
      dev: ['allowed', 'denied'], // group policy: the SSH document, instances tagged env=dev
      carol: ['denied', 'denied'], // Allow * inside a boundary of ec2:*
      OpsRole: ['allowed', 'allowed'], // inline, URL-encoded Allow ssm:StartSession on *
      GuardedRole: ['denied', 'allowed'], // ssm:* but an attached Deny on the SSH document
    });
    // And: tag conditions used the collected EC2 and hybrid-node tags
    expect(report.principals.find((p) => p.name === 'dev')?.sshReachableInstances).toEqual([
      'i-0aaaaaaaaaaaaaaa1',
      'mi-0123456789abcdef0',
    ]);
    expect(
      report.principals.find((p) => p.name === 'OpsRole')?.sessionDocuments.map((d) => d.document),
    ).toContain('Custom-DbTunnel');
    expect(report.instances.find((i) => i.instanceId === 'mi-0123456789abcdef0')?.arn).toBe(
      `arn:aws:ssm:us-east-1:${WIRE_ACCOUNT_ID}:managed-instance/mi-0123456789abcdef0`,
    );
    expect(report.guardrail.exists).toBe(true);
    expect(report.sessionLogging.state).toBe('configured');
    expect(report.complete).toBe(true);
    expect(report.gaps).toEqual([]);
  });

  it('gives the identical audit from the written directory as from the collected values directly', async () => {
    // When: the same snapshot is audited both ways at the same instant
    const now = new Date('2024-06-02T00:00:00Z');
    const fromDisk = audit(await loadSnapshotDirectory(dir), DEFAULT_COMPLIANCE_POLICY, now);
    const direct = audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY, now);
    // Then: the JSON reports are the same, apart from generatedAt
    expect(JSON.parse(JSON.stringify(comparable(fromDisk)))).toEqual(
      JSON.parse(JSON.stringify(comparable(direct))),
    );
    expect(fromDisk.principals).toHaveLength(5);
  });
});

describe('an account without preferences document, over HTTP', () => {
  it('InvalidDocument (HTTP 400, JSON __type) for SSM-SessionManagerRunShell is written as such and audits "not-configured" with no gap', async () => {
    // Given: the account never saved Session Manager preferences
    const fake = await startFakeAws({ ...wireAccount(), runShell: undefined });
    try {
      // When: it is collected
      const values = await collectSnapshot(clientsFor(fake), { region: 'us-east-1' });
      // Then: the file records the SDK's InvalidDocument, and the audit is complete with logging not configured
      expect(values.sessionPreferences).toEqual({
        Error: { Code: 'InvalidDocument', Message: expect.stringContaining('does not exist') },
      });
      const report = audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY);
      expect(report.sessionLogging.state).toBe('not-configured');
      expect(report.complete).toBe(true);
      // And: InvalidDocument is not retried: one GetDocument for it
      expect(fake.count('ssm:GetDocument', (r) => r.params.Name === 'SSM-SessionManagerRunShell')).toBe(1);
    } finally {
      await fake.close();
    }
  });
});

describe('faults over HTTP', () => {
  it('throttled IAM (Query XML "Throttling") and SSM (JSON "ThrottlingException") calls are retried until the snapshot is complete', async () => {
    // Given: IAM page 1 answers HTTP 400 Throttling twice, DescribeInstanceInformation and GetServiceSetting
    // once, EC2 DescribeTags (RequestLimitExceeded, HTTP 503) once, then all succeed
    const fake = await startFakeAws(wireAccount(), {
      ...PAGED,
      faults: {
        'iam:GetAccountAuthorizationDetails': { kind: 'throttle', times: 2 },
        'ssm:DescribeInstanceInformation': { kind: 'throttle', times: 1 },
        'ssm:GetServiceSetting': { kind: 'throttle', times: 1 },
        'ec2:DescribeTags': { kind: 'throttle', times: 1 },
      },
    });
    try {
      // When: the account is collected with 4 attempts per call
      const values = await collectSnapshot(clientsFor(fake, { maxAttempts: 4 }), { region: 'us-east-1' });
      // Then: the retries happened: IAM page 1 was requested 3 times, page 2 once
      const iamFirstPage = (r: { params: Record<string, unknown> }) => r.params.Marker === undefined;
      expect(fake.count('iam:GetAccountAuthorizationDetails', iamFirstPage)).toBe(3);
      expect(fake.count('iam:GetAccountAuthorizationDetails', (r) => !iamFirstPage(r))).toBe(1);
      expect(
        fake.requests.filter((r) => r.api === 'iam:GetAccountAuthorizationDetails').map((r) => r.status),
      ).toEqual([400, 400, 200, 200]);
      expect(fake.count('ssm:DescribeInstanceInformation', (r) => r.params.NextToken === undefined)).toBe(2);
      expect(fake.count('ssm:GetServiceSetting')).toBe(2);
      expect(fake.count('ec2:DescribeTags', (r) => r.params.NextToken === undefined)).toBe(2);
      // And: the snapshot is the same as without faults, and complete
      for (const [key, file] of Object.entries(SNAPSHOT_FILES)) {
        expect({ file, json: JSON.parse(JSON.stringify(values[key as keyof SnapshotValues])) }).toEqual({
          file,
          json: readJson(join(EXPECTED, file)),
        });
      }
      expect(audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY).complete).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('a throttle that outlasts maxAttempts fails a required read with a CollectionError, after exactly maxAttempts requests', async () => {
    // Given: IAM is throttled on every call
    const fake = await startFakeAws(wireAccount(), {
      faults: { 'iam:GetAccountAuthorizationDetails': { kind: 'throttle', times: Infinity } },
    });
    try {
      // When/Then: the collection fails naming the API and the code
      await expect(
        collectSnapshot(clientsFor(fake, { maxAttempts: 3 }), { region: 'us-east-1' }),
      ).rejects.toMatchObject({
        name: 'CollectionError',
        message: 'iam:GetAccountAuthorizationDetails failed: Throttling: Rate exceeded (HTTP 400)',
      });
      expect(fake.count('iam:GetAccountAuthorizationDetails')).toBe(3);
    } finally {
      await fake.close();
    }
  });

  it('a throttle that outlasts maxAttempts on an optional read becomes a gap, not an empty result', async () => {
    // Given: ListDocuments is throttled on every call
    const fake = await startFakeAws(wireAccount(), {
      faults: { 'ssm:ListDocuments': { kind: 'throttle', times: Infinity } },
    });
    try {
      // When: the account is collected with 2 attempts per call
      const values = await collectSnapshot(clientsFor(fake, { maxAttempts: 2 }), { region: 'us-east-1' });
      // Then: the file is an error record, and the audit is incomplete
      expect(values.sessionDocuments).toEqual({
        Error: { Code: 'ThrottlingException', Message: 'Rate exceeded (HTTP 400)' },
      });
      expect(fake.count('ssm:ListDocuments')).toBe(2);
      const report = audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY);
      expect(report.complete).toBe(false);
      expect(report.gaps.map((g) => g.source)).toEqual(['session-documents']);
    } finally {
      await fake.close();
    }
  });

  it('AccessDenied (HTTP 403 Query XML) on GetAccountAuthorizationDetails is not retried and fails the collection', async () => {
    // Given: IAM denies the call
    const fake = await startFakeAws(wireAccount(), {
      faults: { 'iam:GetAccountAuthorizationDetails': { kind: 'access-denied', times: Infinity } },
    });
    try {
      // When/Then: one request, and a CollectionError with the server's message and status
      await expect(
        collectSnapshot(clientsFor(fake, { maxAttempts: 5 }), { region: 'us-east-1' }),
      ).rejects.toThrow(
        /^iam:GetAccountAuthorizationDetails failed: AccessDenied: User: arn:aws:iam::111122223333:user\/auditor is not authorized to perform: iam:GetAccountAuthorizationDetails .*\(HTTP 403\)$/,
      );
      expect(fake.count('iam:GetAccountAuthorizationDetails')).toBe(1);
    } finally {
      await fake.close();
    }
  });

  it('with the adaptive retry mode and the SDK default backoff, a throttled IAM page is still retried', async () => {
    // Given: IAM page 1 is throttled once (the SDK's own backoff and adaptive rate limiter make this
    // take about two seconds, so only one fault here; the fast-backoff test above covers the rest)
    const fake = await startFakeAws(wireAccount(), {
      faults: { 'iam:GetAccountAuthorizationDetails': { kind: 'throttle', times: 1 } },
    });
    try {
      // When: collected with retryMode 'adaptive' (as createCollectorClients configures it)
      const values = await collectSnapshot(
        clientsFor(fake, { fastRetry: false, retryMode: 'adaptive', maxAttempts: 3 }),
        { region: 'us-east-1' },
      );
      // Then: the throttled call was made twice and the snapshot is complete
      expect(
        fake.requests.filter((r) => r.api === 'iam:GetAccountAuthorizationDetails').map((r) => r.status),
      ).toEqual([400, 200]);
      expect(audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY).complete).toBe(true);
    } finally {
      await fake.close();
    }
  });
});

describe('efficiency', () => {
  it('reads 2,500 principals and 120 instances in ceil(N/1000) IAM pages and ceil(M/50) instance pages, plus a constant', async () => {
    // Given: an account with N principals and M managed nodes (every tenth a hybrid node); the server
    // honours MaxItems and MaxResults
    const N = 2_500;
    const M = 120;
    const account = largeAccount(N, M);
    const fake = await startFakeAws(account);
    try {
      // When: it is collected
      const started = Date.now();
      const values = await collectSnapshot(clientsFor(fake), { region: 'us-east-1' });
      const collectMs = Date.now() - started;
      // Then: the request counts per API
      const hybrid = account.instances.filter((i) => i.ResourceType === 'ManagedInstance').length;
      const documents = account.sessionDocuments.length;
      const iamItems =
        account.users.length + account.roles.length + account.groups.length + account.policies.length;
      const counts = fake.counts();
      const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
      console.log(
        `efficiency: N=${N} principals (${iamItems} IAM items), M=${M} nodes (${hybrid} hybrid), ${documents} session documents; ` +
          `${total} requests in ${collectMs} ms\n${JSON.stringify(counts, null, 2)}`,
      );
      expect(counts).toEqual({
        'sts:GetCallerIdentity': 1,
        'iam:GetAccountAuthorizationDetails': Math.ceil(N / 1000), // 3: MaxItems 1000
        'ssm:DescribeInstanceInformation': Math.ceil(M / 50), // 3: MaxResults 50
        'ssm:GetServiceSetting': 1,
        'ssm:ListDocuments': 1,
        'ssm:GetDocument': 1 + documents, // the preferences + one per Session document
        'ec2:DescribeTags': 1, // 108 tags < 1,000 a page
        'ssm:ListTagsForResource': hybrid, // one per hybrid node
      });
      expect(Math.ceil(iamItems / 1000)).toBe(Math.ceil(N / 1000));
      expect(total).toBe(Math.ceil(N / 1000) + Math.ceil(M / 50) + 5 + documents + hybrid);
      // And: everything arrived
      const snapshot = parseSnapshotValues(values);
      expect(snapshot.iam.UserDetailList.length + snapshot.iam.RoleDetailList.length).toBe(N);
      expect(snapshot.instances).toHaveLength(M);
      expect(Object.keys(snapshot.tags ?? {})).toHaveLength(M);
      expect(snapshot.gaps).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});
