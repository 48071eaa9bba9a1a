import 'aws-sdk-client-mock-jest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  GetAccountAuthorizationDetailsCommand,
  IAMClient,
  IAMServiceException,
  type GetAccountAuthorizationDetailsCommandOutput,
} from '@aws-sdk/client-iam';
import {
  AccessDeniedException,
  DescribeInstanceInformationCommand,
  GetDocumentCommand,
  GetServiceSettingCommand,
  InvalidDocument,
  ListDocumentsCommand,
  ListTagsForResourceCommand,
  SSMClient,
  ThrottlingException,
  type InstanceInformation,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DescribeTagsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { collectSnapshot, CollectionError, type CollectorClients } from '../../src/snapshot/collect-live';
import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import { audit } from '../../src/rules/audit';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';

/**
 * The live collector against mocked SDK clients (aws-sdk-client-mock). These tests pin down what the
 * collector asks for and what it makes of the answers: pagination, optional sources that fail, the
 * required sources that must not, and the shapes it hands to parseSnapshotValues.
 *
 * A mock replaces Client.send, so the SDK's retry middleware does not run here: a throttling error
 * reaches the collector on the first attempt. What these tests prove is that the collector surfaces
 * such an error (a CollectionError or an error record that becomes a gap) rather than treating it as
 * an empty result. Real retries over HTTP are in collect-live.wire.test.ts.
 */

const iam = mockClient(IAMClient);
const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const SSH_DOC = 'AWS-StartSSHSession';
const PREFERENCES = 'SSM-SessionManagerRunShell';

function clients(): CollectorClients {
  return {
    iam: new IAMClient({ region: REGION }),
    ssm: new SSMClient({ region: REGION }),
    sts: new STSClient({ region: REGION }),
    ec2: new EC2Client({ region: REGION }),
  };
}

const encode = (doc: unknown): string => encodeURIComponent(JSON.stringify(doc));
const allowStartSession = encode({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' }],
});

function role(name: string, document = allowStartSession) {
  return {
    RoleName: name,
    RoleId: `AROA${name.toUpperCase().padEnd(16, 'X')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    Path: '/',
    RolePolicyList: [{ PolicyName: `${name}-inline`, PolicyDocument: document }],
  };
}
function user(name: string) {
  return {
    UserName: name,
    UserId: `AIDA${name.toUpperCase().padEnd(16, 'X')}`,
    Arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    Path: '/',
  };
}
function ec2Instance(id: string): InstanceInformation {
  return {
    InstanceId: id,
    PingStatus: 'Online',
    AgentVersion: '3.3.40.0',
    PlatformType: 'Linux',
    ResourceType: 'EC2Instance',
  };
}
function hybridNode(id: string): InstanceInformation {
  return {
    InstanceId: id,
    PingStatus: 'Online',
    AgentVersion: '3.3.40.0',
    PlatformType: 'Linux',
    ResourceType: 'ManagedInstance',
  };
}

const preferencesContent = JSON.stringify({
  schemaVersion: '1.0',
  sessionType: 'Standard_Stream',
  inputs: { s3BucketName: 'logs', s3EncryptionEnabled: true, cloudWatchLogGroupName: '/ssm/sessions' },
});

/** Two Session documents, each with its content. */
const SESSION_DOCS: Record<string, string> = {
  [SSH_DOC]: JSON.stringify({ schemaVersion: '1.0', sessionType: 'Port', parameters: {} }),
  'AWS-StartInteractiveCommand': JSON.stringify({ schemaVersion: '1.0', sessionType: 'InteractiveCommands' }),
};

const awsError = (name: string, message: string, status: number) =>
  new IAMServiceException({ name, $fault: 'client', message, $metadata: { httpStatusCode: status } });
const ssmAccessDenied = () =>
  new AccessDeniedException({
    Message: 'User is not authorized to perform this action',
    message: 'User is not authorized to perform this action',
    $metadata: { httpStatusCode: 400 },
  });
const ec2Unauthorized = () =>
  new EC2ServiceException({
    name: 'UnauthorizedOperation',
    $fault: 'client',
    message: 'You are not authorized to perform this operation.',
    $metadata: { httpStatusCode: 403 },
  });
const throttling = () =>
  new ThrottlingException({
    Message: 'Rate exceeded',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400 },
  });

/**
 * A small, complete account on every mock: one role allowed StartSession on everything, one EC2
 * instance with tags, the tier, logging preferences and the two session documents. Tests override
 * the parts they are about.
 */
function happyAccount(): void {
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`, UserId: 'AIDAAUDITOR' });
  iam.on(GetAccountAuthorizationDetailsCommand).resolves({
    UserDetailList: [],
    GroupDetailList: [],
    RoleDetailList: [role('OpsRole')],
    Policies: [],
    IsTruncated: false,
  });
  ssm
    .on(DescribeInstanceInformationCommand)
    .resolves({ InstanceInformationList: [ec2Instance('i-0aaaaaaaaaaaaaaa1')] });
  ssm.on(GetServiceSettingCommand).resolves({
    ServiceSetting: { SettingId: '/ssm/managed-instance/activation-tier', SettingValue: 'standard' },
  });
  ssm.on(GetDocumentCommand, { Name: PREFERENCES }).resolves({
    Name: PREFERENCES,
    Content: preferencesContent,
    DocumentFormat: 'JSON',
    DocumentType: 'Session',
    Status: 'Active',
    DocumentVersion: '1',
  });
  for (const [name, content] of Object.entries(SESSION_DOCS)) {
    ssm
      .on(GetDocumentCommand, { Name: name })
      .resolves({ Name: name, Content: content, DocumentFormat: 'JSON' });
  }
  ssm.on(ListDocumentsCommand).resolves({
    DocumentIdentifiers: Object.keys(SESSION_DOCS).map((Name) => ({
      Name,
      Owner: 'Amazon',
      DocumentType: 'Session',
    })),
  });
  ec2.on(DescribeTagsCommand).resolves({
    Tags: [{ ResourceId: 'i-0aaaaaaaaaaaaaaa1', ResourceType: 'instance', Key: 'env', Value: 'dev' }],
  });
  ssm.on(ListTagsForResourceCommand).resolves({ TagList: [] });
}

beforeEach(() => {
  iam.reset();
  ssm.reset();
  sts.reset();
  ec2.reset();
  happyAccount();
});

const collect = (concurrency?: number): Promise<SnapshotValues> =>
  collectSnapshot(clients(), { region: REGION, ...(concurrency ? { concurrency } : {}) });
const auditOf = (values: SnapshotValues) => audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY);

describe('a complete account', () => {
  it('yields every file, parses without gaps, and audits complete', async () => {
    // Given: the happy account
    // When: it is collected and audited
    const values = await collect();
    const report = auditOf(values);
    // Then: all seven files are there, account.json carries the region, and nothing is missing
    expect(Object.keys(values).sort()).toEqual(
      [
        'account',
        'activationTier',
        'iam',
        'instances',
        'sessionDocuments',
        'sessionPreferences',
        'tags',
      ].sort(),
    );
    expect(values.account).toEqual({
      UserId: 'AIDAAUDITOR',
      Account: ACCOUNT,
      Arn: `arn:aws:iam::${ACCOUNT}:user/auditor`,
      Region: REGION,
    });
    expect(report.complete).toBe(true);
    expect(report.gaps).toEqual([]);
    expect(report.principals.map((p) => [p.name, p.sshOverSessionManager])).toEqual([['OpsRole', 'allowed']]);
    expect(report.sessionLogging.state).toBe('configured');
  });

  it('asks IAM for all five entity types, 1,000 items a page, and the instances tier by its setting id', async () => {
    // Given: the happy account
    // When: it is collected
    await collect();
    // Then: the requests carry the documented parameters
    expect(iam).toHaveReceivedCommandWith(GetAccountAuthorizationDetailsCommand, {
      Filter: ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'],
      MaxItems: 1000,
    });
    expect(ssm).toHaveReceivedCommandWith(DescribeInstanceInformationCommand, { MaxResults: 50 });
    expect(ssm).toHaveReceivedCommandWith(GetServiceSettingCommand, {
      SettingId: '/ssm/managed-instance/activation-tier',
    });
    expect(ssm).toHaveReceivedCommandWith(ListDocumentsCommand, {
      Filters: [{ Key: 'DocumentType', Values: ['Session'] }],
    });
    expect(ec2).toHaveReceivedCommandWith(DescribeTagsCommand, {
      Filters: [{ Name: 'resource-type', Values: ['instance'] }],
    });
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
  });
});

describe('pagination', () => {
  it('follows IAM Marker/IsTruncated over three pages, one call per page, and merges every list in order', async () => {
    // Given: IAM answers three pages; lists of each kind are spread over several pages
    const pages: Record<string, Partial<GetAccountAuthorizationDetailsCommandOutput>> = {
      first: {
        UserDetailList: [user('u1'), user('u2')],
        RoleDetailList: [role('r1')],
        GroupDetailList: [],
        Policies: [],
        IsTruncated: true,
        Marker: 'marker-2',
      },
      'marker-2': {
        UserDetailList: [user('u3')],
        RoleDetailList: [role('r2')],
        GroupDetailList: [
          {
            GroupName: 'g1',
            GroupId: 'AGPAG1XXXXXXXXXXXXXX',
            Arn: `arn:aws:iam::${ACCOUNT}:group/g1`,
            Path: '/',
          },
        ],
        Policies: [],
        IsTruncated: true,
        Marker: 'marker-3',
      },
      'marker-3': {
        RoleDetailList: [role('r3')],
        Policies: [{ PolicyName: 'p1', Arn: `arn:aws:iam::${ACCOUNT}:policy/p1`, PolicyVersionList: [] }],
        IsTruncated: false,
      },
    };
    iam.on(GetAccountAuthorizationDetailsCommand).callsFake((input: { Marker?: string }) => {
      const page = pages[input.Marker ?? 'first'];
      if (!page) throw new Error(`unexpected marker ${input.Marker}`);
      return page;
    });
    // When: the account is collected
    const values = await collect();
    // Then: exactly three calls, each with the previous page's Marker, and every list merged
    expect(iam).toHaveReceivedCommandTimes(GetAccountAuthorizationDetailsCommand, 3);
    expect(
      iam.commandCalls(GetAccountAuthorizationDetailsCommand).map((c) => c.args[0].input.Marker),
    ).toEqual([undefined, 'marker-2', 'marker-3']);
    expect(iam).toHaveReceivedNthSpecificCommandWith(2, GetAccountAuthorizationDetailsCommand, {
      Marker: 'marker-2',
      MaxItems: 1000,
    });
    const merged = values.iam as {
      UserDetailList: { UserName: string }[];
      RoleDetailList: { RoleName: string }[];
      GroupDetailList: unknown[];
      Policies: unknown[];
      IsTruncated: boolean;
    };
    expect(merged.UserDetailList.map((u) => u.UserName)).toEqual(['u1', 'u2', 'u3']);
    expect(merged.RoleDetailList.map((r) => r.RoleName)).toEqual(['r1', 'r2', 'r3']);
    expect(merged.GroupDetailList).toHaveLength(1);
    expect(merged.Policies).toHaveLength(1);
    // And: the merged file is not marked truncated, so the audit sees every principal with no gap
    expect(merged.IsTruncated).toBe(false);
    const report = auditOf(values);
    expect(report.summary.principals).toBe(6);
    expect(report.gaps.filter((g) => g.source === 'iam')).toEqual([]);
  });

  it('follows DescribeInstanceInformation NextToken over three pages, one call per page', async () => {
    // Given: three pages of instances (50, 50, 7)
    const ids = Array.from({ length: 107 }, (_, n) => `i-${n.toString(16).padStart(17, '0')}`);
    const pages: Record<string, { ids: string[]; next?: string }> = {
      first: { ids: ids.slice(0, 50), next: 't2' },
      t2: { ids: ids.slice(50, 100), next: 't3' },
      t3: { ids: ids.slice(100) },
    };
    ssm.on(DescribeInstanceInformationCommand).callsFake((input: { NextToken?: string }) => {
      const page = pages[input.NextToken ?? 'first'];
      if (!page) throw new Error(`unexpected token ${input.NextToken}`);
      return {
        InstanceInformationList: page.ids.map(ec2Instance),
        ...(page.next ? { NextToken: page.next } : {}),
      };
    });
    // When: the account is collected
    const values = await collect();
    // Then: three calls with the right tokens, and all 107 instances in order with no NextToken left
    expect(ssm).toHaveReceivedCommandTimes(DescribeInstanceInformationCommand, 3);
    expect(
      ssm.commandCalls(DescribeInstanceInformationCommand).map((c) => c.args[0].input.NextToken),
    ).toEqual([undefined, 't2', 't3']);
    const list = values.instances as {
      InstanceInformationList: { InstanceId: string }[];
      NextToken?: string;
    };
    expect(list.InstanceInformationList.map((i) => i.InstanceId)).toEqual(ids);
    expect(list.NextToken).toBeUndefined();
    expect(parseSnapshotValues(values).instances).toHaveLength(107);
  });

  it('follows DescribeTags NextToken over two pages, one call per page', async () => {
    // Given: two EC2 instances whose tags come in two pages
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [ec2Instance('i-0aaaaaaaaaaaaaaa1'), ec2Instance('i-0bbbbbbbbbbbbbbb2')],
    });
    ec2.on(DescribeTagsCommand).callsFake((input: { NextToken?: string }) =>
      input.NextToken === undefined
        ? {
            Tags: [
              { ResourceId: 'i-0aaaaaaaaaaaaaaa1', ResourceType: 'instance', Key: 'env', Value: 'dev' },
              { ResourceId: 'i-0aaaaaaaaaaaaaaa1', ResourceType: 'instance', Key: 'team', Value: 'a' },
            ],
            NextToken: 'tags-2',
          }
        : input.NextToken === 'tags-2'
          ? {
              Tags: [
                { ResourceId: 'i-0bbbbbbbbbbbbbbb2', ResourceType: 'instance', Key: 'env', Value: 'prod' },
              ],
            }
          : Promise.reject(new Error(`unexpected token ${input.NextToken}`)),
    );
    // When: the account is collected
    const values = await collect();
    // Then: two calls, the second with the token, and the tags of both pages by instance
    expect(ec2).toHaveReceivedCommandTimes(DescribeTagsCommand, 2);
    expect(ec2).toHaveReceivedNthSpecificCommandWith(2, DescribeTagsCommand, {
      NextToken: 'tags-2',
      MaxResults: 1000,
    });
    expect((values.tags as { Tags: unknown[] }).Tags).toHaveLength(3);
    expect(parseSnapshotValues(values).tags).toEqual({
      'i-0aaaaaaaaaaaaaaa1': { env: 'dev', team: 'a' },
      'i-0bbbbbbbbbbbbbbb2': { env: 'prod' },
    });
  });

  it('follows ListDocuments NextToken and reads every listed document once', async () => {
    // Given: the session documents come in two pages
    ssm
      .on(ListDocumentsCommand)
      .callsFake((input: { NextToken?: string }) =>
        input.NextToken === undefined
          ? { DocumentIdentifiers: [{ Name: SSH_DOC, Owner: 'Amazon' }], NextToken: 'docs-2' }
          : { DocumentIdentifiers: [{ Name: 'AWS-StartInteractiveCommand', Owner: 'Amazon' }] },
      );
    // When: the account is collected
    const values = await collect();
    // Then: two list calls, and one GetDocument per document plus the preferences document
    expect(ssm).toHaveReceivedCommandTimes(ListDocumentsCommand, 2);
    expect(ssm).toHaveReceivedCommandTimes(GetDocumentCommand, 3);
    expect(
      (values.sessionDocuments as { DocumentIdentifiers: { Name: string }[] }).DocumentIdentifiers.map(
        (d) => d.Name,
      ),
    ).toEqual([SSH_DOC, 'AWS-StartInteractiveCommand']);
  });

  it('refuses an IAM page that says IsTruncated but gives no Marker, instead of stopping early', async () => {
    // Given: a malformed truncated page
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolves({ RoleDetailList: [role('r1')], IsTruncated: true });
    // When/Then: the collection fails, naming the API
    await expect(collect()).rejects.toThrow(
      /^iam:GetAccountAuthorizationDetails failed: .*IsTruncated without a Marker/,
    );
  });
});

describe('optional sources that are denied become error records, then gaps', () => {
  const table: readonly {
    readonly source: string;
    readonly deny: () => void;
    readonly key: keyof SnapshotValues;
    readonly code: string;
    readonly gapSource: string;
  }[] = [
    {
      source: 'ssm:GetServiceSetting',
      deny: () => ssm.on(GetServiceSettingCommand).rejects(ssmAccessDenied()),
      key: 'activationTier',
      code: 'AccessDeniedException',
      gapSource: 'activation-tier',
    },
    {
      source: 'ssm:GetDocument SSM-SessionManagerRunShell',
      deny: () => ssm.on(GetDocumentCommand, { Name: PREFERENCES }).rejects(ssmAccessDenied()),
      key: 'sessionPreferences',
      code: 'AccessDeniedException',
      gapSource: 'session-preferences',
    },
    {
      source: 'ssm:ListDocuments',
      deny: () => ssm.on(ListDocumentsCommand).rejects(ssmAccessDenied()),
      key: 'sessionDocuments',
      code: 'AccessDeniedException',
      gapSource: 'session-documents',
    },
    {
      source: 'ec2:DescribeTags',
      deny: () => ec2.on(DescribeTagsCommand).rejects(ec2Unauthorized()),
      key: 'tags',
      code: 'UnauthorizedOperation',
      gapSource: 'tags',
    },
  ];

  it.each(table)(
    '$source denied: {"Error":{Code,Message}} in its file, a gap, and an incomplete audit',
    async ({ deny, key, code, gapSource }) => {
      // Given: the source answers an access-denied error
      deny();
      // When: the account is collected
      const values = await collect();
      // Then: its file holds an error record with the code and the message (which does not repeat the code)
      expect(values[key]).toEqual({ Error: { Code: code, Message: expect.any(String) } });
      expect((values[key] as { Error: { Message: string } }).Error.Message).not.toContain(code);
      expect(Object.keys(values[key] as object)).toEqual(['Error']);
      // And: the loader turns it into a gap naming the source, and the audit is incomplete
      const snapshot = parseSnapshotValues(values);
      expect(snapshot.gaps).toEqual([
        { source: gapSource, message: expect.stringMatching(new RegExp(`^${code}: `)) },
      ]);
      expect(snapshot.gaps[0]?.message.split(code)).toHaveLength(2);
      const report = auditOf(values);
      expect(report.complete).toBe(false);
      expect(report.gaps.map((g) => g.source)).toContain(gapSource);
      // And: the rest of the account was still read
      expect(report.principals.map((p) => [p.name, p.sshOverSessionManager])).toEqual([
        ['OpsRole', 'allowed'],
      ]);
    },
  );

  it('a denied preferences document leaves session logging unknown, not "not configured"', async () => {
    // Given: GetDocument on the preferences document is denied
    ssm.on(GetDocumentCommand, { Name: PREFERENCES }).rejects(ssmAccessDenied());
    // When: the account is collected and audited
    const report = auditOf(await collect());
    // Then: logging is unknown
    expect(report.sessionLogging.state).toBe('unknown');
  });
});

describe('the preferences document does not exist', () => {
  it('GetDocument InvalidDocument for SSM-SessionManagerRunShell means logging is not configured, with no gap', async () => {
    // Given: SSM answers InvalidDocument for the preferences document (an account that never saved preferences)
    ssm.on(GetDocumentCommand, { Name: PREFERENCES }).rejects(
      new InvalidDocument({
        message: `Document with name ${PREFERENCES} does not exist.`,
        $metadata: { httpStatusCode: 400 },
      }),
    );
    // When: the account is collected and audited
    const values = await collect();
    const report = auditOf(values);
    // Then: the file records InvalidDocument, the audit says "not-configured", and it stays complete
    expect(values.sessionPreferences).toEqual({
      Error: { Code: 'InvalidDocument', Message: expect.stringContaining('does not exist') },
    });
    expect(parseSnapshotValues(values).sessionPreferences).toEqual({ state: 'absent' });
    expect(report.sessionLogging.state).toBe('not-configured');
    expect(report.gaps).toEqual([]);
    expect(report.complete).toBe(true);
  });
});

describe('required sources', () => {
  it('GetAccountAuthorizationDetails AccessDenied throws a CollectionError naming the API, the code and the HTTP status', async () => {
    // Given: IAM denies GetAccountAuthorizationDetails
    const denied = awsError(
      'AccessDenied',
      `User: arn:aws:iam::${ACCOUNT}:user/auditor is not authorized to perform: iam:GetAccountAuthorizationDetails`,
      403,
    );
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(denied);
    // When: the account is collected
    const error = await collect().then(
      () => undefined,
      (e: unknown) => e,
    );
    // Then: a CollectionError, one line, that names the API and keeps the SDK error as its cause
    expect(error).toBeInstanceOf(CollectionError);
    const e = error as CollectionError;
    expect(e.api).toBe('iam:GetAccountAuthorizationDetails');
    expect(e.message).toBe(
      `iam:GetAccountAuthorizationDetails failed: AccessDenied: User: arn:aws:iam::${ACCOUNT}:user/auditor is not authorized to perform: iam:GetAccountAuthorizationDetails (HTTP 403)`,
    );
    expect(e.message).not.toContain('\n');
    expect(e.cause).toBe(denied);
    // And: nothing after IAM was attempted
    expect(ssm).not.toHaveReceivedAnyCommand();
    expect(ec2).not.toHaveReceivedAnyCommand();
  });

  it('a failure on IAM page 2 throws, rather than auditing the first page as if it were the whole account', async () => {
    // Given: page 1 succeeds, page 2 is denied
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ RoleDetailList: [role('r1')], IsTruncated: true, Marker: 'm2' })
      .rejects(awsError('AccessDenied', 'denied', 403));
    // When/Then: a CollectionError for IAM
    await expect(collect()).rejects.toMatchObject({
      name: 'CollectionError',
      api: 'iam:GetAccountAuthorizationDetails',
    });
    expect(iam).toHaveReceivedCommandTimes(GetAccountAuthorizationDetailsCommand, 2);
  });

  it.each([
    [
      'sts:GetCallerIdentity',
      () =>
        sts
          .on(GetCallerIdentityCommand)
          .rejects(awsError('ExpiredToken', 'The security token included in the request is expired', 403)),
    ],
    [
      'ssm:DescribeInstanceInformation',
      () => ssm.on(DescribeInstanceInformationCommand).rejects(ssmAccessDenied()),
    ],
  ] as const)('%s failing throws a CollectionError naming it', async (api, fail) => {
    // Given: a required source fails
    fail();
    // When/Then: the collection throws, naming the API
    await expect(collect()).rejects.toMatchObject({
      name: 'CollectionError',
      api,
      message: expect.stringMatching(new RegExp(`^${api} failed: `)),
    });
  });
});

describe('session documents', () => {
  it("reads each document's SessionType from its own GetDocument Content, not from a list of names", async () => {
    // Given: four Session documents; the customer's tunnel is Port, a customer shell is Standard_Stream,
    // and one AWS name that sounds like port forwarding is (in this account) not Port
    const contents: Record<string, unknown> = {
      [SSH_DOC]: { schemaVersion: '1.0', sessionType: 'Port' },
      'AWS-StartPortForwardingSession': { schemaVersion: '1.0', sessionType: 'NonInteractiveCommands' },
      'Custom-DbTunnel': { schemaVersion: '1.0', sessionType: 'Port', properties: { portNumber: '5432' } },
      'Custom-Shell': { schemaVersion: '1.0', sessionType: 'Standard_Stream' },
    };
    ssm.on(ListDocumentsCommand).resolves({
      DocumentIdentifiers: Object.keys(contents).map((Name) => ({
        Name,
        Owner: Name.startsWith('AWS-') ? 'Amazon' : ACCOUNT,
        DocumentType: 'Session',
      })),
    });
    for (const [Name, content] of Object.entries(contents)) {
      ssm
        .on(GetDocumentCommand, { Name })
        .resolves({ Name, Content: JSON.stringify(content), DocumentFormat: 'JSON' });
    }
    // When: the account is collected
    const values = await collect();
    // Then: every document was read once, as JSON, and carries the sessionType of its content
    for (const Name of Object.keys(contents)) {
      expect(ssm).toHaveReceivedCommandWith(GetDocumentCommand, { Name, DocumentFormat: 'JSON' });
    }
    expect(ssm).toHaveReceivedCommandTimes(GetDocumentCommand, Object.keys(contents).length + 1);
    expect(values.sessionDocuments).toEqual({
      DocumentIdentifiers: [
        { Name: SSH_DOC, Owner: 'Amazon', DocumentType: 'Session', SessionType: 'Port' },
        {
          Name: 'AWS-StartPortForwardingSession',
          Owner: 'Amazon',
          DocumentType: 'Session',
          SessionType: 'NonInteractiveCommands',
        },
        { Name: 'Custom-DbTunnel', Owner: ACCOUNT, DocumentType: 'Session', SessionType: 'Port' },
        { Name: 'Custom-Shell', Owner: ACCOUNT, DocumentType: 'Session', SessionType: 'Standard_Stream' },
      ],
    });
    // And: the audit counts the customer's Port document as a port-forwarding route
    const ops = auditOf(values).principals.find((p) => p.name === 'OpsRole');
    expect(ops?.sessionDocuments.map((d) => d.document)).toContain('Custom-DbTunnel');
    expect(ops?.sessionDocuments.map((d) => d.document)).not.toContain('Custom-Shell');
  });

  it("reads a document shared from another account by its ARN, not by a name that finds this account's document", async () => {
    // Given: this account's Tunnel is a shell, and another account shares a Port document also named Tunnel
    const SHARER = '444455556666';
    const sharedArn = `arn:aws:ssm:${REGION}:${SHARER}:document/Tunnel`;
    ssm.on(ListDocumentsCommand).resolves({
      DocumentIdentifiers: [
        { Name: 'Tunnel', Owner: ACCOUNT, DocumentType: 'Session' },
        { Name: 'Tunnel', Owner: SHARER, DocumentType: 'Session' },
      ],
    });
    // GetDocument with a bare name looks in the caller's own account (shared documents need the ARN)
    ssm.on(GetDocumentCommand, { Name: 'Tunnel' }).resolves({
      Name: 'Tunnel',
      Content: JSON.stringify({ schemaVersion: '1.0', sessionType: 'Standard_Stream' }),
      DocumentFormat: 'JSON',
    });
    ssm.on(GetDocumentCommand, { Name: sharedArn }).resolves({
      Name: sharedArn,
      Content: JSON.stringify({ schemaVersion: '1.0', sessionType: 'Port' }),
      DocumentFormat: 'JSON',
    });
    // When: the account is collected
    const values = await collect();
    // Then: each document carries its own sessionType, and the shared one was asked for by ARN
    expect(ssm).toHaveReceivedCommandWith(GetDocumentCommand, { Name: sharedArn, DocumentFormat: 'JSON' });
    expect((values.sessionDocuments as { DocumentIdentifiers: unknown[] }).DocumentIdentifiers).toEqual([
      { Name: 'Tunnel', Owner: ACCOUNT, DocumentType: 'Session', SessionType: 'Standard_Stream' },
      { Name: 'Tunnel', Owner: SHARER, DocumentType: 'Session', SessionType: 'Port' },
    ]);
  });

  it('a document whose content cannot be read keeps no SessionType: the audit treats it as Port and records a gap', async () => {
    // Given: reading one customer document is denied
    ssm.on(ListDocumentsCommand).resolves({
      DocumentIdentifiers: [
        { Name: SSH_DOC, Owner: 'Amazon', Tags: [] },
        { Name: 'Custom-Secret', Owner: ACCOUNT, Tags: [] },
      ],
    });
    ssm.on(GetDocumentCommand, { Name: 'Custom-Secret' }).rejects(ssmAccessDenied());
    // When: the account is collected and audited
    const values = await collect();
    const report = auditOf(values);
    // Then: the document is listed without SessionType, and the audit fails closed with a gap
    expect((values.sessionDocuments as { DocumentIdentifiers: unknown[] }).DocumentIdentifiers).toEqual([
      { Name: SSH_DOC, Owner: 'Amazon', Tags: [], SessionType: 'Port' },
      { Name: 'Custom-Secret', Owner: ACCOUNT, Tags: [] },
    ]);
    expect(report.complete).toBe(false);
    expect(report.gaps).toEqual([expect.objectContaining({ source: 'session-documents/Custom-Secret' })]);
    expect(report.principals[0]?.sessionDocuments.map((d) => d.document)).toContain('Custom-Secret');
  });
});

describe('hybrid (ManagedInstance) nodes', () => {
  it('reads their tags with ListTagsForResource, once per node, merged with ResourceType managed-instance', async () => {
    // Given: one EC2 instance and two hybrid nodes, each with its own tags
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        ec2Instance('i-0aaaaaaaaaaaaaaa1'),
        hybridNode('mi-0123456789abcdef0'),
        hybridNode('mi-0fedcba9876543210'),
      ],
    });
    ssm
      .on(ListTagsForResourceCommand, { ResourceId: 'mi-0123456789abcdef0' })
      .resolves({ TagList: [{ Key: 'env', Value: 'dev' }] });
    ssm.on(ListTagsForResourceCommand, { ResourceId: 'mi-0fedcba9876543210' }).resolves({
      TagList: [
        { Key: 'env', Value: 'prod' },
        { Key: 'site', Value: 'rack-12' },
      ],
    });
    // When: the account is collected
    const values = await collect();
    // Then: one ListTagsForResource per hybrid node, with ResourceType ManagedInstance; none for the EC2 instance
    expect(ssm).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 2);
    expect(ssm).toHaveReceivedCommandWith(ListTagsForResourceCommand, {
      ResourceType: 'ManagedInstance',
      ResourceId: 'mi-0123456789abcdef0',
    });
    expect(ssm).toHaveReceivedCommandWith(ListTagsForResourceCommand, {
      ResourceType: 'ManagedInstance',
      ResourceId: 'mi-0fedcba9876543210',
    });
    expect(ssm).not.toHaveReceivedCommandWith(ListTagsForResourceCommand, {
      ResourceId: 'i-0aaaaaaaaaaaaaaa1',
    });
    // And: the EC2 tags and the nodes' tags are one describe-tags shaped list
    expect(values.tags).toEqual({
      Tags: [
        { ResourceId: 'i-0aaaaaaaaaaaaaaa1', ResourceType: 'instance', Key: 'env', Value: 'dev' },
        { ResourceId: 'mi-0123456789abcdef0', ResourceType: 'managed-instance', Key: 'env', Value: 'dev' },
        { ResourceId: 'mi-0fedcba9876543210', ResourceType: 'managed-instance', Key: 'env', Value: 'prod' },
        {
          ResourceId: 'mi-0fedcba9876543210',
          ResourceType: 'managed-instance',
          Key: 'site',
          Value: 'rack-12',
        },
      ],
      // And: the nodes whose tags were read, so an untagged node would be known to be untagged
      ManagedInstanceIds: ['mi-0123456789abcdef0', 'mi-0fedcba9876543210'],
    });
    expect(parseSnapshotValues(values).tags).toEqual({
      'i-0aaaaaaaaaaaaaaa1': { env: 'dev' },
      'mi-0123456789abcdef0': { env: 'dev' },
      'mi-0fedcba9876543210': { env: 'prod', site: 'rack-12' },
    });
  });

  it('refuses, as in instances.json, an answer whose ResourceType contradicts the instance id', async () => {
    // Given: DescribeInstanceInformation answers an EC2 instance id with the ResourceType of a hybrid node
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [{ ...ec2Instance('i-0aaaaaaaaaaaaaaa1'), ResourceType: 'ManagedInstance' }],
    });
    // When: the account is collected and parsed, as the CLI and the Lambda functions do
    const values = await collect();
    // Then: the same one-line refusal as for a file, not an EC2 instance audited as a hybrid node
    expect(() => parseSnapshotValues(values)).toThrow(
      'instances.json: InstanceInformationList[0]: ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-0aaaaaaaaaaaaaaa1" is an EC2 instance\'s (hybrid nodes have mi- ids); nothing says which is true',
    );
  });

  it('does not call DescribeTags when every node is hybrid', async () => {
    // Given: only hybrid nodes
    ssm
      .on(DescribeInstanceInformationCommand)
      .resolves({ InstanceInformationList: [hybridNode('mi-0123456789abcdef0')] });
    ssm.on(ListTagsForResourceCommand).resolves({ TagList: [{ Key: 'env', Value: 'dev' }] });
    // When: the account is collected
    const values = await collect();
    // Then: EC2 is not asked, and the node's tags are there
    expect(ec2).toHaveReceivedCommandTimes(DescribeTagsCommand, 0);
    expect(parseSnapshotValues(values).tags).toEqual({ 'mi-0123456789abcdef0': { env: 'dev' } });
  });

  it('keeps at most `concurrency` ListTagsForResource calls in flight', async () => {
    // Given: twelve hybrid nodes whose tag reads take a moment
    const nodes = Array.from({ length: 12 }, (_, n) => hybridNode(`mi-${n.toString(16).padStart(17, '0')}`));
    ssm.on(DescribeInstanceInformationCommand).resolves({ InstanceInformationList: nodes });
    let inFlight = 0;
    let peak = 0;
    ssm.on(ListTagsForResourceCommand).callsFake(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { TagList: [] };
    });
    // When: the account is collected with concurrency 3
    await collect(3);
    // Then: every node was read, never more than three at once
    expect(ssm).toHaveReceivedCommandTimes(ListTagsForResourceCommand, 12);
    expect(peak).toBe(3);
  });
});

describe('throttling reaches the collector as an error, never as an empty result', () => {
  it('a throttled required read fails the collection; the next run, once the throttle clears, succeeds', async () => {
    // Given: DescribeInstanceInformation is throttled once, then answers
    ssm
      .on(DescribeInstanceInformationCommand)
      .rejectsOnce(throttling())
      .resolves({ InstanceInformationList: [ec2Instance('i-0aaaaaaaaaaaaaaa1')] });
    // When: the account is collected (the mock bypasses the SDK's retries)
    // Then: the throttle surfaces as a CollectionError, not as an account with no instances
    await expect(collect()).rejects.toThrow(
      /^ssm:DescribeInstanceInformation failed: ThrottlingException: Rate exceeded \(HTTP 400\)$/,
    );
    // When: collected again
    const values = await collect();
    // Then: the instance is there
    expect(parseSnapshotValues(values).instances.map((i) => i.InstanceId)).toEqual(['i-0aaaaaaaaaaaaaaa1']);
    expect(ssm).toHaveReceivedCommandTimes(DescribeInstanceInformationCommand, 2);
  });

  it('a throttled IAM page fails the collection rather than yielding an account without principals', async () => {
    // Given: IAM is throttled once, then answers
    iam
      .on(GetAccountAuthorizationDetailsCommand)
      .rejectsOnce(awsError('Throttling', 'Rate exceeded', 400))
      .resolves({ RoleDetailList: [role('OpsRole')], IsTruncated: false });
    // When/Then: the first run fails naming the API; the second sees the role
    await expect(collect()).rejects.toMatchObject({
      api: 'iam:GetAccountAuthorizationDetails',
      message: expect.stringContaining('Throttling'),
    });
    expect(auditOf(await collect()).principals.map((p) => p.name)).toEqual(['OpsRole']);
  });

  it('throttled EC2 tags become a gap, not an empty tag list that would look like "no tags"', async () => {
    // Given: DescribeTags is throttled once, then answers
    ec2
      .on(DescribeTagsCommand)
      .rejectsOnce(
        new EC2ServiceException({
          name: 'RequestLimitExceeded',
          $fault: 'client',
          message: 'Request limit exceeded.',
          $metadata: { httpStatusCode: 503 },
        }),
      )
      .resolves({
        Tags: [{ ResourceId: 'i-0aaaaaaaaaaaaaaa1', ResourceType: 'instance', Key: 'env', Value: 'dev' }],
      });
    // When: the account is collected
    const first = await collect();
    // Then: tags are an error record and a gap; parsing does not produce an empty tag map
    expect(first.tags).toEqual({
      Error: { Code: 'RequestLimitExceeded', Message: expect.stringContaining('Request limit exceeded.') },
    });
    expect(parseSnapshotValues(first).tags).toBeUndefined();
    expect(auditOf(first).gaps.map((g) => g.source)).toEqual(['tags']);
    // When: collected again
    const second = await collect();
    // Then: the tags are there and the audit is complete
    expect(parseSnapshotValues(second).tags).toEqual({ 'i-0aaaaaaaaaaaaaaa1': { env: 'dev' } });
    expect(auditOf(second).complete).toBe(true);
  });

  it("one hybrid node's throttled tag read makes the whole tags file a gap, not a partial list", async () => {
    // Given: two hybrid nodes, one of whose tag reads is throttled
    ssm.on(DescribeInstanceInformationCommand).resolves({
      InstanceInformationList: [
        ec2Instance('i-0aaaaaaaaaaaaaaa1'),
        hybridNode('mi-0123456789abcdef0'),
        hybridNode('mi-0fedcba9876543210'),
      ],
    });
    ssm
      .on(ListTagsForResourceCommand, { ResourceId: 'mi-0123456789abcdef0' })
      .resolves({ TagList: [{ Key: 'env', Value: 'dev' }] });
    ssm.on(ListTagsForResourceCommand, { ResourceId: 'mi-0fedcba9876543210' }).rejects(throttling());
    // When: the account is collected
    const values = await collect();
    // Then: the tags file is an error record, so no node is mistaken for untagged
    expect(values.tags).toEqual({
      Error: { Code: 'ThrottlingException', Message: expect.stringContaining('Rate exceeded') },
    });
    expect(auditOf(values).gaps.map((g) => g.source)).toEqual(['tags']);
  });
});
