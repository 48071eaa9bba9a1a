import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import middy from '@middy/core';
import type { ConfigRuleEvent } from '../lambda/config-event';
import { runConfigRule, type ConfigRuleResult } from '../lambda/config-rule';
import { readEnvironment } from '../lambda/environment';
import { loadAccount } from '../lambda/load-account';
import { clientDefaults } from '../snapshot/client-defaults';
import { createLogger, logFailures } from './observability';

export interface ConfigRuleHandlerOptions {
  readonly logger?: Logger;
  readonly configClient?: () => ConfigServiceClient;
  readonly env?: NodeJS.ProcessEnv;
}

/** The AWS Config custom rule: middy + Powertools Logger around runConfigRule. */
export function createConfigRuleHandler(options: ConfigRuleHandlerOptions = {}) {
  const logger = options.logger ?? createLogger();
  let client: ConfigServiceClient | undefined;
  const configClient = options.configClient ?? (() => (client ??= new ConfigServiceClient(clientDefaults())));
  return middy(async function configRuleHandler(event: ConfigRuleEvent): Promise<ConfigRuleResult> {
    const env = readEnvironment(options.env);
    const result = await runConfigRule(event, {
      config: configClient(),
      loadAccount: () => loadAccount({ snapshotDir: env.snapshotDir }),
      log: (message, details) => logger.info(message, details ?? {}),
    });
    logger.info('config rule run finished', { ...result });
    return result;
  })
    .use(injectLambdaContext(logger))
    .use(logFailures(logger));
}

export const handler = createConfigRuleHandler();
