import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { createConfigRuleHandler } from '../../src/handlers/config-rule';
import { createNightlyReportHandler } from '../../src/handlers/nightly-report';
import { createOnDemandHandler } from '../../src/handlers/on-demand';
import { configEvent, copyOfExampleAccount, EXAMPLE_ACCOUNT, lambdaContext, type Json } from './support';

/**
 * A failed invocation is logged once through Powertools, as JSON with the Lambda context and the whole
 * error (name, message, cause), and says whether the event or configuration is at fault (clientError)
 * or the run failed; the invocation still fails, so that Lambda's retries and on-failure destination
 * see it.
 */
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const config = mockClient(ConfigServiceClient);
beforeEach(() => {
  config.reset();
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

/** Every JSON record the logger writes while `run` runs, from stdout and stderr alike. */
async function records(run: () => Promise<unknown>): Promise<{ outcome: unknown; logged: Json[] }> {
  const lines: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  };
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(capture);
  const err = jest.spyOn(process.stderr, 'write').mockImplementation(capture);
  let outcome: unknown;
  try {
    await run();
  } catch (error) {
    outcome = error;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const logged = lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Json);
  return { outcome, logged };
}

const logger = () => new Logger({ serviceName: 'ssm-ssh-audit', logLevel: 'INFO' });
const env = { AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT };

const cases: readonly (readonly [string, () => Promise<unknown>, string, boolean])[] = [
  [
    'the Config rule, given an event without its invokingEvent',
    () =>
      createConfigRuleHandler({
        env,
        logger: logger(),
        configClient: () => new ConfigServiceClient({ region: 'us-east-1' }),
      })(
        { ...configEvent<Json>('scheduled-notification'), invokingEvent: undefined } as never,
        lambdaContext('ssm-ssh-audit-prod-configRule'),
      ),
    'InvalidEventError',
    true,
  ],
  [
    'the Config rule, when PutEvaluations keeps failing',
    () => {
      config
        .on(PutEvaluationsCommand)
        .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      return createConfigRuleHandler({
        env,
        logger: logger(),
        configClient: () => new ConfigServiceClient({ region: 'us-east-1' }),
      })(configEvent('scheduled-notification') as never, lambdaContext('ssm-ssh-audit-prod-configRule'));
    },
    'ThrottlingException',
    false,
  ],
  [
    'the Config rule, when the audit has a gap',
    () => {
      const dir = copyOfExampleAccount(mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-failure-')));
      made.push(dir);
      unlinkSync(join(dir, 'activation-tier.json'));
      config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
      return createConfigRuleHandler({
        env: { AUDIT_SNAPSHOT_DIR: dir },
        logger: logger(),
        configClient: () => new ConfigServiceClient({ region: 'us-east-1' }),
      })(configEvent('scheduled-notification') as never, lambdaContext('ssm-ssh-audit-prod-configRule'));
    },
    'IncompleteAuditError',
    false,
  ],
  [
    'the nightly report, without a topic to publish to',
    () =>
      createNightlyReportHandler({
        env,
        logger: logger(),
        snsClient: () => new SNSClient({ region: 'us-east-1' }),
      })({} as never, lambdaContext('ssm-ssh-audit-prod-nightlyReport')),
    'ConfigurationError',
    true,
  ],
  [
    'the on-demand function, under a COMPLIANCE_POLICY whose exemptPrincipals is not a list',
    () =>
      createOnDemandHandler({
        env: { ...env, COMPLIANCE_POLICY: JSON.stringify({ exemptPrincipals: 'BreakGlass*' }) },
        logger: logger(),
      })({} as never, lambdaContext('ssm-ssh-audit-prod-onDemand')),
    'CompliancePolicyError',
    true,
  ],
  [
    'the on-demand function, on a snapshot whose account.json has an 11-digit account id',
    () =>
      createOnDemandHandler({
        env: { AUDIT_SNAPSHOT_DIR: join(__dirname, '..', 'fixtures', 'bad-snapshots', 'bad-account-id') },
        logger: logger(),
      })({} as never, lambdaContext('ssm-ssh-audit-prod-onDemand')),
    'SnapshotInputError',
    true,
  ],
  [
    'the Config rule, given a role change whose configuration item lacks attachedManagedPolicies',
    () => {
      const event = configEvent<Json>('role-change-opsadmin-admin-removed');
      const invoking = JSON.parse(event.invokingEvent as string) as {
        configurationItem: { configuration: Json };
      };
      delete invoking.configurationItem.configuration.attachedManagedPolicies;
      return createConfigRuleHandler({
        env,
        logger: logger(),
        configClient: () => new ConfigServiceClient({ region: 'us-east-1' }),
      })(
        { ...event, invokingEvent: JSON.stringify(invoking) } as never,
        lambdaContext('ssm-ssh-audit-prod-configRule'),
      );
    },
    'ConfigurationItemError',
    true,
  ],
  [
    'the on-demand function, asked for a format it does not have',
    () =>
      createOnDemandHandler({ env, logger: logger() })(
        { format: 'pdf' } as never,
        lambdaContext('ssm-ssh-audit-prod-onDemand'),
      ),
    'InvalidEventError',
    true,
  ],
];

describe('a failed invocation', () => {
  it.each(cases)(
    'of %s is logged once as JSON with its context and error, and still fails',
    async (_, run, errorName, clientError) => {
      const { outcome, logged } = await records(run);
      expect(outcome).toBeInstanceOf(Error);
      expect((outcome as Error).name).toBe(errorName);
      const failures = logged.filter((r) => r.level === 'ERROR');
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({
        message: clientError
          ? 'invocation refused: the event or the configuration is wrong'
          : 'invocation failed',
        service: 'ssm-ssh-audit',
        function_request_id: '3f1e4b9a-6c2d-4e8f-9a7b-1c2d3e4f5a6b',
        function_name: expect.stringMatching(/^ssm-ssh-audit-prod-/),
        clientError,
        error: expect.objectContaining({ name: errorName, message: (outcome as Error).message }),
      });
    },
  );

  it('of an incomplete audit carries the gaps as the cause of its error', async () => {
    const { outcome, logged } = await records(cases.find(([name]) => name.includes('gap'))![1]);
    expect((outcome as Error).cause).toEqual([expect.objectContaining({ source: 'activation-tier' })]);
    const failure = logged.find((r) => r.level === 'ERROR') as { error: { cause: unknown } };
    expect(JSON.stringify(failure.error.cause)).toContain('activation-tier');
  });
});
