import { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';

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

/**
 * Logs a failed invocation once, as a structured record with the Lambda context and the error (its
 * name, message, stack and cause), then lets it fail: the runtime's own "Invoke Error" line is plain
 * text without the cause, and an operator needs to tell a wrong event or setting (`clientError`, to
 * fix by hand) from a failure to run (throttling, an incomplete audit) that a retry may cure.
 */
export function logFailures(logger: Logger): MiddlewareObj {
  return {
    onError: (request) => {
      const error = request.error;
      const clientError = error instanceof Error && CLIENT_ERRORS.has(error.name);
      logger.error(
        clientError ? 'invocation refused: the event or the configuration is wrong' : 'invocation failed',
        { error, clientError },
      );
    },
  };
}
