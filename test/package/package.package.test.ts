import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * The deployable: `npx osls package --stage ci` (offline, no credentials), then
 * 1. the CloudFormation template: three functions on a current runtime, the Config rule and its
 *    permission, the encrypted report topic, the schedule, the on-failure destinations, the alarms and
 *    their topic, and least-privilege IAM (every policy statement walked);
 * 2. the artifact works: each zip is unpacked and its bundled handler run in a child Node process, with
 *    the example account (AUDIT_SNAPSHOT_DIR) and AWS_ENDPOINT_URL pointing at a server on 127.0.0.1
 *    that speaks Config JSON 1.1 and the SNS Query protocol. Nothing but 127.0.0.1 is contacted.
 *
 * Run with `npx jest -c jest.package.config.js` (not part of the default suite).
 */

const ROOT = resolve(__dirname, '..', '..');
const SERVERLESS_DIR = join(ROOT, '.serverless');
const EXAMPLE_ACCOUNT = join(ROOT, 'examples', 'account');
const EVENTS = join(ROOT, 'test', 'fixtures', 'config-events');
const run = promisify(execFile);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

let template: { Resources: Record<string, Json>; Conditions?: Json };
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-package-'));
  // Given: the service packaged for stage "ci" into .serverless/
  await run('npx', ['osls', 'package', '--stage', 'ci'], {
    cwd: ROOT,
    timeout: 180_000,
    maxBuffer: 16 * 1024 * 1024,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
  });
  template = JSON.parse(
    readFileSync(join(SERVERLESS_DIR, 'cloudformation-template-update-stack.json'), 'utf8'),
  );
}, 200_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const resources = () => Object.entries(template.Resources);
const ofType = (type: string) => resources().filter(([, r]) => r.Type === type);
const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));

const FUNCTIONS = {
  configRule: 'ConfigRuleLambdaFunction',
  nightlyReport: 'NightlyReportLambdaFunction',
  onDemand: 'OnDemandLambdaFunction',
} as const;
type FunctionKey = keyof typeof FUNCTIONS;
const fn = (key: FunctionKey) => template.Resources[FUNCTIONS[key]]!;
const roleOf = (key: FunctionKey): string => {
  const role = fn(key).Properties.Role;
  expect(role).toEqual({ 'Fn::GetAtt': [expect.any(String), 'Arn'] });
  return role['Fn::GetAtt'][0];
};

/** Every policy statement in the template, with where it is. */
function allStatements(): { where: string; kind: 'trust' | 'permissions'; statement: Statement }[] {
  const out: { where: string; kind: 'trust' | 'permissions'; statement: Statement }[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, `${path}[${i}]`));
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value as Json)) {
      if ((key === 'PolicyDocument' || key === 'AssumeRolePolicyDocument') && typeof child === 'object') {
        for (const [i, s] of asArray((child as Json).Statement).entries()) {
          out.push({
            where: `${path}.${key}.Statement[${i}]`,
            kind: key === 'PolicyDocument' ? 'permissions' : 'trust',
            statement: s as Statement,
          });
        }
      } else {
        walk(child, `${path}.${key}`);
      }
    }
  };
  walk(template.Resources, 'Resources');
  return out;
}

/** The Allow statements of one role's policies. */
function roleAllows(roleLogicalId: string): Statement[] {
  const role = template.Resources[roleLogicalId]!;
  expect(role.Type).toBe('AWS::IAM::Role');
  return asArray<Json>(role.Properties.Policies)
    .flatMap((p) => asArray<Statement>(p.PolicyDocument.Statement))
    .filter((s) => s.Effect === 'Allow');
}
const actionsOf = (statements: Statement[]) => new Set(statements.flatMap((s) => asArray(s.Action)));

const RESOURCE_STAR_ALLOWED = new Set([
  'iam:GetAccountAuthorizationDetails',
  'ssm:DescribeInstanceInformation',
  'ssm:ListDocuments',
  'ec2:DescribeTags',
  'config:PutEvaluations',
  'config:GetResourceConfigHistory',
]);
const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
const COLLECTOR = [
  'iam:GetAccountAuthorizationDetails',
  'ssm:DescribeInstanceInformation',
  'ssm:ListDocuments',
  'ssm:GetServiceSetting',
  'ssm:GetDocument',
  'ssm:ListTagsForResource',
  'ec2:DescribeTags',
];
const EXPECTED_ACTIONS: Record<FunctionKey, string[]> = {
  configRule: [
    ...LOGS,
    ...COLLECTOR,
    'config:PutEvaluations',
    'config:GetResourceConfigHistory',
    'config:GetComplianceDetailsByConfigRule',
    'sqs:SendMessage',
  ],
  nightlyReport: [...LOGS, ...COLLECTOR, 'sns:Publish', 'sqs:SendMessage'],
  onDemand: [...LOGS, ...COLLECTOR],
};

describe('the CloudFormation template', () => {
  it('has exactly three Lambda functions, configRule, nightlyReport and onDemand, on nodejs22.x or nodejs24.x', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions.map(([id]) => id).sort()).toEqual(Object.values(FUNCTIONS).sort());
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      expect(fn(key).Properties.Runtime).toMatch(/^nodejs(22|24)\.x$/);
      expect(fn(key).Properties.FunctionName).toBe(`ssm-ssh-audit-ci-${key}`);
      expect(fn(key).Properties.Code.S3Key).toMatch(new RegExp(`/${key}\\.zip$`));
    }
  });

  it('gives the nightly report its topic as REPORT_TOPIC_ARN, and every function the COMPLIANCE_POLICY', () => {
    expect(fn('nightlyReport').Properties.Environment.Variables.REPORT_TOPIC_ARN).toEqual({
      Ref: 'ReportTopic',
    });
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const variables = fn(key).Properties.Environment.Variables;
      expect(JSON.parse(variables.COMPLIANCE_POLICY)).toEqual(expect.any(Object));
      expect(variables).not.toHaveProperty('AUDIT_SNAPSHOT_DIR'); // deployed functions read the live account
    }
  });

  it('declares the AWS::Config::ConfigRule as CUSTOM_LAMBDA on configRule, for changes, oversized changes and a schedule, over the five resource types', () => {
    const rules = ofType('AWS::Config::ConfigRule');
    expect(rules).toHaveLength(1);
    const [, rule] = rules[0]!;
    expect(rule.Properties.Source.Owner).toBe('CUSTOM_LAMBDA');
    expect(rule.Properties.Source.SourceIdentifier).toEqual({ 'Fn::GetAtt': [FUNCTIONS.configRule, 'Arn'] });
    const details = rule.Properties.Source.SourceDetails as Json[];
    expect(details.map((d) => d.MessageType).sort()).toEqual(
      [
        'ConfigurationItemChangeNotification',
        'OversizedConfigurationItemChangeNotification',
        'ScheduledNotification',
      ].sort(),
    );
    for (const d of details) expect(d.EventSource).toBe('aws.config');
    expect(details.find((d) => d.MessageType === 'ScheduledNotification')!.MaximumExecutionFrequency).toMatch(
      /^(One_Hour|Three_Hours|Six_Hours|Twelve_Hours|TwentyFour_Hours)$/,
    );
    expect([...rule.Properties.Scope.ComplianceResourceTypes].sort()).toEqual(
      [
        'AWS::IAM::Group',
        'AWS::IAM::Policy',
        'AWS::IAM::Role',
        'AWS::IAM::User',
        'AWS::SSM::ManagedInstanceInventory',
      ].sort(),
    );
    // And: the compliance policy is passed as parameters whose values are all strings (JSON text)
    const parameters = rule.Properties.InputParameters as Record<string, unknown>;
    expect(Object.keys(parameters)).toEqual(['compliancePolicy']);
    expect(typeof parameters.compliancePolicy).toBe('string');
    expect(JSON.parse(parameters.compliancePolicy as string)).toEqual(expect.any(Object));
    // And: serialized as Config receives them, within InputParameters' 1,024 characters
    expect(JSON.stringify(parameters).length).toBeLessThanOrEqual(1024);
    // And: it is created after the permission that lets Config invoke the function
    expect(asArray(rule.DependsOn)).toContain('ConfigRulePermission');
  });

  it('lets config.amazonaws.com invoke configRule, restricted by SourceAccount', () => {
    const permission = template.Resources.ConfigRulePermission!;
    expect(permission.Type).toBe('AWS::Lambda::Permission');
    expect(permission.Properties).toEqual({
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [FUNCTIONS.configRule, 'Arn'] },
      Principal: 'config.amazonaws.com',
      SourceAccount: { Ref: 'AWS::AccountId' },
    });
  });

  it('encrypts the report topic with the AWS managed key (alias/aws/sns), and subscribes an email only when one is given', () => {
    const topics = ofType('AWS::SNS::Topic');
    expect(topics.map(([id]) => id).sort()).toEqual(['AlarmTopic', 'ReportTopic']);
    expect(template.Resources.ReportTopic!.Properties.KmsMasterKeyId).toBe('alias/aws/sns');
    // And: one email subscription per topic, both only when an address is given
    const subscriptions = ofType('AWS::SNS::Subscription');
    expect(subscriptions.map(([, s]) => s.Properties.TopicArn).sort(byJson)).toEqual(
      [{ Ref: 'AlarmTopic' }, { Ref: 'ReportTopic' }].sort(byJson),
    );
    for (const [, s] of subscriptions) {
      expect(s.Condition).toBe('HasReportEmail');
      expect(s.Properties.Protocol).toBe('email');
    }
    expect(template.Conditions).toHaveProperty('HasReportEmail');
  });

  it('gives the alarms a topic of their own that CloudWatch can publish to (not encrypted with alias/aws/sns)', () => {
    // CloudWatch cannot use the AWS managed key alias/aws/sns, whose key policy cannot be changed
    const topic = template.Resources.AlarmTopic!;
    expect(topic.Type).toBe('AWS::SNS::Topic');
    expect(topic.Properties.KmsMasterKeyId).toBeUndefined();
    // And: every alarm notifies that topic, and only that topic
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
      expect(alarm.Properties.ActionsEnabled).not.toBe(false);
    }
  });

  it('alarms as soon as a failed invocation is in the failed-invocations queue', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => a.Properties.Namespace === 'AWS/SQS');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]![1].Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['FailedInvocationsQueue', 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on every error of the asynchronously invoked functions, configRule and nightlyReport', () => {
    const byFunction = new Map(
      ofType('AWS::CloudWatch::Alarm')
        .filter(([, a]) => a.Properties.Namespace === 'AWS/Lambda' && a.Properties.MetricName === 'Errors')
        .map(([, a]) => [a.Properties.Dimensions[0].Value.Ref as string, a.Properties]),
    );
    expect([...byFunction.keys()].sort()).toEqual([FUNCTIONS.configRule, FUNCTIONS.nightlyReport].sort());
    for (const alarm of byFunction.values()) {
      expect(alarm).toMatchObject({
        Dimensions: [{ Name: 'FunctionName', Value: expect.any(Object) }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('schedules nightlyReport with an EventBridge rule allowed to invoke it', () => {
    const schedules = ofType('AWS::Events::Rule');
    expect(schedules).toHaveLength(1);
    const [ruleId, rule] = schedules[0]!;
    expect(rule.Properties.ScheduleExpression).toMatch(/^(cron|rate)\(.+\)$/);
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([
      expect.objectContaining({ Arn: { 'Fn::GetAtt': [FUNCTIONS.nightlyReport, 'Arn'] } }),
    ]);
    const permissions = ofType('AWS::Lambda::Permission').filter(
      ([, p]) => p.Properties.Principal === 'events.amazonaws.com',
    );
    expect(permissions).toHaveLength(1);
    expect(permissions[0]![1].Properties).toMatchObject({
      FunctionName: { 'Fn::GetAtt': [FUNCTIONS.nightlyReport, 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
  });

  it('sends failed asynchronous invocations of configRule and nightlyReport to an on-failure destination', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig');
    const byFunction = new Map(
      configs.map(([, c]) => [c.Properties.FunctionName.Ref as string, c.Properties]),
    );
    for (const key of ['configRule', 'nightlyReport'] as const) {
      const config = byFunction.get(FUNCTIONS[key]);
      expect(config).toBeDefined();
      expect(config.DestinationConfig.OnFailure.Destination).toEqual({
        'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'],
      });
    }
    expect(template.Resources.FailedInvocationsQueue!.Type).toBe('AWS::SQS::Queue');
  });

  it('gives configRule 1,024 MB (a change notification audits the account twice) and the other functions 512 MB', () => {
    // 489–606 MB were measured for a role change at twice the benchmark account (README, Performance)
    expect(fn('configRule').Properties.MemorySize).toBe(1024);
    expect(fn('nightlyReport').Properties.MemorySize).toBe(512);
    expect(fn('onDemand').Properties.MemorySize).toBe(512);
  });

  it('runs configRule one invocation at a time (reserved concurrency 1), with its account cache time to live set', () => {
    // One warm container folds the change notifications into its cached account, and at most one full
    // read of the account runs at a time
    // (unless the parameter configRuleReservedConcurrency is none, for an account that cannot spare it)
    expect(fn('configRule').Properties.ReservedConcurrentExecutions).toEqual({
      'Fn::If': ['HasConfigRuleReservedConcurrency', '1', { Ref: 'AWS::NoValue' }],
    });
    expect(template.Conditions!.HasConfigRuleReservedConcurrency).toEqual({
      'Fn::Not': [{ 'Fn::Equals': ['1', 'none'] }],
    });
    // And: the account cache is on only while configRule runs alone (with several containers, each
    // would miss the IAM changes the others ran)
    expect(template.Conditions!.ConfigRuleRunsAlone).toEqual({ 'Fn::Equals': ['1', '1'] });
    expect(fn('configRule').Properties.Environment.Variables.ACCOUNT_CACHE_TTL_SECONDS).toEqual({
      'Fn::If': ['ConfigRuleRunsAlone', '300', '0'],
    });
    // And: the other functions are not limited (the console's on-demand runs must not queue)
    expect(fn('nightlyReport').Properties.ReservedConcurrentExecutions).toBeUndefined();
    expect(fn('onDemand').Properties.ReservedConcurrentExecutions).toBeUndefined();
  });
});

describe('least-privilege IAM in the template', () => {
  it('allows no Action "*" or "<service>:*", and no NotAction/NotResource, in any policy statement', () => {
    const statements = allStatements();
    expect(statements.length).toBeGreaterThan(20); // the walk found the roles' policies
    const violations: string[] = [];
    for (const { where, statement } of statements) {
      if (statement.NotAction !== undefined || statement.NotResource !== undefined)
        violations.push(`${where}: NotAction/NotResource`);
      if (statement.Effect !== 'Allow') continue; // a Deny of s3:* (the deployment bucket's TLS-only policy) only restricts
      for (const action of asArray(statement.Action)) {
        if (action === '*' || action.endsWith(':*')) violations.push(`${where}: Allow ${action}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('uses Resource "*" only for actions that cannot be scoped (an explicit allow-list)', () => {
    const violations: string[] = [];
    let checked = 0;
    for (const { where, kind, statement } of allStatements()) {
      if (kind !== 'permissions' || statement.Effect !== 'Allow') continue;
      const resources = asArray(statement.Resource);
      if (!resources.some((r) => r === '*')) continue;
      checked++;
      for (const action of asArray(statement.Action)) {
        if (!RESOURCE_STAR_ALLOWED.has(action)) violations.push(`${where}: ${action} on "*"`);
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  });

  it('allows sns:Publish only on the report topic', () => {
    const publishes = allStatements().filter(
      ({ statement }) =>
        statement.Effect === 'Allow' && asArray(statement.Action).some((a) => a.startsWith('sns:')),
    );
    expect(publishes.length).toBeGreaterThan(0);
    for (const { statement } of publishes) {
      expect(asArray(statement.Action)).toEqual(['sns:Publish']);
      expect(statement.Resource).toEqual({ Ref: 'ReportTopic' });
    }
  });

  it.each(Object.keys(FUNCTIONS) as FunctionKey[])(
    "gives %s's role exactly the actions that function needs",
    (key) => {
      const roleId = roleOf(key);
      const role = template.Resources[roleId]!;
      // Only lambda.amazonaws.com may assume it, and no managed policies are attached behind our back
      expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.PermissionsBoundary).toBeUndefined();
      // Each function has its own role
      const roles = (Object.keys(FUNCTIONS) as FunctionKey[]).map(roleOf);
      expect(new Set(roles).size).toBe(3);
      // The actions, exactly
      const allows = roleAllows(roleId);
      expect([...actionsOf(allows)].sort()).toEqual([...EXPECTED_ACTIONS[key]].sort());
      // Logs only to the function's own log group
      for (const s of allows.filter((x) => asArray(x.Action).some((a) => a.startsWith('logs:')))) {
        expect((s.Resource as Json)['Fn::Sub']).toMatch(
          new RegExp(`:log-group:/aws/lambda/ssm-ssh-audit-ci-${key}:\\*$`),
        );
      }
      // The failed-invocations queue only
      for (const s of allows.filter((x) => asArray(x.Action).includes('sqs:SendMessage'))) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': ['FailedInvocationsQueue', 'Arn'] });
      }
    },
  );

  it('nightlyReport may publish and not evaluate; configRule may evaluate and not publish; onDemand may do neither', () => {
    const actions = (key: FunctionKey) => actionsOf(roleAllows(roleOf(key)));
    expect(actions('nightlyReport').has('sns:Publish')).toBe(true);
    expect(actions('nightlyReport').has('config:PutEvaluations')).toBe(false);
    expect(actions('configRule').has('config:PutEvaluations')).toBe(true);
    expect(actions('configRule').has('config:GetComplianceDetailsByConfigRule')).toBe(true);
    expect(actions('configRule').has('sns:Publish')).toBe(false);
    for (const a of actions('onDemand')) expect(a).not.toMatch(/^(sns|config):/);
  });

  it('scopes config:GetComplianceDetailsByConfigRule to config rules of this account and region', () => {
    const [statement] = roleAllows(roleOf('configRule')).filter((s) =>
      asArray(s.Action).includes('config:GetComplianceDetailsByConfigRule'),
    );
    expect(statement!.Resource).toEqual({
      'Fn::Sub': 'arn:${AWS::Partition}:config:${AWS::Region}:${AWS::AccountId}:config-rule/*',
    });
  });

  it("grants the collector the same statements (Sid and actions) as the README's Permissions section", () => {
    // Given: the policy JSON in README.md under "### Permissions"
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^### Permissions$/m)[1]!;
    const documented = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(section)![1]!) as {
      Statement: Statement[];
    };
    const shape = (statements: Statement[]) =>
      statements.map((s) => ({
        Sid: s.Sid,
        Effect: s.Effect,
        Action: asArray(s.Action).sort(),
        star: s.Resource === '*',
      }));
    // Then: each function's "collect" policy matches it
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const collect = asArray<Json>(template.Resources[roleOf(key)]!.Properties.Policies).find(
        (p) => p.PolicyName === 'collect',
      );
      expect(shape(collect!.PolicyDocument.Statement)).toEqual(shape(documented.Statement));
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// The deployed artifact works

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** One endpoint for both services the functions write to: Config (JSON 1.1) and SNS (Query). */
async function startFakeAws() {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(request);
      const target = req.headers['x-amz-target'];
      let status = 200;
      let type = 'application/x-amz-json-1.1';
      let body: string;
      if (target === 'StarlingDoveService.PutEvaluations') body = JSON.stringify({ FailedEvaluations: [] });
      else if (target === 'StarlingDoveService.GetComplianceDetailsByConfigRule')
        body = JSON.stringify({ EvaluationResults: [] });
      else if (new URLSearchParams(request.body).get('Action') === 'Publish') {
        type = 'text/xml';
        body =
          '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>6e0f6b1c-2f3a-5e4d-9c8b-7a6f5e4d3c2b</MessageId></PublishResult>' +
          '<ResponseMetadata><RequestId>a9b8c7d6-e5f4-5a3b-2c1d-0e9f8a7b6c5d</RequestId></ResponseMetadata></PublishResponse>';
      } else {
        status = 400;
        body = JSON.stringify({ __type: 'UnknownOperationException', message: String(target) });
      }
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Runs a bundled handler in a child Node process, as the Lambda runtime would: handler(event, context). */
const INVOKER = `
const fs = require('node:fs');
const [, , file, exportName, eventFile, outFile, functionName] = process.argv;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:111122223333:function:' + functionName,
  memoryLimitInMB: '512',
  awsRequestId: '9e8d7c6b-5a49-4382-a716-f5e4d3c2b1a0',
  logGroupName: '/aws/lambda/' + functionName,
  logStreamName: '2026/03/17/[$LATEST]f0e1d2c3b4a5968778695a4b3c2d1e0f',
  getRemainingTimeInMillis: () => 900000,
  done() {}, fail() {}, succeed() {},
};
const handler = require(file)[exportName];
// An event file holding {"sequence": [...]} is run event after event in this one process, as one warm
// Lambda container would run them; the result is the last one's.
const input = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
const events = input && Array.isArray(input.sequence) ? input.sequence : [input];
events
  .reduce((previous, event) => previous.then(() => handler(event, context)), Promise.resolve())
  .then(
    (result) => fs.writeFileSync(outFile, JSON.stringify({ ok: true, result })),
    (error) => fs.writeFileSync(outFile, JSON.stringify({ ok: false, name: error.name, message: error.message })),
  );
`;

async function invokeBundled(
  key: FunctionKey,
  event: unknown,
  env: Record<string, string>,
): Promise<{ ok: boolean; result?: Json; name?: string; message?: string; stdout: string; stderr: string }> {
  const dir = join(work, key); // unpacked in beforeAll
  const [modulePath, exportName] = ((h: string) => [
    h.slice(0, h.lastIndexOf('.')),
    h.slice(h.lastIndexOf('.') + 1),
  ])(fn(key).Properties.Handler as string);
  const invoker = join(work, `invoke-${key}.js`);
  const eventFile = join(work, `event-${key}.json`);
  const outFile = join(work, `result-${key}.json`);
  writeFileSync(invoker, INVOKER);
  writeFileSync(eventFile, JSON.stringify(event));
  // The deployed environment of the function, plus the local overrides
  const deployed = Object.fromEntries(
    Object.entries(fn(key).Properties.Environment.Variables as Record<string, unknown>).filter(
      ([, v]) => typeof v === 'string',
    ),
  ) as Record<string, string>;
  const child = spawn(
    process.execPath,
    [invoker, join(dir, `${modulePath}.js`), exportName!, eventFile, outFile, `ssm-ssh-audit-ci-${key}`],
    {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        ...deployed,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: join(work, 'no-aws-config'),
        AWS_SHARED_CREDENTIALS_FILE: join(work, 'no-aws-credentials'),
        AWS_LAMBDA_FUNCTION_NAME: `ssm-ssh-audit-ci-${key}`,
        AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT,
        ...env,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearTimeout(killer);
  if (code !== 0) throw new Error(`the ${key} bundle exited with ${code}:\n${stderr}`);
  return { ...JSON.parse(readFileSync(outFile, 'utf8')), stdout, stderr };
}

describe('the deployed artifact works', () => {
  let fake: Awaited<ReturnType<typeof startFakeAws>>;

  beforeAll(async () => {
    // Given: each zip unpacked into its own directory
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      await run('unzip', ['-q', '-o', join(SERVERLESS_DIR, `${key}.zip`), '-d', join(work, key)], {
        timeout: 60_000,
      });
    }
    fake = await startFakeAws();
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.received.length = 0;
  });

  it('packages each function as one bundled handler file (plus its source map)', () => {
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      const handler = fn(key).Properties.Handler as string;
      const file = `${handler.slice(0, handler.lastIndexOf('.'))}.js`;
      expect(statSync(join(work, key, file)).isFile()).toBe(true);
      expect(listFiles(join(work, key)).filter((f) => !f.endsWith('.map'))).toEqual([file]);
    }
  });

  it('contains no @cloud-copilot (AGPL) code in any packaged file', () => {
    for (const key of Object.keys(FUNCTIONS) as FunctionKey[]) {
      for (const file of listFiles(join(work, key))) {
        expect({
          file,
          hasCloudCopilot: readFileSync(join(work, key, file), 'utf8').includes('cloud-copilot'),
        }).toEqual({
          file,
          hasCloudCopilot: false,
        });
      }
    }
  });

  it('onDemand returns the schemaVersion 1 report for {}', async () => {
    // When
    const outcome = await invokeBundled('onDemand', {}, {});

    // Then
    expect(outcome.ok).toBe(true);
    expect(outcome.result).toMatchObject({ schemaVersion: 1, summary: { principals: 16, instances: 7 } });
    // And: Powertools logged JSON with the Lambda context
    expect(outcome.stdout).toMatch(/"function_request_id":"9e8d7c6b-5a49-4382-a716-f5e4d3c2b1a0"/);
    expect(fake.received).toHaveLength(0);
  });

  it('nightlyReport publishes one message through AWS_ENDPOINT_URL in the SNS Query protocol', async () => {
    // When
    const topic = 'arn:aws:sns:us-east-1:111122223333:ssm-ssh-audit-ci-report';
    const outcome = await invokeBundled(
      'nightlyReport',
      { source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} },
      {
        AWS_ENDPOINT_URL: fake.url,
        REPORT_TOPIC_ARN: topic,
      },
    );

    // Then
    expect(outcome).toMatchObject({
      ok: true,
      result: { messageId: '6e0f6b1c-2f3a-5e4d-9c8b-7a6f5e4d3c2b', summarized: false },
    });
    expect(fake.received).toHaveLength(1);
    const form = new URLSearchParams(fake.received[0]!.body);
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('TopicArn')).toBe(topic);
    expect(form.get('MessageStructure')).toBe('json');
    expect(form.get('Subject')!.length).toBeLessThanOrEqual(100);
    expect(JSON.parse(JSON.parse(form.get('Message')!).default)).toMatchObject({ schemaVersion: 1 });
    expect(String(fake.received[0]!.headers.authorization)).toMatch(
      /Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/sns\/aws4_request/,
    );
  });

  it('configRule posts PutEvaluations for a ScheduledNotification through AWS_ENDPOINT_URL in Config JSON 1.1', async () => {
    // Given
    const event = JSON.parse(readFileSync(join(EVENTS, 'scheduled-notification.json'), 'utf8')) as Json;

    // When
    const outcome = await invokeBundled('configRule', event, { AWS_ENDPOINT_URL: fake.url });

    // Then
    expect(outcome).toMatchObject({
      ok: true,
      result: { messageType: 'ScheduledNotification', evaluations: 24, complete: true },
    });
    const puts = fake.received.filter(
      (r) => r.headers['x-amz-target'] === 'StarlingDoveService.PutEvaluations',
    );
    expect(puts).toHaveLength(1);
    const body = JSON.parse(puts[0]!.body) as { Evaluations: Json[]; ResultToken: string };
    expect(body.Evaluations).toHaveLength(24);
    expect(body.ResultToken).toBe(event.resultToken);
    expect(puts[0]!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(String(puts[0]!.headers.authorization)).toMatch(
      /Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/config\/aws4_request/,
    );
  });

  it('configRule reads the account once for two change notifications in one warm container', async () => {
    // Given: OpsAdmin loses AdministratorAccess, then batch-legacy-01's agent is upgraded
    const events = ['role-change-opsadmin-admin-removed', 'inventory-change-agent-upgraded'].map(
      (name) => JSON.parse(readFileSync(join(EVENTS, `${name}.json`), 'utf8')) as Json,
    );

    // When: both run in one process of the bundle, as in one warm container
    const outcome = await invokeBundled('configRule', { sequence: events }, { AWS_ENDPOINT_URL: fake.url });

    // Then: the second used the account the first read (the fixtures' items were captured before the
    // read, which holds them already: neither is folded in; test/handlers covers the folding)
    expect(outcome).toMatchObject({
      ok: true,
      result: { messageType: 'ConfigurationItemChangeNotification' },
    });
    const finished = outcome.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Json)
      .filter((r) => r.message === 'config rule run finished');
    expect(finished.map((r) => r.accountCache)).toEqual([
      { account: 'read', cache: 'stored without this item' },
      { account: 'cached', ageSeconds: expect.any(Number), cache: 'stored without this item' },
    ]);
  });
});

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}
