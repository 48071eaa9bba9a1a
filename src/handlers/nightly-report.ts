import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { readEnvironment } from '../lambda/environment';
import { loadAccount } from '../lambda/load-account';
import { runNightlyReport, type NightlyReportResult } from '../lambda/nightly-report';
import { clientDefaults } from '../snapshot/client-defaults';
import { createLogger, logFailures } from './observability';

/** Where the reader of a summarized nightly message finds the full report. */
export const FULL_REPORT_HINT =
  'For the full report, run ssm-ssh-audit --live --format json --output report.json with credentials ' +
  'granted the read-only collector policy (deploy/collector-policy.yml). The onDemand function returns ' +
  'the report only while it fits in 6 MB, otherwise a summary like this one; narrow it with ' +
  'principalArns or instanceIds to see chosen principals or instances in full.';

export interface NightlyReportHandlerOptions {
  readonly logger?: Logger;
  readonly snsClient?: () => SNSClient;
  readonly env?: NodeJS.ProcessEnv;
}

/** The nightly report: a scheduled full audit, published as one message to REPORT_TOPIC_ARN. */
export function createNightlyReportHandler(options: NightlyReportHandlerOptions = {}) {
  const logger = options.logger ?? createLogger();
  let client: SNSClient | undefined;
  const snsClient = options.snsClient ?? (() => (client ??= new SNSClient(clientDefaults())));
  return middy(async function nightlyReportHandler(): Promise<NightlyReportResult> {
    const env = readEnvironment(options.env);
    const result = await runNightlyReport({
      sns: snsClient(),
      loadAccount: () => loadAccount({ snapshotDir: env.snapshotDir }),
      topicArn: env.reportTopicArn,
      policy: env.policy,
      // Not "invoke onDemand" alone: it returns at most 6 MB, and a large account's report is far
      // larger (165 MB at the benchmark's scale 1), so it too returns a summary. Only the CLI writes
      // the whole report, whatever its size.
      fullReportHint: FULL_REPORT_HINT,
    });
    logger.info('nightly report published', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logFailures(logger));
}

export const handler = createNightlyReportHandler();
