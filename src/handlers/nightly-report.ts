import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { SNSClient } from '@aws-sdk/client-sns';
import middy from '@middy/core';
import { readEnvironment } from '../lambda/environment';
import { loadAccount } from '../lambda/load-account';
import { runNightlyReport, type NightlyReportResult } from '../lambda/nightly-report';
import { clientDefaults } from '../snapshot/client-defaults';
import { createLogger, logFailures } from './observability';

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
      fullReportHint:
        'Invoke the onDemand function (Test button, event {}) or run ssm-ssh-audit --live for the full report.',
    });
    logger.info('nightly report published', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logFailures(logger));
}

export const handler = createNightlyReportHandler();
