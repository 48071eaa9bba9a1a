import { Logger } from '@aws-lambda-powertools/logger';

/** One Powertools Logger per function: structured JSON logs with the Lambda context injected. */
export function createLogger(serviceName = 'ssm-ssh-audit'): Logger {
  return new Logger({ serviceName });
}

/** Errors that mean "the input or configuration is wrong", as opposed to a failure to run. */
export const CLIENT_ERRORS = new Set([
  'InvalidEventError',
  'CompliancePolicyError',
  'ConfigurationError',
  'ConfigurationItemError',
  'SnapshotInputError',
]);
