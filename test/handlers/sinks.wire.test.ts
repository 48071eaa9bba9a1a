import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { SNSClient } from '@aws-sdk/client-sns';
import { createConfigRuleHandler } from '../../src/handlers/config-rule';
import { createNightlyReportHandler } from '../../src/handlers/nightly-report';
import {
  ADMINISTRATOR_ACCESS,
  configEvent,
  EXAMPLE_ACCOUNT,
  exampleAccountWithGeneratedAdmins,
  lambdaContext,
  silentLogger,
} from './support';

/**
 * Wire level: the real SDK clients (serializers, SigV4 signing, deserializers) against small servers
 * on 127.0.0.1 that speak each service's real protocol, written from the AWS API reference:
 * - AWS Config: JSON 1.1 (POST /, X-Amz-Target: StarlingDoveService.<Operation>,
 *   Content-Type: application/x-amz-json-1.1, timestamps as epoch seconds);
 * - Amazon SNS: the Query protocol (form-urlencoded Action=Publish&..., XML response).
 * Nothing but 127.0.0.1 is contacted.
 */
jest.setTimeout(20_000);

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};

// ---------------------------------------------------------------------------------------------------
// A recording HTTP server on 127.0.0.1

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Reply {
  status?: number;
  headers: Record<string, string>;
  body: string;
}
interface FakeEndpoint {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

async function startServer(answer: (request: Received) => Reply): Promise<FakeEndpoint> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      let reply: Reply;
      try {
        reply = answer(request);
      } catch (error) {
        reply = { status: 500, headers: { 'content-type': 'text/plain' }, body: String(error) };
      }
      res.writeHead(reply.status ?? 200, {
        ...reply.headers,
        'content-length': Buffer.byteLength(reply.body),
      });
      res.end(reply.body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** The SigV4 credential scope: Credential=AKID/DATE/REGION/SERVICE/aws4_request. */
function credentialScope(headers: IncomingHttpHeaders): {
  accessKeyId: string;
  region: string;
  service: string;
} {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    String(headers.authorization),
  );
  if (!match) throw new Error(`unsigned request: ${String(headers.authorization)}`);
  return { accessKeyId: match[1]!, region: match[2]!, service: match[3]! };
}

// ---------------------------------------------------------------------------------------------------
// The example account plus generated roles, to exceed 100 evaluations

let work: string;
let bigAccount: string;
const GENERATED_ROLES = 250;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-sinks-wire-'));
  bigAccount = exampleAccountWithGeneratedAdmins(GENERATED_ROLES, {
    dir: join(work, 'big-account'),
    namePrefix: 'GeneratedRole',
    path: '/generated/',
    trustedService: 'lambda.amazonaws.com',
    // Alternate: half admins (NON_COMPLIANT), half read-only (COMPLIANT)
    policy: (i) =>
      i % 2 === 0
        ? ADMINISTRATOR_ACCESS
        : { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  }).dir;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------

describe('AWS Config sink over JSON 1.1', () => {
  const STALE_ROLE = 'AROAZZZZZZZZZZZZZZZZ9';
  let endpoint: FakeEndpoint;
  /** PutEvaluations calls to fail (FailedEvaluations: the first evaluation of the batch), by call number. */
  let failPutCalls: Set<number>;
  let putCalls: number;

  beforeEach(async () => {
    failPutCalls = new Set();
    putCalls = 0;
    endpoint = await startServer((request) => {
      const json = (value: unknown): Reply => ({
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amzn-requestid': `req-${endpoint.received.length}`,
        },
        body: JSON.stringify(value),
      });
      const body = JSON.parse(request.body) as Record<string, unknown>;
      switch (request.headers['x-amz-target']) {
        case 'StarlingDoveService.PutEvaluations': {
          putCalls++;
          const evaluations = body.Evaluations as Record<string, unknown>[];
          return json({ FailedEvaluations: failPutCalls.has(putCalls) ? [evaluations[0]] : [] });
        }
        case 'StarlingDoveService.GetComplianceDetailsByConfigRule': {
          const qualifier = (type: string, id: string) => ({
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: {
                ConfigRuleName: body.ConfigRuleName,
                ResourceType: type,
                ResourceId: id,
                EvaluationMode: 'DETECTIVE',
              },
              OrderingTimestamp: 1773637211.0,
            },
            ComplianceType: 'NON_COMPLIANT',
            ResultRecordedTime: 1773637240.0,
            ConfigRuleInvokedTime: 1773637212.0,
            Annotation: 'SSH allowed, port forwarding allowed (unaudited session)',
          });
          return body.NextToken === 'page-2'
            ? json({ EvaluationResults: [qualifier('AWS::IAM::Role', STALE_ROLE)] })
            : json({
                EvaluationResults: [qualifier('AWS::IAM::Role', 'AROA4BZPQXW7645FPZAQB')],
                NextToken: 'page-2',
              });
        }
        default:
          return {
            status: 400,
            headers: { 'content-type': 'application/x-amz-json-1.1' },
            body: JSON.stringify({
              __type: 'UnknownOperationException',
              message: String(request.headers['x-amz-target']),
            }),
          };
      }
    });
  });
  afterEach(() => endpoint.close());

  const run = (event: unknown) =>
    createConfigRuleHandler({
      env: { AUDIT_SNAPSHOT_DIR: bigAccount },
      configClient: () =>
        new ConfigServiceClient({
          endpoint: endpoint.url,
          region: 'us-east-1',
          credentials: CREDENTIALS,
          maxAttempts: 1,
        }),
      logger: silentLogger(),
    })(event as never, lambdaContext('ssm-ssh-audit-prod-configRule'));
  const requests = (operation: string) =>
    endpoint.received
      .filter((r) => r.headers['x-amz-target'] === `StarlingDoveService.${operation}`)
      .map((r) => ({ ...r, json: JSON.parse(r.body) as Record<string, unknown> }));
  type WireEvaluation = {
    ComplianceResourceType: string;
    ComplianceResourceId: string;
    ComplianceType: string;
    Annotation: string;
    OrderingTimestamp: unknown;
  };

  it('posts a ScheduledNotification run of 16 + 250 principals, 7 instances and the account in signed JSON 1.1 calls of ≤ 100 evaluations', async () => {
    // Given: a periodic run with a normal result token
    const event = configEvent<Record<string, string>>('scheduled-notification');
    const created = (JSON.parse(event.invokingEvent!) as { notificationCreationTime: string })
      .notificationCreationTime;

    // When
    const result = await run(event);

    // Then: every request is a signed JSON 1.1 POST to the Config service
    expect(endpoint.received.length).toBeGreaterThan(0);
    for (const r of endpoint.received) {
      expect(r.method).toBe('POST');
      expect(r.url).toBe('/');
      expect(r.headers['content-type']).toBe('application/x-amz-json-1.1');
      expect(credentialScope(r.headers)).toEqual({
        accessKeyId: 'AKIDEXAMPLE',
        region: 'us-east-1',
        service: 'config',
      });
    }
    // And: PutEvaluations bodies: ≤ 100 evaluations each, the token passed, no TestMode for a normal token
    const puts = requests('PutEvaluations');
    expect(puts.map((p) => (p.json.Evaluations as unknown[]).length)).toEqual([100, 100, 75]);
    const evaluations = puts.flatMap((p) => p.json.Evaluations as WireEvaluation[]);
    for (const p of puts) {
      expect(p.json.ResultToken).toBe(event.resultToken);
      expect(p.json).not.toHaveProperty('TestMode');
    }
    // And: 16 + 250 principals, 7 instances, the account, and one NOT_APPLICABLE for the stale role
    expect(evaluations).toHaveLength(16 + GENERATED_ROLES + 7 + 1 + 1);
    expect(
      new Set(evaluations.map((e) => `${e.ComplianceResourceType}/${e.ComplianceResourceId}`)).size,
    ).toBe(evaluations.length);
    for (const e of evaluations) {
      expect(e.Annotation.length).toBeGreaterThanOrEqual(1);
      expect(e.Annotation.length).toBeLessThanOrEqual(256);
      // OrderingTimestamp is serialized as epoch seconds (a JSON number), = notificationCreationTime
      expect(typeof e.OrderingTimestamp).toBe('number');
      expect(e.OrderingTimestamp).toBe(Date.parse(created) / 1000);
      if (e.ComplianceResourceType === 'AWS::IAM::User')
        expect(e.ComplianceResourceId).toMatch(/^AIDA[A-Z0-9]{17}$/);
      if (e.ComplianceResourceType === 'AWS::IAM::Role')
        expect(e.ComplianceResourceId).toMatch(/^AROA[A-Z0-9]{17}$/);
      if (e.ComplianceResourceType === 'AWS::SSM::ManagedInstanceInventory')
        expect(e.ComplianceResourceId).toMatch(/^(i|mi)-[0-9a-f]{17}$/);
    }
    expect(
      evaluations.filter(
        (e) => e.ComplianceResourceType === 'AWS::IAM::Role' && e.ComplianceResourceId.startsWith('AROAGEN'),
      ),
    ).toHaveLength(GENERATED_ROLES);
    expect(evaluations.find((e) => e.ComplianceResourceId === STALE_ROLE)).toMatchObject({
      ComplianceResourceType: 'AWS::IAM::Role',
      ComplianceType: 'NOT_APPLICABLE',
    });
    // And: GetComplianceDetailsByConfigRule was paged with the NextToken the server returned
    const pages = requests('GetComplianceDetailsByConfigRule').map((r) => r.json);
    expect(pages).toEqual([
      { ConfigRuleName: event.configRuleName, ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'], Limit: 100 },
      {
        ConfigRuleName: event.configRuleName,
        ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
        Limit: 100,
        NextToken: 'page-2',
      },
    ]);
    expect(result).toMatchObject({ evaluations: 274, notApplicable: 1, putCalls: 3, complete: true });
  });

  it('sends TestMode: true for the TESTMODE token, and re-sends what the JSON FailedEvaluations response names', async () => {
    // Given: the second PutEvaluations call reports its first evaluation as failed
    failPutCalls.add(2);
    const event = configEvent<Record<string, string>>('scheduled-notification-testmode');

    // When
    await run(event);

    // Then
    const puts = requests('PutEvaluations');
    expect(puts.map((p) => (p.json.Evaluations as unknown[]).length)).toEqual([100, 100, 1, 75]);
    for (const p of puts) expect(p.json).toMatchObject({ ResultToken: 'TESTMODE', TestMode: true });
    const failed = (puts[1]!.json.Evaluations as WireEvaluation[])[0];
    expect(puts[2]!.json.Evaluations).toEqual([failed]);
  });
});

describe('SNS sink over the Query protocol', () => {
  const TOPIC_ARN = 'arn:aws:sns:us-east-1:111122223333:ssm-ssh-audit-ci-report';
  let endpoint: FakeEndpoint;

  beforeEach(async () => {
    endpoint = await startServer((request): Reply => {
      const form = new URLSearchParams(request.body);
      if (form.get('Action') !== 'Publish') {
        return {
          status: 400,
          headers: { 'content-type': 'text/xml' },
          body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${form.get('Action')}</Message></Error><RequestId>e1</RequestId></ErrorResponse>`,
        };
      }
      return {
        headers: { 'content-type': 'text/xml', 'x-amzn-requestid': 'f187a3c1-376f-11df-8963-01868b7c937a' },
        body:
          '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">' +
          '<PublishResult><MessageId>94f20ce6-13c5-43a0-9a9e-ca52d816e90b</MessageId></PublishResult>' +
          '<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId></ResponseMetadata>' +
          '</PublishResponse>',
      };
    });
  });
  afterEach(() => endpoint.close());

  it('publishes one signed, form-encoded Publish whose decoded Subject, MessageStructure, Message and attributes are right', async () => {
    // Given: the nightly report on the example account, with a real SNSClient pointed at the server
    const handler = createNightlyReportHandler({
      env: { AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT, REPORT_TOPIC_ARN: TOPIC_ARN },
      snsClient: () =>
        new SNSClient({
          endpoint: endpoint.url,
          region: 'us-east-1',
          credentials: CREDENTIALS,
          maxAttempts: 1,
        }),
      logger: silentLogger(),
    });

    // When
    const result = await handler({} as never, lambdaContext('ssm-ssh-audit-prod-nightlyReport'));

    // Then: exactly one request, a SigV4-signed form POST for the sns service
    expect(endpoint.received).toHaveLength(1);
    const request = endpoint.received[0]!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(credentialScope(request.headers)).toEqual({
      accessKeyId: 'AKIDEXAMPLE',
      region: 'us-east-1',
      service: 'sns',
    });
    const form = new URLSearchParams(request.body);
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('Version')).toBe('2010-03-31');
    expect(form.get('TopicArn')).toBe(TOPIC_ARN);
    // And: the decoded subject fits SNS (≤ 100 ASCII characters, no line break)
    const subject = form.get('Subject')!;
    expect(subject.length).toBeGreaterThan(0);
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject).toContain('9 principals, 5 instances NON_COMPLIANT');
    // And: MessageStructure json with the JSON report as default and the text as email
    expect(form.get('MessageStructure')).toBe('json');
    const message = JSON.parse(form.get('Message')!) as { default: string; email: string };
    expect(Object.keys(message).sort()).toEqual(['default', 'email']);
    expect(JSON.parse(message.default)).toMatchObject({
      schemaVersion: 1,
      summary: { principals: 16, nonCompliantPrincipals: 9 },
    });
    expect(message.email).toContain('arn:aws:iam::111122223333:role/OpsAdmin');
    expect(Buffer.byteLength(form.get('Message')!)).toBeLessThanOrEqual(262_144);
    // And: message attributes in the Query protocol's entry.N form
    const attributes: Record<string, { type: string | null; value: string | null }> = {};
    for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
      attributes[form.get(`MessageAttributes.entry.${n}.Name`)!] = {
        type: form.get(`MessageAttributes.entry.${n}.Value.DataType`),
        value: form.get(`MessageAttributes.entry.${n}.Value.StringValue`),
      };
    }
    expect(attributes).toEqual({
      nonCompliantPrincipals: { type: 'Number', value: '9' },
      nonCompliantInstances: { type: 'Number', value: '5' },
      complete: { type: 'String', value: 'true' },
      schemaVersion: { type: 'String', value: '1' },
    });
    // And: the XML response's MessageId is decoded
    expect(result.messageId).toBe('94f20ce6-13c5-43a0-9a9e-ca52d816e90b');
  });
});
