import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { CollectorClients } from './collect-live';

export interface ClientOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Attempts per call, retries included (the SDK's adaptive retry strategy). */
  readonly maxAttempts?: number;
  /** How long an attempt may wait without receiving a byte before it fails (and is retried). */
  readonly socketTimeoutMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The SDK sets no timeouts by default: an endpoint that takes the connection and never answers (a
 * firewall that drops packets, a broken proxy) would keep `--live` waiting forever, and a Lambda
 * function until it is killed, with nothing said. A silent connection fails after this long and is
 * retried like any network error. A minute of silence is far beyond what IAM and SSM take for a page.
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 60_000;
const CONNECTION_TIMEOUT_MS = 10_000;

/**
 * The SDK clients the collector needs, with the adaptive retry strategy: all these APIs throttle, and
 * a throttled read must be retried, never treated as an empty result. Endpoints follow the SDK's
 * usual resolution, including the AWS_ENDPOINT_URL_* variables.
 */
export function createCollectorClients(options: ClientOptions = {}): CollectorClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    requestHandler: {
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
    },
  } as const;
  return {
    iam: new IAMClient(config),
    ssm: new SSMClient(config),
    sts: new STSClient(config),
    ec2: new EC2Client(config),
  };
}

/** The region the clients resolved (from --region, the environment or the profile). */
export async function resolvedRegion(clients: CollectorClients): Promise<string> {
  return clients.ssm.config.region();
}
