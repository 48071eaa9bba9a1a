import { GetAccountAuthorizationDetailsCommand, type IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeInstanceInformationCommand,
  GetDocumentCommand,
  GetServiceSettingCommand,
  ListDocumentsCommand,
  ListTagsForResourceCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { DescribeTagsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { SnapshotValues } from './parse-snapshot';

/**
 * The live collector: the only code that calls IAM, SSM, EC2 and STS. It returns the same files the
 * AWS CLI writes (as parsed JSON), so that `snapshot --out DIR` and `--live` share everything
 * downstream with `--input DIR`.
 *
 * Clients are passed in, never created here: the caller sets region, credentials and the retry
 * strategy (adaptive, maxAttempts). A required read that fails after the SDK's retries throws a
 * CollectionError; an optional read that fails is recorded in its file as
 * `{"Error": {"Code", "Message"}}`, which the loader turns into a gap.
 */
export interface CollectorClients {
  readonly iam: IAMClient;
  readonly ssm: SSMClient;
  readonly sts: STSClient;
  readonly ec2: EC2Client;
}

export interface CollectionProgress {
  readonly phase: 'account' | 'iam' | 'instances' | 'settings' | 'documents' | 'tags' | 'done';
  readonly pages: number;
  readonly principals: number;
  readonly instances: number;
}

export interface CollectOptions {
  /** The region the clients are configured for; written into account.json. */
  readonly region: string;
  /** How many ListTagsForResource / GetDocument calls run at once. */
  readonly concurrency?: number;
  readonly onProgress?: (progress: CollectionProgress) => void;
}

export class CollectionError extends Error {
  override readonly name = 'CollectionError';
  constructor(
    readonly api: string,
    options: { cause: unknown },
  ) {
    super(`${api} failed: ${describeError(options.cause)}`, options);
  }
}

export function describeError(error: unknown): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}${status}`;
}

function errorRecord(error: unknown): { Error: { Code: string; Message: string } } {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode ? ` (HTTP ${e.$metadata.httpStatusCode})` : '';
  // The loader prefixes the code; the message carries the rest.
  return { Error: { Code: e.name ?? 'Error', Message: `${e.message ?? String(error)}${status}` } };
}

/** Runs tasks with at most `limit` in flight; results keep their order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const IAM_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
const PREFERENCES_DOCUMENT = 'SSM-SessionManagerRunShell';

export async function collectSnapshot(
  clients: CollectorClients,
  options: CollectOptions,
): Promise<SnapshotValues> {
  const concurrency = options.concurrency ?? 8;
  const progress = { phase: 'account' as CollectionProgress['phase'], pages: 0, principals: 0, instances: 0 };
  const report = (phase: CollectionProgress['phase']): void => {
    progress.phase = phase;
    options.onProgress?.({ ...progress });
  };
  const required = async <T>(api: string, call: () => Promise<T>): Promise<T> => {
    try {
      const result = await call();
      progress.pages++;
      return result;
    } catch (cause) {
      throw new CollectionError(api, { cause });
    }
  };

  report('account');
  const identity = await required('sts:GetCallerIdentity', () =>
    clients.sts.send(new GetCallerIdentityCommand({})),
  );
  const account = {
    UserId: identity.UserId,
    Account: identity.Account,
    Arn: identity.Arn,
    Region: options.region,
  };

  // IAM: every principal, group and managed policy in a few pages of up to 1,000 items.
  report('iam');
  const iam = {
    UserDetailList: [] as unknown[],
    GroupDetailList: [] as unknown[],
    RoleDetailList: [] as unknown[],
    Policies: [] as unknown[],
    IsTruncated: false,
  };
  let marker: string | undefined;
  do {
    const page = await required('iam:GetAccountAuthorizationDetails', () =>
      clients.iam.send(
        new GetAccountAuthorizationDetailsCommand({
          Filter: [...IAM_FILTERS],
          MaxItems: 1000,
          Marker: marker,
        }),
      ),
    );
    iam.UserDetailList.push(...(page.UserDetailList ?? []));
    iam.GroupDetailList.push(...(page.GroupDetailList ?? []));
    iam.RoleDetailList.push(...(page.RoleDetailList ?? []));
    iam.Policies.push(...(page.Policies ?? []));
    progress.principals = iam.UserDetailList.length + iam.RoleDetailList.length;
    report('iam');
    marker = page.IsTruncated ? page.Marker : undefined;
    if (page.IsTruncated && !page.Marker) {
      throw new CollectionError('iam:GetAccountAuthorizationDetails', {
        cause: new Error('IsTruncated without a Marker'),
      });
    }
  } while (marker);

  // SSM: every managed instance, 50 a page.
  report('instances');
  const instanceList: { InstanceId?: string; ResourceType?: string }[] = [];
  let token: string | undefined;
  do {
    const page = await required('ssm:DescribeInstanceInformation', () =>
      clients.ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 50, NextToken: token })),
    );
    instanceList.push(...(page.InstanceInformationList ?? []));
    progress.instances = instanceList.length;
    report('instances');
    token = page.NextToken;
  } while (token);

  report('settings');
  const activationTier = await clients.ssm
    .send(new GetServiceSettingCommand({ SettingId: '/ssm/managed-instance/activation-tier' }))
    .then((r) => ({ ServiceSetting: r.ServiceSetting }), errorRecord);
  const sessionPreferences = await clients.ssm
    .send(new GetDocumentCommand({ Name: PREFERENCES_DOCUMENT, DocumentFormat: 'JSON' }))
    .then(
      (r) => ({
        Name: r.Name,
        DocumentVersion: r.DocumentVersion,
        Status: r.Status,
        Content: r.Content,
        DocumentType: r.DocumentType,
        DocumentFormat: r.DocumentFormat,
      }),
      errorRecord,
    );

  report('documents');
  const sessionDocuments = await listSessionDocuments(clients.ssm, concurrency, {
    account: identity.Account,
    partition: identity.Arn?.split(':')[1] || 'aws',
    region: options.region,
  }).catch(errorRecord);

  report('tags');
  const tags = await collectTags(clients, instanceList, concurrency).catch(errorRecord);

  report('done');
  return {
    account,
    iam,
    instances: { InstanceInformationList: instanceList },
    activationTier,
    sessionPreferences,
    sessionDocuments,
    tags,
  };
}

/** Session documents with the `sessionType` of each, read from its content (not a hard-coded list). */
async function listSessionDocuments(
  ssm: SSMClient,
  concurrency: number,
  where: { account: string | undefined; partition: string; region: string },
): Promise<unknown> {
  const identifiers: { Name?: string; Owner?: string }[] = [];
  let token: string | undefined;
  do {
    const page = await ssm.send(
      new ListDocumentsCommand({
        Filters: [{ Key: 'DocumentType', Values: ['Session'] }],
        MaxResults: 50,
        NextToken: token,
      }),
    );
    identifiers.push(...(page.DocumentIdentifiers ?? []));
    token = page.NextToken;
  } while (token);
  const withTypes = await mapLimit(identifiers, concurrency, async (doc) => {
    try {
      // A document shared from another account is read by its ARN: by name alone, GetDocument looks in
      // this account, and finds nothing or this account's own document of the same name.
      const shared = doc.Owner !== undefined && /^\d{12}$/.test(doc.Owner) && doc.Owner !== where.account;
      const name =
        shared && !doc.Name?.startsWith('arn:')
          ? `arn:${where.partition}:ssm:${where.region}:${doc.Owner}:document/${doc.Name}`
          : doc.Name;
      const content = await ssm.send(new GetDocumentCommand({ Name: name, DocumentFormat: 'JSON' }));
      const sessionType = (JSON.parse(content.Content ?? '{}') as { sessionType?: unknown }).sessionType;
      return { ...doc, ...(typeof sessionType === 'string' ? { SessionType: sessionType } : {}) };
    } catch {
      // Left without SessionType: the audit then treats the document as Port (fail closed) and records a gap.
      return { ...doc };
    }
  });
  return { DocumentIdentifiers: withTypes };
}

/** EC2 instance tags in pages of 1,000, and each hybrid node's tags from SSM, in describe-tags shape. */
async function collectTags(
  clients: CollectorClients,
  instances: readonly { InstanceId?: string; ResourceType?: string }[],
  concurrency: number,
): Promise<unknown> {
  const tags: { Key?: string; Value?: string; ResourceId?: string; ResourceType?: string }[] = [];
  if (instances.some((i) => i.ResourceType !== 'ManagedInstance')) {
    let token: string | undefined;
    do {
      const page = await clients.ec2.send(
        new DescribeTagsCommand({
          Filters: [{ Name: 'resource-type', Values: ['instance'] }],
          MaxResults: 1000,
          NextToken: token,
        }),
      );
      tags.push(...(page.Tags ?? []));
      token = page.NextToken;
    } while (token);
  }
  const hybrid = instances.filter((i) => i.ResourceType === 'ManagedInstance' && i.InstanceId);
  const perNode = await mapLimit(hybrid, concurrency, async (node) => {
    const result = await clients.ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: node.InstanceId }),
    );
    return (result.TagList ?? []).map((t) => ({
      Key: t.Key,
      Value: t.Value,
      ResourceId: node.InstanceId,
      ResourceType: 'managed-instance',
    }));
  });
  for (const list of perNode) tags.push(...list);
  // Which hybrid nodes' tags were read, so that an untagged node is known to be untagged.
  return { Tags: tags, ManagedInstanceIds: hybrid.map((node) => node.InstanceId) };
}
