import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import { DescribeTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetAccountAuthorizationDetailsCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  DescribeInstanceInformationCommand,
  GetDocumentCommand,
  GetServiceSettingCommand,
  ListDocumentsCommand,
  ListTagsForResourceCommand,
  SSMClient,
  ThrottlingException,
} from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createConfigRuleHandler } from '../../src/handlers/config-rule';
import {
  ADMINISTRATOR_ACCESS,
  configEvent,
  EXAMPLE_ACCOUNT,
  lambdaContext,
  readJson,
  roleChangeEvent,
  silentLogger,
  type Json,
} from './support';

/**
 * The Config rule's account cache (src/lambda/account-cache.ts), through the deployed entry point:
 * createConfigRuleHandler with the live collector, whose IAM, SSM, STS and EC2 clients are mocked
 * (aws-sdk-client-mock) to serve examples/account. Each GetAccountAuthorizationDetails call is one read
 * of the whole account: that is what the cache saves on a burst of change notifications.
 */

const REGION = 'eu-west-1';
const iam = mockClient(IAMClient);
const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const config = mockClient(ConfigServiceClient);

const file = <T = Json>(name: string) => readJson<T>(join(EXAMPLE_ACCOUNT, name));
type Role = Json & { RoleName: string; RoleId: string; Arn: string };
const IAM_FILE = file<Json & { RoleDetailList: Role[] }>('iam.json');
const roleId = (name: string) => IAM_FILE.RoleDetailList.find((r) => r.RoleName === name)!.RoleId;
const BATCH_LEGACY = 'i-0b2c3d4e5f6071829'; // the instance of inventory-change-agent-upgraded

/** The collector's mocks answer with examples/account; `extraRoles` are added to the IAM listing. */
function serveExampleAccount(extraRoles: Role[] = []): void {
  const account = file<{ Account: string; Arn: string; UserId: string }>('account.json');
  sts
    .on(GetCallerIdentityCommand)
    .resolves({ Account: account.Account, Arn: account.Arn, UserId: account.UserId });
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .resolves({ ...IAM_FILE, RoleDetailList: [...IAM_FILE.RoleDetailList, ...extraRoles] } as never);
  ssm.on(DescribeInstanceInformationCommand).resolves(file('instances.json') as never);
  ssm.on(GetServiceSettingCommand).resolves(file('activation-tier.json') as never);
  const documents = file<{ DocumentIdentifiers: { Name: string; SessionType: string }[] }>(
    'session-documents.json',
  ).DocumentIdentifiers;
  // ListDocuments does not say the session type: the collector reads it from each document's content
  ssm.on(ListDocumentsCommand).resolves({
    DocumentIdentifiers: documents.map((d) => ({ ...d, SessionType: undefined })) as never,
  });
  const preferences = file('session-preferences.json');
  ssm.on(GetDocumentCommand).callsFake(async (input: { Name: string }) => {
    if (input.Name === preferences.Name) return preferences;
    const sessionType = documents.find((d) => d.Name === input.Name)!.SessionType;
    return { Name: input.Name, Content: JSON.stringify({ schemaVersion: '1.0', sessionType }) };
  });
  const tags = file<{ Tags: { ResourceId: string; ResourceType: string; Key: string; Value: string }[] }>(
    'tags.json',
  ).Tags;
  ec2.on(DescribeTagsCommand).resolves({ Tags: tags.filter((t) => t.ResourceType === 'instance') as never });
  ssm.on(ListTagsForResourceCommand).callsFake(async (input: { ResourceId: string }) => ({
    TagList: tags.filter((t) => t.ResourceId === input.ResourceId).map(({ Key, Value }) => ({ Key, Value })),
  }));
}

/** A role that may start SSH sessions on every instance, as the examples' admins may. */
const extraAdmin = (name: string): Role => ({
  Path: '/',
  RoleName: name,
  RoleId: `AROAEXTRA${name.toUpperCase().padEnd(12, 'X').slice(0, 12)}`,
  Arn: `arn:aws:iam::111122223333:role/${name}`,
  CreateDate: '2026-03-17T00:00:00Z',
  AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] },
  RolePolicyList: [],
  AttachedManagedPolicies: [{ ...ADMINISTRATOR_ACCESS }],
});

beforeEach(() => {
  for (const mock of [iam, ssm, sts, ec2, config]) mock.reset();
  serveExampleAccount();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

/** Whole-account reads so far: one GetAccountAuthorizationDetails call each (the account fits a page). */
const reads = () => iam.commandCalls(GetAccountAuthorizationDetailsCommand).length;
const posted = (): Evaluation[] =>
  config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);
const evaluationOf = (id: string) => {
  const found = posted().filter((e) => e.ComplianceResourceId === id);
  return found[found.length - 1];
};

/** A clock the test moves; it starts before the fixtures' capture times (2026-03-17). */
function clock(start = Date.parse('2026-03-17T09:00:00Z')) {
  let now = start;
  return { now: () => now, advance: (seconds: number) => (now += seconds * 1000) };
}

/** One handler, as one Lambda container: invocations share its cache. */
function container(
  options: { ttl?: string; now?: () => number; logger?: Logger } = {},
): (event: unknown) => Promise<unknown> {
  const handler = createConfigRuleHandler({
    env: options.ttl === undefined ? {} : { ACCOUNT_CACHE_TTL_SECONDS: options.ttl },
    configClient: () => new ConfigServiceClient({ region: REGION }),
    collectorClients: () => ({
      iam: new IAMClient({ region: REGION }),
      ssm: new SSMClient({ region: REGION }),
      sts: new STSClient({ region: REGION }),
      ec2: new EC2Client({ region: REGION }),
    }),
    now: options.now ?? clock().now,
    logger: options.logger ?? silentLogger(),
  });
  return (event) => handler(event as never, lambdaContext('ssm-ssh-audit-prod-configRule'));
}

/** A change event of a fixture, with its item's capture time replaced. */
function capturedAt(name: string, time: string): Json {
  const event = configEvent(name);
  const invoking = JSON.parse(event.invokingEvent as string) as Json;
  (invoking.configurationItem as Json).configurationItemCaptureTime = time;
  return { ...event, invokingEvent: JSON.stringify(invoking) };
}

/** How many principals batch-legacy-01's evaluation says reach it, after its agent upgrade. */
const reachOfBatchLegacy = (): number => {
  const annotation = evaluationOf(BATCH_LEGACY)?.Annotation ?? '';
  const match = /reachable by (\d+) non-exempt principal/.exec(annotation);
  if (!match) throw new Error(`no reach count in the annotation: ${annotation}`);
  return Number(match[1]);
};

// The reach of batch-legacy-01 once it can SSH, read afresh from examples/account: the baseline the
// other tests compare with.
let baselineReach: number;
beforeAll(async () => {
  serveExampleAccount();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  await container()(configEvent('inventory-change-agent-upgraded'));
  baselineReach = reachOfBatchLegacy();
  expect(baselineReach).toBeGreaterThan(1);
});

describe('change notifications in one container', () => {
  it('read the account once for two notifications in a row, and the second sees the first one’s change', async () => {
    // Given: one container; OpsAdmin loses AdministratorAccess, then batch-legacy-01's agent is upgraded
    const invoke = container();

    // When
    await invoke(configEvent('role-change-opsadmin-admin-removed'));
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: one read of the account for both
    expect(reads()).toBe(1);
    // And: OpsAdmin no longer counts among the principals that reach the instance
    expect(evaluationOf(roleId('OpsAdmin'))?.ComplianceType).toBe('COMPLIANT');
    expect(evaluationOf(BATCH_LEGACY)?.ComplianceType).toBe('NON_COMPLIANT');
    expect(reachOfBatchLegacy()).toBe(baselineReach - 1);
  });

  it('fold every item in: three notifications, one read, the third sees both earlier changes', async () => {
    // Given: one container, and a role item that gives a new role AdministratorAccess
    const invoke = container();
    const role = extraAdmin('IncidentResponder');
    const newAdmin = roleChangeEvent(role, {
      attached: [{ policyName: 'AdministratorAccess', policyArn: ADMINISTRATOR_ACCESS.PolicyArn }],
    });

    // When: OpsAdmin loses its access, IncidentResponder is created with it, then the agent is upgraded
    await invoke(configEvent('role-change-opsadmin-admin-removed'));
    await invoke(newAdmin);
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: one read, and the reach count carries both changes (one principal fewer, one more)
    expect(reads()).toBe(1);
    expect(evaluationOf(role.RoleId)?.ComplianceType).toBe('NON_COMPLIANT');
    expect(reachOfBatchLegacy()).toBe(baselineReach);
  });

  it('read the account again once the time to live has passed since it was read', async () => {
    // Given: one container with the default time to live (300 s)
    const time = clock();
    const invoke = container({ now: time.now });
    await invoke(configEvent('role-change-opsadmin-admin-removed'));

    // When: the next notification comes 299 s after the read, and another 301 s after it
    time.advance(299);
    await invoke(configEvent('inventory-change-agent-upgraded'));
    const readsWithin = reads();
    time.advance(2);
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: the second used the cache, the third read the account again (which still has OpsAdmin as
    // the mocked IAM API serves it: the count is the baseline again)
    expect(readsWithin).toBe(1);
    expect(reads()).toBe(2);
    expect(reachOfBatchLegacy()).toBe(baselineReach);
  });

  it('count the time to live from the read, not from the last item folded in', async () => {
    // Given: a notification every 100 s, in a container with a 250 s time to live
    const time = clock();
    const invoke = container({ ttl: '250', now: time.now });

    // When: four notifications, at 0, 100, 200 and 300 s
    for (let i = 0; i < 4; i++) {
      await invoke(configEvent('inventory-change-agent-upgraded'));
      time.advance(100);
    }

    // Then: read at 0 s and again at 300 s, although each notification folded an item in
    expect(reads()).toBe(2);
  });

  it('read the account every time when ACCOUNT_CACHE_TTL_SECONDS is 0', async () => {
    // Given: the cache turned off
    const invoke = container({ ttl: '0' });

    // When: two notifications in a row
    await invoke(configEvent('role-change-opsadmin-admin-removed'));
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: two reads, and the second does not see the first's change (the mocked IAM still has it)
    expect(reads()).toBe(2);
    expect(reachOfBatchLegacy()).toBe(baselineReach);
  });

  it('do not fold an item older than one already folded in for the same resource (a retry delivered late)', async () => {
    // Given: OpsAdmin loses AdministratorAccess at 10:15 (the fixture's item), and an item of OpsAdmin
    // captured earlier, at 09:30, still with it, is delivered after it (a retried invocation)
    const invoke = container();
    const older = capturedAt('role-left-scope', '2026-03-17T09:30:00.000Z');
    const olderEvent = { ...older, eventLeftScope: false };

    // When: the newer item, the older one, then the agent upgrade
    await invoke(configEvent('role-change-opsadmin-admin-removed'));
    await invoke(olderEvent);
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: the older item was evaluated as it stands (OpsAdmin with AdministratorAccess)
    const opsAdmin = posted().filter((e) => e.ComplianceResourceId === roleId('OpsAdmin'));
    expect(opsAdmin.map((e) => e.ComplianceType)).toEqual(['COMPLIANT', 'NON_COMPLIANT']);
    // And: the cached account kept the newer state: OpsAdmin does not reach the instance
    expect(reads()).toBe(1);
    expect(reachOfBatchLegacy()).toBe(baselineReach - 1);
  });
});

describe('an item captured before the account was read', () => {
  it('is evaluated, but not folded into the cached account, which already holds a newer state', async () => {
    // Given: a container that reads the account at 11:00, where OpsAdmin has AdministratorAccess, and
    // OpsAdmin's item from 10:15, without it, delivered late (a retried, throttled event)
    const time = clock(Date.parse('2026-03-17T11:00:00Z'));
    const invoke = container({ now: time.now });

    // When: the agent upgrade is read against the account, then the late item, then the upgrade again
    await invoke(configEvent('inventory-change-agent-upgraded'));
    await invoke(configEvent('role-change-opsadmin-admin-removed'));
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: the late item is evaluated as it stands (OpsAdmin COMPLIANT, at its own capture time)
    expect(evaluationOf(roleId('OpsAdmin'))?.ComplianceType).toBe('COMPLIANT');
    // And: the cached account keeps what was read after it: OpsAdmin still reaches the instance
    expect(reads()).toBe(1);
    expect(reachOfBatchLegacy()).toBe(baselineReach);
  });
});

describe('a deleted resource in a container with a cached account', () => {
  it('is answered without reading the account, and stays in the cached account (it errs towards findings)', async () => {
    // Given: a notification cached the account; then OpsAdmin, which reaches every instance, is deleted
    const invoke = container();
    await invoke(configEvent('inventory-change-agent-upgraded'));
    const deleted = configEvent('role-deleted');
    const invoking = JSON.parse(deleted.invokingEvent as string) as Json;
    Object.assign(invoking.configurationItem as Json, {
      resourceId: roleId('OpsAdmin'),
      resourceName: 'OpsAdmin',
      ARN: 'arn:aws:iam::111122223333:role/OpsAdmin',
    });
    deleted.invokingEvent = JSON.stringify(invoking);

    // When: the deletion, then another notification for batch-legacy-01
    await invoke(deleted);
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: the deletion was answered NOT_APPLICABLE without a read; one read in all
    expect(posted().filter((e) => e.ComplianceResourceId === roleId('OpsAdmin'))).toEqual([
      expect.objectContaining({ ComplianceType: 'NOT_APPLICABLE' }),
    ]);
    expect(reads()).toBe(1);
    // And: OpsAdmin still counts among the principals that reach the instance, until the next read
    expect(reachOfBatchLegacy()).toBe(baselineReach);
  });
});

describe('a periodic run (ScheduledNotification) in a container with a cached account', () => {
  it('reads the account afresh, and what it read replaces the cache for the next notification', async () => {
    // Given: a notification cached the account; then IAM gains an admin role
    const invoke = container();
    await invoke(configEvent('role-change-opsadmin-admin-removed'));
    iam.on(GetAccountAuthorizationDetailsCommand).resolves({
      ...IAM_FILE,
      RoleDetailList: [...IAM_FILE.RoleDetailList, extraAdmin('NewAdmin')],
    } as never);

    // When: the periodic run, then a notification
    await invoke(configEvent('scheduled-notification'));
    const readsByThen = reads();
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: the periodic run read the account although the cache was fresh
    expect(readsByThen).toBe(2);
    // And: the notification used what it read (NewAdmin, and OpsAdmin with AdministratorAccess again)
    expect(reads()).toBe(2);
    expect(reachOfBatchLegacy()).toBe(baselineReach + 1);
  });
});

describe('an incomplete audit', () => {
  const activationTierThrottled = () =>
    ssm.on(GetServiceSettingCommand).rejects(
      new ThrottlingException({
        Message: 'Rate exceeded',
        message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
    );

  it('leaves nothing cached: the retry of the failed notification reads the account again', async () => {
    // Given: the activation tier cannot be read (a gap)
    activationTierThrottled();
    const invoke = container();

    // When: a notification fails as incomplete, and Lambda retries it once the API answers again
    await expect(invoke(configEvent('inventory-change-agent-upgraded'))).rejects.toThrow(/incomplete/);
    ssm.on(GetServiceSettingCommand).resolves(file('activation-tier.json') as never);
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: two reads; the retry's audit is complete
    expect(reads()).toBe(2);
    expect(evaluationOf(BATCH_LEGACY)?.ComplianceType).toBe('NON_COMPLIANT');
  });

  it('of a periodic run leaves nothing cached for the notifications after it', async () => {
    // Given: a notification cached the account; the periodic run then meets a gap
    const invoke = container();
    await invoke(configEvent('role-change-opsadmin-admin-removed'));
    activationTierThrottled();
    await expect(invoke(configEvent('scheduled-notification'))).rejects.toThrow(/incomplete/);
    ssm.on(GetServiceSettingCommand).resolves(file('activation-tier.json') as never);

    // When
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: the notification read the account again: three reads in all
    expect(reads()).toBe(3);
  });

  it('of a cached account with an item applied drops the cache, so that the retry reads the account again', async () => {
    // Given: a cached account, and a role item attaching a managed policy the account read does not
    // have (created after the read): the audit cannot know what it grants
    const invoke = container();
    await invoke(configEvent('inventory-change-agent-upgraded'));
    const event = configEvent('role-change-opsadmin-admin-removed');
    const invoking = JSON.parse(event.invokingEvent as string) as Json;
    const item = invoking.configurationItem as Json;
    item.configuration = {
      ...(item.configuration as Json),
      attachedManagedPolicies: [
        { policyName: 'CreatedJustNow', policyArn: 'arn:aws:iam::111122223333:policy/CreatedJustNow' },
      ],
    };
    event.invokingEvent = JSON.stringify(invoking);

    // When: it fails as incomplete, and then another notification comes
    await expect(invoke(event)).rejects.toThrow(/incomplete/);
    await invoke(configEvent('inventory-change-agent-upgraded'));

    // Then: the account was read again for it
    expect(reads()).toBe(2);
  });
});

describe('the log', () => {
  it('says whether a run read the account or used the cached one, and how old it was', async () => {
    // Given: a container whose logger writes
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const time = clock();
    try {
      const invoke = container({
        now: time.now,
        logger: new Logger({ serviceName: 'ssm-ssh-audit', logLevel: 'INFO' }),
      });

      // When: two notifications, 42 s apart
      await invoke(configEvent('role-change-opsadmin-admin-removed'));
      time.advance(42);
      await invoke(configEvent('inventory-change-agent-upgraded'));
    } finally {
      write.mockRestore();
    }

    // Then
    const finished = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as Json)
      .filter((r) => r.message === 'config rule run finished');
    expect(finished.map((r) => r.accountCache)).toEqual([
      { account: 'read', cache: 'stored' },
      { account: 'cached', ageSeconds: 42, cache: 'stored' },
    ]);
  });
});
