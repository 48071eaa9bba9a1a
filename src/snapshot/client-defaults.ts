/**
 * What every AWS SDK client of the tool is built with: the collector's (IAM, SSM, STS, EC2) and the
 * Lambda functions' (Config, SNS). A module of its own, importing nothing, so that a handler can use it
 * without loading the collector's clients.
 */

/** Attempts per call, retries included (the SDK's adaptive retry strategy): these APIs throttle. */
export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The SDK sets no timeouts by default: an endpoint that takes the connection and never answers (a
 * firewall that drops packets, a broken proxy) would keep `--live` waiting forever, and a Lambda
 * function until it is killed, with nothing said. A silent connection fails after this long and is
 * retried like any network error. A minute of silence is far beyond what any of these APIs takes to
 * answer one call.
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 60_000;
const CONNECTION_TIMEOUT_MS = 10_000;

/** The retry and timeout settings to spread into an SDK client's configuration. */
export function clientDefaults(
  options: { readonly maxAttempts?: number; readonly socketTimeoutMs?: number } = {},
) {
  return {
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    },
  } as const;
}
