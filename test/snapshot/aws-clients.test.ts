import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ConfigServiceClient, PutEvaluationsCommand } from '@aws-sdk/client-config-service';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { createCollectorClients } from '../../src/snapshot/aws-clients';
import { clientDefaults } from '../../src/snapshot/client-defaults';
import { collectSnapshot, CollectionError } from '../../src/snapshot/collect-live';

/**
 * The clients the CLI and the Lambda functions build. An endpoint that accepts the connection and then
 * never answers (a firewall that drops packets, a broken proxy) must end in an error the collector can
 * report, not in a command that waits forever. A TCP server on 127.0.0.1 that never writes a byte
 * plays that endpoint; the clients find it through AWS_ENDPOINT_URL.
 */
jest.setTimeout(10_000);

let server: Server;
let url: string;
const sockets: Socket[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
});
afterAll(async () => {
  process.env = savedEnv;
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('an endpoint that never answers', () => {
  it('times out each attempt, retries, and fails the collection with a CollectionError naming the API', async () => {
    // Given: clients with two attempts and a short idle timeout, pointed at the silent server
    const clients = createCollectorClients({ region: 'us-east-1', maxAttempts: 2, socketTimeoutMs: 300 });
    // When: the account is collected
    const started = Date.now();
    const outcome = await collectSnapshot(clients, { region: 'us-east-1' }).catch((e: unknown) => e);
    // Then: the first call fails as a timeout, after both attempts, instead of waiting forever
    expect(outcome).toBeInstanceOf(CollectionError);
    expect((outcome as CollectionError).message).toMatch(/^sts:GetCallerIdentity failed: TimeoutError: /);
    expect(sockets.length).toBe(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("the Lambda functions' own clients, built with the same defaults", () => {
  it.each([
    [
      'SNS Publish (the nightly report)',
      () =>
        new SNSClient({
          region: 'us-east-1',
          ...clientDefaults({ maxAttempts: 2, socketTimeoutMs: 300 }),
        }).send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:111122223333:report', Message: 'm' })),
    ],
    [
      'Config PutEvaluations (the Config rule)',
      () =>
        new ConfigServiceClient({
          region: 'us-east-1',
          ...clientDefaults({ maxAttempts: 2, socketTimeoutMs: 300 }),
        }).send(new PutEvaluationsCommand({ ResultToken: 't', Evaluations: [] })),
    ],
  ])('%s times out each silent attempt and fails after the last', async (_, call) => {
    const before = sockets.length;
    const outcome = await call().catch((e: unknown) => e);
    expect((outcome as Error).name).toBe('TimeoutError');
    expect(sockets.length - before).toBe(2);
  });
});
