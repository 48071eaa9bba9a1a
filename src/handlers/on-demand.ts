import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readEnvironment } from '../lambda/environment';
import { loadAccount } from '../lambda/load-account';
import { runOnDemand } from '../lambda/on-demand';
import type { AuditReport } from '../report/types';
import { createLogger, logFailures } from './observability';

export interface OnDemandHandlerOptions {
  readonly logger?: Logger;
  readonly env?: NodeJS.ProcessEnv;
}

/** On demand, from the Lambda console's Test button: `{}` returns the full JSON report. */
export function createOnDemandHandler(options: OnDemandHandlerOptions = {}) {
  const logger = options.logger ?? createLogger();
  return middy(async function onDemandHandler(event: unknown): Promise<AuditReport | string> {
    const env = readEnvironment(options.env);
    const result = await runOnDemand(event, {
      loadAccount: () => loadAccount({ snapshotDir: env.snapshotDir }),
      policy: env.policy,
    });
    logger.info(
      'on-demand audit finished',
      typeof result === 'string' ? { format: 'text' } : { summary: result.summary },
    );
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logFailures(logger));
}

export const handler = createOnDemandHandler();
