import { validateCompliancePolicy, type CompliancePolicy } from '../config/compliance-policy';
import { parseJsonUniqueKeys } from '../util/json-unique-keys';

/**
 * The functions' configuration contract (fixed names; operators and tests rely on them):
 * - REPORT_TOPIC_ARN: the topic the nightly report publishes to;
 * - AUDIT_SNAPSHOT_DIR: read the account from this snapshot directory instead of calling IAM and SSM;
 * - COMPLIANCE_POLICY: the compliance policy as JSON, for the nightly and on-demand functions (the
 *   Config rule reads it from its ruleParameters). Absent or empty: the default policy;
 * - ACCOUNT_CACHE_TTL_SECONDS: for the Config rule, how long a container may apply change
 *   notifications to the account it last read instead of reading the whole account again
 *   (src/lambda/account-cache.ts). Whole seconds; 0 turns the cache off. Absent or empty: 300.
 */
export interface FunctionEnvironment {
  readonly reportTopicArn: string | undefined;
  readonly snapshotDir: string | undefined;
  readonly policy: CompliancePolicy;
  readonly accountCacheTtlSeconds: number;
}

/**
 * Five minutes: long enough that a burst of change notifications (an SSM Agent rollout sends one per
 * instance) reads the account once, short enough that what no notification reports (instance tags,
 * ping status, the activation tier, session preferences) is at most that old.
 */
export const DEFAULT_ACCOUNT_CACHE_TTL_SECONDS = 300;

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): FunctionEnvironment {
  const text = env.COMPLIANCE_POLICY?.trim();
  let value: unknown;
  if (text) {
    try {
      value = parseJsonUniqueKeys(text);
    } catch (cause) {
      throw new ConfigurationError(`COMPLIANCE_POLICY is not valid JSON (${(cause as Error).message})`, {
        cause,
      });
    }
  }
  return {
    reportTopicArn: env.REPORT_TOPIC_ARN || undefined,
    snapshotDir: env.AUDIT_SNAPSHOT_DIR || undefined,
    policy: validateCompliancePolicy(value, 'COMPLIANCE_POLICY'),
    accountCacheTtlSeconds: readTtlSeconds(env.ACCOUNT_CACHE_TTL_SECONDS),
  };
}

/** Whole seconds, 0 or more. Anything else is refused rather than guessed: "5m" or "-1" is a typo. */
function readTtlSeconds(value: string | undefined): number {
  const text = value?.trim();
  if (!text) return DEFAULT_ACCOUNT_CACHE_TTL_SECONDS;
  if (!/^\d{1,9}$/.test(text)) {
    throw new ConfigurationError(
      `ACCOUNT_CACHE_TTL_SECONDS must be a whole number of seconds, 0 or more (0 turns the cache off); got ${JSON.stringify(value)}`,
    );
  }
  return Number(text);
}
