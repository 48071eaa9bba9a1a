import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import middy from '@middy/core';
import { AccountCache } from '../lambda/account-cache';
import type { ConfigRuleEvent } from '../lambda/config-event';
import { runConfigRule, type ConfigRuleResult } from '../lambda/config-rule';
import { readEnvironment } from '../lambda/environment';
import { loadAccount } from '../lambda/load-account';
import type { CollectorClients } from '../snapshot/collect-live';
import { clientDefaults } from '../snapshot/client-defaults';
import { createLogger, logFailures } from './observability';

export interface ConfigRuleHandlerOptions {
  readonly logger?: Logger;
  readonly configClient?: () => ConfigServiceClient;
  readonly env?: NodeJS.ProcessEnv;
  /** The clients the live collector reads the account with (when AUDIT_SNAPSHOT_DIR is not set). */
  readonly collectorClients?: () => CollectorClients;
  /** The clock of the account cache, in ms since the epoch. */
  readonly now?: () => number;
}

/**
 * The AWS Config custom rule: middy + Powertools Logger around runConfigRule. Each handler (each
 * Lambda container) keeps the account it read last for change notifications (AccountCache).
 */
export function createConfigRuleHandler(options: ConfigRuleHandlerOptions = {}) {
  const logger = options.logger ?? createLogger();
  let client: ConfigServiceClient | undefined;
  const configClient = options.configClient ?? (() => (client ??= new ConfigServiceClient(clientDefaults())));
  const cache = new AccountCache(options.now);
  return middy(async function configRuleHandler(event: ConfigRuleEvent): Promise<ConfigRuleResult> {
    const env = readEnvironment(options.env);
    const account = cache.forInvocation(env.accountCacheTtlSeconds, () =>
      loadAccount({ snapshotDir: env.snapshotDir, clients: options.collectorClients }),
    );
    try {
      const result = await runConfigRule(event, {
        config: configClient(),
        loadAccount: account.loadAccount,
        accountForChange: account.accountForChange,
        audited: account.audited,
        log: (message, details) => logger.info(message, details ?? {}),
      });
      logger.info('config rule run finished', { ...result, accountCache: account.report() });
      return result;
    } catch (error) {
      // Said on failure too: whether the failed run used the cached account, and that it dropped it.
      logger.info('config rule run failed', { accountCache: account.report() });
      throw error;
    }
  })
    .use(injectLambdaContext(logger))
    .use(logFailures(logger));
}

export const handler = createConfigRuleHandler();
