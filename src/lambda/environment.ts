import { validateCompliancePolicy, type CompliancePolicy } from '../config/compliance-policy';
import { parseJsonUniqueKeys } from '../util/json-unique-keys';

/**
 * The functions' configuration contract (fixed names; operators and tests rely on them):
 * - REPORT_TOPIC_ARN: the topic the nightly report publishes to;
 * - AUDIT_SNAPSHOT_DIR: read the account from this snapshot directory instead of calling IAM and SSM;
 * - COMPLIANCE_POLICY: the compliance policy as JSON, for the nightly and on-demand functions (the
 *   Config rule reads it from its ruleParameters). Absent or empty: the default policy.
 */
export interface FunctionEnvironment {
  readonly reportTopicArn: string | undefined;
  readonly snapshotDir: string | undefined;
  readonly policy: CompliancePolicy;
}

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
  };
}
