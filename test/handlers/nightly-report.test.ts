import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createNightlyReportHandler } from '../../src/handlers/nightly-report';
import type { AuditReport, PrincipalReport } from '../../src/report/types';
import { EXAMPLE_ACCOUNT, exampleAccountWithGeneratedAdmins, lambdaContext, silentLogger } from './support';

/**
 * The nightly report through the deployed entry point (middy + Powertools): a full audit of the
 * snapshot in AUDIT_SNAPSHOT_DIR, published as exactly one SNS message to REPORT_TOPIC_ARN, with
 * SNSClient mocked at `send`. SNS limits: Subject ≤ 100 ASCII characters without line breaks, message
 * ≤ 256 KB (262,144 bytes).
 */

const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:ssm-ssh-audit-prod-report';
const SNS_LIMIT = 262_144;

/** The event EventBridge Scheduler / a schedule rule sends. */
const SCHEDULED_EVENT = {
  version: '0',
  id: '5c5e1f0a-7d2b-4b7e-9c1e-2b7f4f0f1a2b',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '111122223333',
  time: '2026-03-17T05:00:00Z',
  region: 'eu-west-1',
  resources: [
    'arn:aws:events:eu-west-1:111122223333:rule/ssm-ssh-audit-prod-NightlyReportEventsRuleSchedule1',
  ],
  detail: {},
};

function handlerFor(env: NodeJS.ProcessEnv) {
  const handler = createNightlyReportHandler({
    env,
    snsClient: () => new SNSClient({ region: 'us-east-1' }),
    logger: silentLogger(),
  });
  return () => handler(SCHEDULED_EVENT as never, lambdaContext('ssm-ssh-audit-prod-nightlyReport'));
}

const sns = mockClient(SNSClient);
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: '5f1d4c2b-9a8e-5b7c-a6d5-e4f3a2b1c0d9' });
});

const published = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((c) => c.args[0].input);

interface Bodies {
  default: string;
  email: string;
}
type Summary = AuditReport & {
  omitted: { principals: number; nonCompliantPrincipals: number; instances: number; findings: number };
  note: string;
};

/** Bytes SNS counts against the 256 KB limit: message, subject, and each attribute's name, type and value. */
function snsBytes(input: PublishCommandInput): number {
  let size = Buffer.byteLength(input.Message ?? '') + Buffer.byteLength(input.Subject ?? '');
  for (const [name, a] of Object.entries(input.MessageAttributes ?? {})) {
    size +=
      Buffer.byteLength(name) + Buffer.byteLength(a.DataType ?? '') + Buffer.byteLength(a.StringValue ?? '');
  }
  return size;
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-nightly-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the nightly report on the example account', () => {
  let input: PublishCommandInput;
  let bodies: Bodies;
  let report: AuditReport;
  let result: Awaited<ReturnType<ReturnType<typeof handlerFor>>>;

  beforeEach(async () => {
    // Given: examples/account and the report topic
    // When: the schedule invokes the function
    result = await handlerFor({ AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT, REPORT_TOPIC_ARN: TOPIC_ARN })();
    input = published()[0]!;
    bodies = JSON.parse(input.Message!) as Bodies;
    report = JSON.parse(bodies.default) as AuditReport;
  });

  it('publishes exactly one message, to REPORT_TOPIC_ARN', () => {
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(input.TopicArn).toBe(TOPIC_ARN);
    expect(result).toEqual({
      messageId: '5f1d4c2b-9a8e-5b7c-a6d5-e4f3a2b1c0d9',
      subject: input.Subject,
      bytes: Buffer.byteLength(input.Message!),
      summarized: false,
      complete: true,
    });
  });

  it('has a Subject of at most 100 ASCII characters, without line breaks, carrying the headline counts', () => {
    const subject = input.Subject!;
    expect(subject.length).toBeGreaterThan(0);
    expect(subject.length).toBeLessThanOrEqual(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    // 9 non-compliant principals and 5 non-compliant instances (examples/README.md, default policy)
    expect(subject).toContain('111122223333');
    expect(subject).toMatch(/\b9 principals\b/);
    expect(subject).toMatch(/\b5 instances\b/);
    expect(subject).toContain('NON_COMPLIANT');
  });

  it("uses MessageStructure 'json': Message is {default: the JSON report (schemaVersion 1), email: text}", () => {
    expect(input.MessageStructure).toBe('json');
    expect(Object.keys(bodies).sort()).toEqual(['default', 'email']);
    expect(typeof bodies.default).toBe('string');
    expect(typeof bodies.email).toBe('string');
    expect(report).toMatchObject({
      schemaVersion: 1,
      account: { id: '111122223333', region: 'eu-west-1' },
      complete: true,
      gaps: [],
      summary: { principals: 16, instances: 7, nonCompliantPrincipals: 9, nonCompliantInstances: 5 },
    });
    expect(report.principals).toHaveLength(16);
    expect(report.instances).toHaveLength(7);
  });

  it('carries the headline counts as message attributes for subscription filter policies', () => {
    expect(input.MessageAttributes).toMatchObject({
      nonCompliantPrincipals: { DataType: 'Number', StringValue: '9' },
      nonCompliantInstances: { DataType: 'Number', StringValue: '5' },
      complete: { DataType: 'String', StringValue: 'true' },
      schemaVersion: { DataType: 'String', StringValue: '1' },
    });
  });

  it('emails a text naming each non-compliant principal with the statement to fix', () => {
    const nonCompliant = report.principals.filter((p) => p.compliance === 'NON_COMPLIANT');
    expect(nonCompliant).toHaveLength(9);
    for (const p of nonCompliant) {
      const block = principalBlock(bodies.email, p);
      const grant = p.reasons.find((r) => r.effect === 'Allow' && r.decision !== 'denied')!;
      expect(block).toMatch(/change: statement /);
      expect(block).toContain(`policy ${grant.policyName}`);
    }
    // And: compliant principals are not listed as ones to fix
    for (const p of report.principals.filter((x) => x.compliance === 'COMPLIANT')) {
      expect(bodies.email).not.toContain(`${p.arn}\n`);
    }
  });

  it('emails the list of exposed instances', () => {
    const exposed = report.instances.filter((i) => i.compliance === 'NON_COMPLIANT').map((i) => i.instanceId);
    expect(exposed).toEqual([
      'i-0a1b2c3d4e5f60718',
      'i-0c3d4e5f607182930',
      'i-0d4e5f60718293a41',
      'i-0e5f60718293a4b52',
      'i-0f60718293a4b5c63',
    ]);
    const section = bodies.email.split(/^Exposed instances/m)[1]!.split(/^\S/m)[0]!;
    for (const id of exposed) expect(section).toContain(id);
  });

  it('states in the email that SSH and port-forwarding sessions are not audited', () => {
    expect(bodies.email).toMatch(/Unaudited sessions/);
    expect(bodies.email).toMatch(/does not record SSH or port-forwarding sessions/);
  });
});

/** The lines of the email about one principal: its ARN line and the indented lines after it. */
function principalBlock(email: string, p: PrincipalReport): string {
  const lines = email.split('\n');
  const start = lines.findIndex((l) => l.trim().endsWith(` ${p.arn}`));
  expect(start).toBeGreaterThanOrEqual(0);
  const block = [lines[start]];
  for (const l of lines.slice(start + 1)) {
    if (!/^ {6}\S/.test(l)) break;
    block.push(l);
  }
  return block.join('\n');
}

describe('without a report topic', () => {
  it.each([
    ['REPORT_TOPIC_ARN unset', {}],
    ['REPORT_TOPIC_ARN empty', { REPORT_TOPIC_ARN: '' }],
  ])('with %s rejects with an error naming REPORT_TOPIC_ARN and publishes nothing', async (_case, env) => {
    // When / Then
    await expect(handlerFor({ AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT, ...env })()).rejects.toThrow(
      /REPORT_TOPIC_ARN is not set/,
    );
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('rejects an invalid COMPLIANCE_POLICY, naming it, and publishes nothing', async () => {
    await expect(
      handlerFor({
        AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT,
        REPORT_TOPIC_ARN: TOPIC_ARN,
        COMPLIANCE_POLICY: '{"exempt":',
      })(),
    ).rejects.toThrow(/COMPLIANCE_POLICY/);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });
});

describe('a report larger than the SNS limit (~8,000 roles with AdministratorAccess)', () => {
  const GENERATED = 8000;
  let input: PublishCommandInput;
  let bodies: Bodies;
  let summary: Summary;
  let result: Awaited<ReturnType<ReturnType<typeof handlerFor>>>;

  beforeAll(async () => {
    // Given: the example account plus 8,000 generated admin roles
    const { dir } = exampleAccountWithGeneratedAdmins(GENERATED, {
      dir: join(work, 'huge-account'),
      nameDigits: 5,
    });
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'huge-1' });

    // When
    result = await handlerFor({ AUDIT_SNAPSHOT_DIR: dir, REPORT_TOPIC_ARN: TOPIC_ARN })();
    input = published()[0]!;
    bodies = JSON.parse(input.Message!) as Bodies;
    summary = JSON.parse(bodies.default) as Summary;
  }, 60_000);

  it('still publishes exactly one message of at most 256 KB (262,144 bytes), attributes and subject included', () => {
    // (captured in beforeAll: the outer beforeEach resets the mock before each test)
    expect(input).toBeDefined();
    expect(Buffer.byteLength(input.Message!)).toBeLessThanOrEqual(SNS_LIMIT);
    expect(snsBytes(input)).toBeLessThanOrEqual(SNS_LIMIT);
    expect(input.Subject!.length).toBeLessThanOrEqual(100);
    expect(input.Subject).toMatch(/\b8009 principals\b/);
    expect(result).toMatchObject({ summarized: true, messageId: 'huge-1' });
  });

  it('is a valid JSON summary (schemaVersion 1) with an explicit count of what was left out, never a cut-off string', () => {
    // Then: both bodies are complete values (JSON.parse above would have thrown on a cut)
    expect(summary.schemaVersion).toBe(1);
    expect(summary.summary.principals).toBe(16 + GENERATED);
    expect(summary.summary.nonCompliantPrincipals).toBe(9 + GENERATED);
    expect(summary.principals.length).toBeGreaterThan(0);
    expect(summary.principals.length).toBeLessThan(summary.summary.nonCompliantPrincipals);
    // And: listed + left out = everything, for each kind
    expect(summary.principals.length + summary.omitted.principals).toBe(summary.summary.principals);
    expect(summary.instances.length + summary.omitted.instances).toBe(summary.summary.instances);
    expect(summary.findings.length + summary.omitted.findings).toBe(summary.summary.findings);
    // And: the note and the email say how many non-compliant principals were left out, of how many,
    // and where the full report is
    expect(summary.note).toContain(
      `${summary.omitted.nonCompliantPrincipals} of ${summary.summary.nonCompliantPrincipals} non-compliant principals`,
    );
    expect(summary.principals.length + summary.omitted.nonCompliantPrincipals).toBe(
      summary.summary.nonCompliantPrincipals,
    );
    expect(bodies.email).toMatch(
      /^Summary: at most \d+ of the most severe items of each kind are listed\. Not listed: \d+ of 8009 non-compliant principals/,
    );
    // And: for the full report, they point to the CLI, not to the onDemand function, whose response is
    // at most 6 MB and is a summary too for an account whose report is larger
    for (const text of [bodies.email, summary.note]) {
      expect(text).toContain('For the full report, run ssm-ssh-audit --live');
      expect(text).toContain('The onDemand function returns the report only while it fits in 6 MB');
      expect(text).not.toMatch(/onDemand function \([^)]*\)[^.]* for the full report/i);
    }
    expect(bodies.email.endsWith('\n')).toBe(true);
    // And: the email, which carries no reach lists, names far more principals than the JSON can hold
    const named = bodies.email.split('\n').filter((line) => line.startsWith('  ✗ arn:aws:iam::')).length;
    expect(named).toBeGreaterThan(5 * summary.principals.length);
  });

  it('lists the most severe items first: non-compliant principals by access (allowed before conditional), instances by exposure', () => {
    const rank: Record<PrincipalReport['sshOverSessionManager'], number> = {
      unknown: 0,
      allowed: 1,
      conditional: 2,
      denied: 3,
    };
    const severity = (p: PrincipalReport) => Math.min(rank[p.sshOverSessionManager], rank[p.portForwarding]);
    expect(summary.principals.every((p) => p.compliance === 'NON_COMPLIANT')).toBe(true);
    const severities = summary.principals.map(severity);
    expect(severities).toEqual([...severities].sort((a, b) => a - b));
    // The conditional-only principals (erin.walsh, ops/OnCallEngineer) rank behind 8,000+ allowed ones
    expect(summary.principals.map((p) => p.name)).not.toContain('erin.walsh');
    const exposure = summary.instances.map((i) => i.exposedTo);
    expect(exposure).toEqual([...exposure].sort((a, b) => b - a));
    const findingRank = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 };
    const findingSeverities = summary.findings.map((f) => findingRank[f.severity]);
    expect(findingSeverities).toEqual([...findingSeverities].sort((a, b) => a - b));
  });
});
