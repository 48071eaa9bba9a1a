import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { clientDefaults } from './client-defaults';
import type { CollectorClients } from './collect-live';

export interface ClientOptions {
  readonly region?: string;
  readonly profile?: string;
  /** Attempts per call, retries included (the SDK's adaptive retry strategy). */
  readonly maxAttempts?: number;
  /** How long an attempt may wait without receiving a byte before it fails (and is retried). */
  readonly socketTimeoutMs?: number;
}

/**
 * The SDK clients the collector needs, with the adaptive retry strategy: all these APIs throttle, and
 * a throttled read must be retried, never treated as an empty result. Endpoints follow the SDK's
 * usual resolution, including the AWS_ENDPOINT_URL_* variables.
 */
export function createCollectorClients(options: ClientOptions = {}): CollectorClients {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...clientDefaults(options),
  };
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
