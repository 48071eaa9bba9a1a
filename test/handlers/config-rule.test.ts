import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  GetResourceConfigHistoryCommand,
  PutEvaluationsCommand,
  type Evaluation,
  type PutEvaluationsCommandInput,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { createConfigRuleHandler } from '../../src/handlers/config-rule';
import { applyConfigurationItem } from '../../src/lambda/configuration-item';
import { audit } from '../../src/rules/audit';
import { evaluationsFromReport } from '../../src/sinks/config-evaluations';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import {
  configEvent,
  copyOfExampleAccount,
  EVENTS,
  EXAMPLE_ACCOUNT,
  EXAMPLE_ACCOUNT_ID as ACCOUNT_ID,
  exampleAccountWithGeneratedAdmins,
  lambdaContext,
  readJson,
  roleChangeEvent,
  silentLogger,
  type Json,
} from './support';

/**
 * The AWS Config custom rule, end to end through the deployed entry point: the middy + Powertools
 * handler from createConfigRuleHandler, a Lambda-like context, real AWS Config event shapes
 * (test/fixtures/config-events/*.json, invokingEvent and ruleParameters as JSON strings), the account
 * read from a snapshot directory (AUDIT_SNAPSHOT_DIR) and ConfigServiceClient mocked at `send`.
 */

const SUFFIX = '(unaudited session)';

const invokingEventOf = (event: Json): Json => JSON.parse(event.invokingEvent as string) as Json;

interface IamFile {
  UserDetailList: { UserName: string; UserId: string; Arn: string; GroupList?: string[] }[];
  GroupDetailList: { GroupName: string; GroupId: string }[];
  RoleDetailList: (Json & { RoleName: string; RoleId: string; Arn: string })[];
  Policies: { PolicyName: string; PolicyId: string; Arn: string }[];
}
const IAM = readJson<IamFile>(join(EXAMPLE_ACCOUNT, 'iam.json'));
const INSTANCE_IDS = readJson<{ InstanceInformationList: { InstanceId: string }[] }>(
  join(EXAMPLE_ACCOUNT, 'instances.json'),
).InstanceInformationList.map((i) => i.InstanceId);
const userId = (name: string) => IAM.UserDetailList.find((u) => u.UserName === name)!.UserId;
const roleId = (name: string) => IAM.RoleDetailList.find((r) => r.RoleName === name)!.RoleId;

function handlerFor(snapshotDir: string, logger: Logger = silentLogger()) {
  const handler = createConfigRuleHandler({
    env: { AUDIT_SNAPSHOT_DIR: snapshotDir },
    configClient: () => new ConfigServiceClient({ region: 'us-east-1' }),
    logger,
  });
  return (event: unknown) => handler(event as never, lambdaContext('ssm-ssh-audit-prod-configRule'));
}

// ---------------------------------------------------------------------------------------------------
// Snapshot directories derived from the example account

let work: string;
let bigAccount: { dir: string; roleIds: string[] };
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-config-rule-'));
  bigAccount = exampleAccountWithGeneratedAdmins(250, { dir: join(work, 'big-account') });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------
// The mocked Config API

const config = mockClient(ConfigServiceClient);
beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

const putInputs = (): PutEvaluationsCommandInput[] =>
  config.commandCalls(PutEvaluationsCommand).map((c) => c.args[0].input);
const posted = (): Evaluation[] => putInputs().flatMap((i) => i.Evaluations ?? []);
const byId = (evaluations: Evaluation[]) =>
  new Map(evaluations.map((e) => [e.ComplianceResourceId as string, e]));

// ---------------------------------------------------------------------------------------------------

describe('a ScheduledNotification (periodic run) on the example account', () => {
  const event = configEvent('scheduled-notification');
  const notificationCreationTime = invokingEventOf(event).notificationCreationTime as string;

  it('posts one evaluation per user, role and instance plus one AWS::::Account evaluation (16 + 7 + 1 = 24)', async () => {
    // Given: the 16 principals and 7 instances of examples/account
    // When: Config invokes the rule on its schedule
    const result = await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: 24 evaluations in one PutEvaluations call
    const evaluations = posted();
    expect(evaluations).toHaveLength(16 + 7 + 1);
    expect(config).toHaveReceivedCommandTimes(PutEvaluationsCommand, 1);
    const count = (type: string) => evaluations.filter((e) => e.ComplianceResourceType === type).length;
    expect(count('AWS::IAM::User')).toBe(7);
    expect(count('AWS::IAM::Role')).toBe(9);
    expect(count('AWS::SSM::ManagedInstanceInventory')).toBe(7);
    expect(count('AWS::::Account')).toBe(1);
    expect(result).toEqual({
      messageType: 'ScheduledNotification',
      evaluations: 24,
      putCalls: 1,
      notApplicable: 0,
      complete: true,
    });
  });

  it('keys users and roles by their unique ids (AIDA…/AROA… from iam.json), instances by instance id, the account by account id', async () => {
    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: exactly the ids Config itself uses as resourceId
    const ids = (type: string) =>
      posted()
        .filter((e) => e.ComplianceResourceType === type)
        .map((e) => e.ComplianceResourceId)
        .sort();
    expect(ids('AWS::IAM::User')).toEqual(IAM.UserDetailList.map((u) => u.UserId).sort());
    expect(ids('AWS::IAM::Role')).toEqual(IAM.RoleDetailList.map((r) => r.RoleId).sort());
    expect(ids('AWS::SSM::ManagedInstanceInventory')).toEqual([...INSTANCE_IDS].sort());
    expect(ids('AWS::::Account')).toEqual([ACCOUNT_ID]);
    for (const e of posted().filter((x) => x.ComplianceResourceType?.startsWith('AWS::IAM::'))) {
      expect(e.ComplianceResourceId).toMatch(/^(AIDA|AROA)[A-Z0-9]{17}$/);
    }
  });

  it('reaches the verdicts of examples/README.md under the default policy (nobody may use SSH)', async () => {
    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then
    const verdicts = byId(posted());
    const verdict = (id: string) => verdicts.get(id)?.ComplianceType;
    expect(verdict(roleId('OpsAdmin'))).toBe('NON_COMPLIANT');
    expect(verdict(roleId('BreakGlassAdmin'))).toBe('NON_COMPLIANT'); // no exemption in the default policy
    expect(verdict(userId('erin.walsh'))).toBe('NON_COMPLIANT'); // conditional counts
    expect(verdict(userId('grace.kim'))).toBe('NON_COMPLIANT'); // port forwarding only
    expect(verdict(userId('carol.jones'))).toBe('COMPLIANT');
    expect(verdict(userId('henry.patel'))).toBe('COMPLIANT');
    expect(verdict('i-0a1b2c3d4e5f60718')).toBe('NON_COMPLIANT');
    expect(verdict('i-0b2c3d4e5f6071829')).toBe('COMPLIANT'); // agent too old for SSH
    expect(verdict('mi-0a1b2c3d4e5f67890')).toBe('COMPLIANT'); // standard tier
    // And: the account carries the account-level finding (session logging cannot see Port sessions)
    expect(verdict(ACCOUNT_ID)).toBe('NON_COMPLIANT');
    expect(posted().every((e) => ['COMPLIANT', 'NON_COMPLIANT'].includes(e.ComplianceType!))).toBe(true);
  });

  it('writes every Annotation in 1–256 characters, ending with "(unaudited session)"', async () => {
    // When
    await handlerFor(bigAccount.dir)(event);

    // Then
    const annotations = posted().map((e) => e.Annotation ?? '');
    expect(annotations.length).toBeGreaterThan(100);
    for (const a of annotations) {
      expect(a.length).toBeGreaterThanOrEqual(1);
      expect(a.length).toBeLessThanOrEqual(256);
      expect(a.endsWith(SUFFIX)).toBe(true);
    }
    // And: a non-compliant principal's annotation names the deciding policy
    expect(byId(posted()).get(roleId('OpsAdmin'))?.Annotation).toContain('AdministratorAccess');
  });

  it('stamps every evaluation with OrderingTimestamp = notificationCreationTime', async () => {
    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then
    const stamps = new Set(posted().map((e) => (e.OrderingTimestamp as Date).toISOString()));
    expect([...stamps]).toEqual([new Date(notificationCreationTime).toISOString()]);
  });

  it('passes the resultToken, and sets TestMode only when the resultToken is "TESTMODE"', async () => {
    // Given: a normal run and a test-mode run
    await handlerFor(EXAMPLE_ACCOUNT)(event);
    const normal = putInputs();
    config.resetHistory();
    await handlerFor(EXAMPLE_ACCOUNT)(configEvent('scheduled-notification-testmode'));
    const testMode = putInputs();

    // Then
    expect(normal.every((i) => i.ResultToken === event.resultToken && i.TestMode === undefined)).toBe(true);
    expect(testMode.length).toBeGreaterThan(0);
    expect(testMode.every((i) => i.ResultToken === 'TESTMODE' && i.TestMode === true)).toBe(true);
  });

  it("reads the compliance policy from Config's ruleParameters string map (BreakGlass* exempt → COMPLIANT)", async () => {
    // Given: ruleParameters '{"exemptPrincipals":"arn:aws:iam::…:role/BreakGlass*","conditionalIsViolation":"true",…}'
    const testModeEvent = configEvent('scheduled-notification-testmode');
    expect(typeof testModeEvent.ruleParameters).toBe('string');

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(testModeEvent);

    // Then
    const verdicts = byId(posted());
    expect(verdicts.get(roleId('BreakGlassAdmin'))?.ComplianceType).toBe('COMPLIANT');
    expect(verdicts.get(roleId('BreakGlassAdmin'))?.Annotation).toMatch(/^exempt by compliance policy/);
    expect(verdicts.get(roleId('OpsAdmin'))?.ComplianceType).toBe('NON_COMPLIANT');
  });

  it('reads the whole compliance policy as JSON text under ruleParameters.compliancePolicy, as serverless.yml deploys it', async () => {
    // Given: the parameters serverless.yml writes: one key whose value is the policy as JSON text
    const event = {
      ...configEvent('scheduled-notification'),
      ruleParameters: JSON.stringify({
        compliancePolicy: JSON.stringify({ exemptPrincipals: ['arn:aws:iam::*:role/BreakGlass*'] }),
      }),
    };

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: the exemption applies, and everything else keeps the default policy
    const verdicts = byId(posted());
    expect(verdicts.get(roleId('BreakGlassAdmin'))?.ComplianceType).toBe('COMPLIANT');
    expect(verdicts.get(roleId('OpsAdmin'))?.ComplianceType).toBe('NON_COMPLIANT');
  });

  it('logs through Powertools as JSON with the Lambda context injected', async () => {
    // Given: a logger that writes (the other tests use a silent one)
    const lines: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      // When
      await handlerFor(
        EXAMPLE_ACCOUNT,
        new Logger({ serviceName: 'ssm-ssh-audit', logLevel: 'INFO' }),
      )(event);
    } finally {
      write.mockRestore();
    }

    // Then: one JSON line says the run finished, with the request id and function name
    const records = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as Json);
    const finished = records.find((r) => r.message === 'config rule run finished');
    expect(finished).toMatchObject({
      level: 'INFO',
      service: 'ssm-ssh-audit',
      function_name: 'ssm-ssh-audit-prod-configRule',
      function_request_id: '3f1e4b9a-6c2d-4e8f-9a7b-1c2d3e4f5a6b',
      evaluations: 24,
      complete: true,
    });
  });
});

describe('PutEvaluations batching', () => {
  it('posts a 274-resource account in calls of at most 100 evaluations, each evaluation exactly once', async () => {
    // Given: the example account plus 250 generated roles (16 + 250 principals, 7 instances, 1 account)
    const event = configEvent('scheduled-notification');

    // When
    const result = await handlerFor(bigAccount.dir)(event);

    // Then: 100 + 100 + 74
    expect(putInputs().map((i) => i.Evaluations?.length)).toEqual([100, 100, 74]);
    const keys = posted().map((e) => `${e.ComplianceResourceType} ${e.ComplianceResourceId}`);
    expect(new Set(keys).size).toBe(274);
    for (const id of bigAccount.roleIds) expect(keys).toContain(`AWS::IAM::Role ${id}`);
    expect(result).toMatchObject({ evaluations: 274, putCalls: 3 });
  });
});

describe('FailedEvaluations in the PutEvaluations response', () => {
  const event = configEvent('scheduled-notification');
  const opsAdmin = { ComplianceResourceType: 'AWS::IAM::Role', ComplianceResourceId: roleId('OpsAdmin') };

  it('re-sends only the failed evaluation, then succeeds: 2 calls', async () => {
    // Given: Config fails OpsAdmin's evaluation once
    config
      .on(PutEvaluationsCommand)
      .resolvesOnce({
        FailedEvaluations: [{ ...opsAdmin, ComplianceType: 'NON_COMPLIANT', OrderingTimestamp: new Date() }],
      })
      .resolves({ FailedEvaluations: [] });

    // When
    const result = await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: the second call carries exactly that evaluation, with the same content and token
    const [first, second] = putInputs();
    expect(putInputs()).toHaveLength(2);
    expect(first!.Evaluations).toHaveLength(24);
    expect(second!.Evaluations).toHaveLength(1);
    expect(second!.Evaluations![0]).toEqual(
      first!.Evaluations!.find((e) => e.ComplianceResourceId === opsAdmin.ComplianceResourceId),
    );
    expect(second!.ResultToken).toBe(event.resultToken);
    expect(result).toMatchObject({ putCalls: 2, complete: true });
  });

  it('fails the invocation with an error naming the resource when the evaluation keeps failing', async () => {
    // Given: Config fails OpsAdmin's evaluation every time
    config.on(PutEvaluationsCommand).resolves({
      FailedEvaluations: [{ ...opsAdmin, ComplianceType: 'NON_COMPLIANT', OrderingTimestamp: new Date() }],
    });

    // When / Then
    await expect(handlerFor(EXAMPLE_ACCOUNT)(event)).rejects.toThrow(
      new RegExp(`PutEvaluations kept failing .*AWS::IAM::Role/${opsAdmin.ComplianceResourceId}`),
    );
    // And: it was tried a bounded number of times, the retries carrying only the failed evaluation
    const inputs = putInputs();
    expect(inputs).toHaveLength(3);
    expect(inputs.slice(1).map((i) => i.Evaluations?.map((e) => e.ComplianceResourceId))).toEqual([
      [opsAdmin.ComplianceResourceId],
      [opsAdmin.ComplianceResourceId],
    ]);
  });
  it.each<[string, Json]>([
    ['without its resource type', { ComplianceResourceId: roleId('OpsAdmin') }],
    [
      'for a resource that was not sent',
      { ComplianceResourceType: 'AWS::IAM::Role', ComplianceResourceId: 'AROAUNSENT000000000' },
    ],
  ])(
    'fails the invocation when a failed evaluation is reported %s, instead of taking it for a success',
    async (_case, failure) => {
      // Given: Config reports one failure that names no evaluation of the request
      config.on(PutEvaluationsCommand).resolves({
        FailedEvaluations: [
          { ...failure, ComplianceType: 'NON_COMPLIANT', OrderingTimestamp: new Date() } as Evaluation,
        ],
      });

      // When / Then: the failure is surfaced, with the response as its cause
      const error = await handlerFor(EXAMPLE_ACCOUNT)(event).catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'PutEvaluationsError',
        message: expect.stringMatching(/1 failed evaluation\(s\) that were not in the request/),
        cause: [expect.objectContaining(failure)],
      });
    },
  );
});

describe('stale results of earlier periodic runs', () => {
  it('pages GetComplianceDetailsByConfigRule and answers NOT_APPLICABLE for resources that no longer exist', async () => {
    // Given: the rule has results for an existing role, a deleted role (page 1) and a deleted user (page 2)
    const event = configEvent('scheduled-notification');
    const goneRole = 'AROAZZZZZZZZZZZZZZZZ9';
    const goneUser = 'AIDAZZZZZZZZZZZZZZZZ8';
    const result = (
      resourceType: string,
      resourceId: string,
      complianceType: 'COMPLIANT' | 'NON_COMPLIANT',
    ) => ({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: event.configRuleName as string,
          ResourceType: resourceType,
          ResourceId: resourceId,
          EvaluationMode: 'DETECTIVE' as const,
        },
        OrderingTimestamp: new Date('2026-03-16T05:00:11.000Z'),
      },
      ComplianceType: complianceType,
      ResultRecordedTime: new Date('2026-03-16T05:00:40.000Z'),
      ConfigRuleInvokedTime: new Date('2026-03-16T05:00:12.000Z'),
    });
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [
          result('AWS::IAM::Role', roleId('OpsAdmin'), 'NON_COMPLIANT'),
          result('AWS::IAM::Role', goneRole, 'NON_COMPLIANT'),
        ],
        NextToken: 'page-2-token',
      })
      .resolvesOnce({ EvaluationResults: [result('AWS::IAM::User', goneUser, 'COMPLIANT')] });

    // When
    const outcome = await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: both pages were read, for this rule
    const pages = config.commandCalls(GetComplianceDetailsByConfigRuleCommand).map((c) => c.args[0].input);
    expect(pages).toHaveLength(2);
    expect(pages[0]).toMatchObject({ ConfigRuleName: event.configRuleName, NextToken: undefined });
    expect(pages[1]).toMatchObject({ ConfigRuleName: event.configRuleName, NextToken: 'page-2-token' });
    // And: the gone role and user are NOT_APPLICABLE; the existing role is evaluated once, normally
    const evaluations = posted();
    expect(evaluations).toHaveLength(24 + 2);
    const verdicts = byId(evaluations);
    expect(verdicts.get(goneRole)).toMatchObject({
      ComplianceResourceType: 'AWS::IAM::Role',
      ComplianceType: 'NOT_APPLICABLE',
    });
    expect(verdicts.get(goneUser)).toMatchObject({
      ComplianceResourceType: 'AWS::IAM::User',
      ComplianceType: 'NOT_APPLICABLE',
    });
    expect(verdicts.get(goneRole)?.Annotation).toMatch(/\(unaudited session\)$/);
    expect(evaluations.filter((e) => e.ComplianceResourceId === roleId('OpsAdmin'))).toHaveLength(1);
    expect(outcome).toMatchObject({ notApplicable: 2 });
  });
});

describe('change notifications', () => {
  it('a role change evaluates just that role, by its AROA id, from the configuration item (AdministratorAccess removed → COMPLIANT)', async () => {
    // Given: OpsAdmin's item: AdministratorAccess replaced by ReadOnlyAccess, plus a URL-encoded inline policy
    const event = configEvent('role-change-opsadmin-admin-removed');
    const item = invokingEventOf(event).configurationItem as Json;
    expect((item.configuration as Json).rolePolicyList).toEqual([
      expect.objectContaining({ policyDocument: expect.stringMatching(/^%7B%22Version%22/) }),
    ]);

    // When
    const result = await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: one evaluation, for OpsAdmin only, stamped with the item's capture time
    expect(posted()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::IAM::Role',
        ComplianceResourceId: roleId('OpsAdmin'),
        ComplianceType: 'COMPLIANT',
        OrderingTimestamp: new Date(item.configurationItemCaptureTime as string),
      }),
    ]);
    expect(putInputs()[0]!.ResultToken).toBe(event.resultToken);
    // And: a change notification does not look for stale results
    expect(config).not.toHaveReceivedCommand(GetComplianceDetailsByConfigRuleCommand);
    expect(result).toMatchObject({ messageType: 'ConfigurationItemChangeNotification', evaluations: 1 });
  });

  it('a role change that gives the role instances nobody else may reach posts those instances NON_COMPLIANT too', async () => {
    // Given: in the tag-conditions account, i-c5a0bd0d9da8b07c0 is SSH-capable and reached by nobody
    // (COMPLIANT), and DevSessionRole reaches only the instances tagged Environment=dev
    const dir = join(__dirname, '..', 'fixtures', 'snapshots', 'tag-conditions');
    const role = readJson<IamFile>(join(dir, 'iam.json')).RoleDetailList.find(
      (r) => r.RoleName === 'DevSessionRole',
    )!;
    // And: its item after the tag condition was dropped: SSH to every instance in the account
    const document = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: [
            'arn:aws:ec2:us-east-1:111122223333:instance/*',
            'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
          ],
        },
      ],
    };
    const event = roleChangeEvent(role, { inline: [{ policyName: 'DevInstancesSSH', document }] });
    const item = invokingEventOf(event).configurationItem as Json;

    // When
    await handlerFor(dir)(event);

    // Then: the role, and the instance that only it reaches now, are posted NON_COMPLIANT
    const evaluations = byId(posted());
    expect(evaluations.get(role.RoleId)).toMatchObject({ ComplianceType: 'NON_COMPLIANT' });
    expect(evaluations.get('i-c5a0bd0d9da8b07c0')).toMatchObject({
      ComplianceResourceType: 'AWS::SSM::ManagedInstanceInventory',
      ComplianceType: 'NON_COMPLIANT',
      OrderingTimestamp: new Date(item.configurationItemCaptureTime as string),
    });
    // And: so is the dev instance whose verdict also rests on the role alone; not the prod instance
    // ProdTunnelRole reaches as well, nor the one that cannot SSH
    expect([...evaluations.keys()].sort()).toEqual(
      [role.RoleId, 'i-a4354024a0b73a785', 'i-c5a0bd0d9da8b07c0'].sort(),
    );
  });

  it('a group change re-evaluates its members (Developers loses DevEnvironmentSessionAccess → bob.martin COMPLIANT)', async () => {
    // Given
    const event = configEvent('group-change-developers');
    const group = IAM.GroupDetailList.find((g) => g.GroupName === 'Developers')!;
    const members = IAM.UserDetailList.filter((u) => u.GroupList?.includes('Developers')).map(
      (u) => u.UserId,
    );
    expect(members).toHaveLength(2);

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: each member, as AWS::IAM::User by AIDA id; the group itself is NOT_APPLICABLE
    const evaluations = posted();
    const users = evaluations.filter((e) => e.ComplianceResourceType === 'AWS::IAM::User');
    expect(users.map((e) => e.ComplianceResourceId).sort()).toEqual([...members].sort());
    expect(byId(users).get(userId('bob.martin'))?.ComplianceType).toBe('COMPLIANT');
    expect(byId(users).get(userId('carol.jones'))?.ComplianceType).toBe('COMPLIANT');
    expect(evaluations).toContainEqual(
      expect.objectContaining({
        ComplianceResourceType: 'AWS::IAM::Group',
        ComplianceResourceId: group.GroupId,
        ComplianceType: 'NOT_APPLICABLE',
      }),
    );
    expect(evaluations).toHaveLength(members.length + 1);
  });

  it('a group change re-evaluates the members that name it in another case (GroupList "developers")', async () => {
    // Given: the example account, with bob.martin's GroupList entry written in lower case
    const dir = copyOfExampleAccount(join(work, 'group-case'));
    const iam = readJson<IamFile>(join(dir, 'iam.json'));
    const bob = iam.UserDetailList.find((u) => u.UserName === 'bob.martin')!;
    bob.GroupList = (bob.GroupList ?? []).map((g) => (g === 'Developers' ? 'developers' : g));
    writeFileSync(join(dir, 'iam.json'), JSON.stringify(iam));

    // When: the Developers group changes
    await handlerFor(dir)(configEvent('group-change-developers'));

    // Then: bob.martin is a member all the same, and is evaluated
    const users = posted().filter((e) => e.ComplianceResourceType === 'AWS::IAM::User');
    expect(users.map((e) => e.ComplianceResourceId)).toContain(userId('bob.martin'));
  });

  it('a managed policy change re-evaluates its attachers, using only the new default version', async () => {
    // Given: DevEnvironmentSessionAccess v4 (default) drops ssm:StartSession; v3 is kept, non-default
    const event = configEvent('policy-change-devenvironmentsessionaccess');
    const policy = IAM.Policies.find((p) => p.PolicyName === 'DevEnvironmentSessionAccess')!;

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: the Developers members (attached through the group) are re-evaluated; bob.martin is COMPLIANT now
    const evaluations = posted();
    const principals = evaluations.filter((e) => e.ComplianceResourceType === 'AWS::IAM::User');
    expect(principals.map((e) => e.ComplianceResourceId).sort()).toEqual(
      [userId('bob.martin'), userId('carol.jones')].sort(),
    );
    expect(byId(principals).get(userId('bob.martin'))?.ComplianceType).toBe('COMPLIANT');
    // And: the policy itself (by its ANPA id) is NOT_APPLICABLE, judged through its attachers
    expect(byId(evaluations).get(policy.PolicyId)).toMatchObject({
      ComplianceResourceType: 'AWS::IAM::Policy',
      ComplianceType: 'NOT_APPLICABLE',
    });
    expect(policy.PolicyId).toMatch(/^ANPA/);
  });

  it('a permissions boundary change re-evaluates the principals it bounds (DeveloperBoundary v3 allows ssm:StartSession)', async () => {
    // Given: DeveloperBoundary, the boundary of carol.jones and AppDeployRole and attached to nobody,
    // gets a default version v3 that adds ssm:StartSession to what it lets through
    const event = configEvent('policy-change-developerboundary');

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: exactly the two principals it bounds are evaluated, and both are NON_COMPLIANT now: carol
    // through the Developers group's StartSession grant, AppDeployRole through its inline DebugOverSSH
    const principals = posted().filter((e) => e.ComplianceResourceType !== 'AWS::IAM::Policy');
    expect(principals.map((e) => e.ComplianceResourceId).sort()).toEqual(
      [userId('carol.jones'), roleId('AppDeployRole')].sort(),
    );
    expect(principals.map((e) => e.ComplianceType)).toEqual(['NON_COMPLIANT', 'NON_COMPLIANT']);
  });

  it('an SSM inventory change evaluates that instance (agent upgraded past 2.3.672.0 → SSH-capable → NON_COMPLIANT)', async () => {
    // Given: batch-legacy-01 (COMPLIANT in the snapshot: agent 2.3.612.0) reports agent 3.3.1957.0
    const event = configEvent('inventory-change-agent-upgraded');

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then
    expect(posted()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::SSM::ManagedInstanceInventory',
        ComplianceResourceId: 'i-0b2c3d4e5f6071829',
        ComplianceType: 'NON_COMPLIANT',
      }),
    ]);
    expect(posted()[0]!.Annotation).toMatch(/^SSH-capable \(agent 3\.3\.1957\.0\).*\(unaudited session\)$/);
  });

  it('a ResourceDeleted item is answered NOT_APPLICABLE, keyed by the deleted role’s AROA id', async () => {
    // Given
    const event = configEvent('role-deleted');
    const item = invokingEventOf(event).configurationItem as Json;

    // When
    const result = await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then
    expect(posted()).toEqual([
      {
        ComplianceResourceType: 'AWS::IAM::Role',
        ComplianceResourceId: roleId('DatabaseTunnelRole'),
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: expect.stringMatching(/ResourceDeleted.*\(unaudited session\)$/),
        OrderingTimestamp: new Date(item.configurationItemCaptureTime as string),
      },
    ]);
    expect(result).toMatchObject({ evaluations: 1, notApplicable: 1 });
  });

  it('an item that left the rule scope (eventLeftScope: true) is answered NOT_APPLICABLE', async () => {
    // Given: OpsAdmin, status OK, still with AdministratorAccess, but out of scope
    const event = configEvent('role-left-scope');
    expect(event.eventLeftScope).toBe(true);

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then
    expect(posted()).toEqual([
      expect.objectContaining({
        ComplianceResourceId: roleId('OpsAdmin'),
        ComplianceType: 'NOT_APPLICABLE',
        Annotation: expect.stringMatching(/left the rule scope/),
      }),
    ]);
  });

  it('an OversizedConfigurationItemChangeNotification fetches the item with GetResourceConfigHistory and evaluates it', async () => {
    // Given: only a summary in the event; the item (configuration as a JSON string) from the history API
    const event = configEvent('oversized-role-change-opsadmin');
    const summary = invokingEventOf(event).configurationItemSummary as Json;
    const wire = readJson<{ configurationItems: Json[] }>(join(EVENTS, 'oversized-role-history-item.json'));
    const item = wire.configurationItems[0]!;
    expect(typeof item.configuration).toBe('string');
    config.on(GetResourceConfigHistoryCommand).resolves({
      configurationItems: [
        {
          ...item,
          configurationItemCaptureTime: new Date((item.configurationItemCaptureTime as number) * 1000),
          resourceCreationTime: new Date((item.resourceCreationTime as number) * 1000),
        } as never,
      ],
    });

    // When
    await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: the latest item of that resource was asked for
    expect(config).toHaveReceivedCommandWith(GetResourceConfigHistoryCommand, {
      resourceType: 'AWS::IAM::Role',
      resourceId: roleId('OpsAdmin'),
      laterTime: new Date(summary.configurationItemCaptureTime as string),
      limit: 1,
    });
    // And: OpsAdmin (still AdministratorAccess in the fetched item) is NON_COMPLIANT, stamped with its capture time
    expect(posted()).toEqual([
      expect.objectContaining({
        ComplianceResourceType: 'AWS::IAM::Role',
        ComplianceResourceId: roleId('OpsAdmin'),
        ComplianceType: 'NON_COMPLIANT',
        OrderingTimestamp: new Date(summary.configurationItemCaptureTime as string),
      }),
    ]);
  });
});

describe('a malformed event', () => {
  const scheduled = configEvent('scheduled-notification');
  const withInvoking = (changes: Json) =>
    ({ ...scheduled, invokingEvent: JSON.stringify({ ...invokingEventOf(scheduled), ...changes }) }) as Json;
  const withoutResultToken: Json = { ...scheduled };
  delete withoutResultToken.resultToken;

  it.each<[string, Json, RegExp]>([
    ['missing resultToken', withoutResultToken, /event\.resultToken/],
    [
      'invokingEvent that is not JSON',
      { ...scheduled, invokingEvent: '{messageType:ScheduledNotification' },
      /event\.invokingEvent: not valid JSON/,
    ],
    [
      'unknown messageType',
      withInvoking({ messageType: 'ConfigurationSnapshotDeliveryCompleted' }),
      /event\.invokingEvent\.messageType/,
    ],
    [
      'ruleParameters that are not JSON',
      { ...scheduled, ruleParameters: 'exemptPrincipals=role/BreakGlass*' },
      /event\.ruleParameters/,
    ],
    [
      'ruleParameters with an unknown policy field',
      { ...scheduled, ruleParameters: '{"exemptRoles":"x"}' },
      /ruleParameters.*exemptRoles/,
    ],
  ])('with %s rejects with an error naming the field and posts nothing', async (_case, event, field) => {
    // When / Then
    await expect(handlerFor(EXAMPLE_ACCOUNT)(event)).rejects.toThrow(field);
    expect(config.calls()).toHaveLength(0);
  });
});

describe('an incomplete audit', () => {
  const event = configEvent('scheduled-notification');

  it.each<[string, () => string]>([
    [
      'activation-tier.json is missing',
      () => {
        const dir = copyOfExampleAccount(join(work, `no-activation-tier-${Date.now()}`));
        unlinkSync(join(dir, 'activation-tier.json'));
        return dir;
      },
    ],
    [
      'a URL-encoded inline policy is corrupt (truncated)',
      () => {
        const dir = copyOfExampleAccount(join(work, `corrupt-policy-${Date.now()}`));
        const iam = readJson<IamFile & { UserDetailList: Json[] }>(join(dir, 'iam.json'));
        const erin = iam.UserDetailList.find((u) => u.UserName === 'erin.walsh') as unknown as {
          UserPolicyList: { PolicyDocument: string }[];
        };
        const document = erin.UserPolicyList[0]!;
        expect(typeof document.PolicyDocument).toBe('string');
        document.PolicyDocument = document.PolicyDocument.slice(0, 40);
        writeFileSync(join(dir, 'iam.json'), JSON.stringify(iam));
        return dir;
      },
    ],
  ])(
    'when %s posts only NON_COMPLIANT evaluations, retires nothing, and fails the invocation',
    async (_case, makeDir) => {
      // Given
      const dir = makeDir();
      config.on(GetComplianceDetailsByConfigRuleCommand).resolves({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: {
                ResourceType: 'AWS::IAM::Role',
                ResourceId: 'AROAZZZZZZZZZZZZZZZZ9',
              },
            },
            ComplianceType: 'NON_COMPLIANT',
          },
        ],
      });

      // When / Then: the invocation fails, naming the incompleteness
      await expect(handlerFor(dir)(event)).rejects.toThrow(/incomplete/);
      // And: what was posted is NON_COMPLIANT only (nothing COMPLIANT on unread data, nothing retired)
      const evaluations = posted();
      expect(evaluations.length).toBeGreaterThan(0);
      expect(new Set(evaluations.map((e) => e.ComplianceType))).toEqual(new Set(['NON_COMPLIANT']));
      expect(byId(evaluations).get(ACCOUNT_ID)?.ComplianceType).toBe('NON_COMPLIANT');
      expect(config).not.toHaveReceivedCommand(GetComplianceDetailsByConfigRuleCommand);
    },
  );
});

describe('a configuration item without the list of policies or groups Config always writes', () => {
  /** A change event whose configuration item is edited by `edit`. */
  const edited = (name: string, edit: (configuration: Json) => void): Json => {
    const event = configEvent(name);
    const invoking = invokingEventOf(event);
    edit((invoking.configurationItem as Json).configuration as Json);
    return { ...event, invokingEvent: JSON.stringify(invoking) };
  };
  const ADMIN = {
    policyName: 'AdministratorAccess',
    policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
  };

  it.each<[string, Json, RegExp]>([
    [
      'a role without attachedManagedPolicies (read as none: COMPLIANT)',
      edited('role-change-opsadmin-admin-removed', (c) => delete c.attachedManagedPolicies),
      /AWS::IAM::Role configuration item: configuration\.attachedManagedPolicies is missing/,
    ],
    [
      'a role without rolePolicyList',
      edited('role-change-opsadmin-admin-removed', (c) => {
        c.attachedManagedPolicies = [ADMIN];
        delete c.rolePolicyList;
      }),
      /configuration\.rolePolicyList is missing/,
    ],
    [
      'a role whose attachedManagedPolicies is not a list',
      edited('role-change-opsadmin-admin-removed', (c) => {
        c.attachedManagedPolicies = JSON.stringify([ADMIN]);
      }),
      /configuration\.attachedManagedPolicies is missing or not a list/,
    ],
    [
      'a role whose attachedManagedPolicies holds a bare ARN',
      edited('role-change-opsadmin-admin-removed', (c) => {
        c.attachedManagedPolicies = [ADMIN.policyArn];
      }),
      /configuration\.attachedManagedPolicies has an entry that is not an object/,
    ],
    [
      'a group without attachedManagedPolicies',
      edited('group-change-developers', (c) => delete c.attachedManagedPolicies),
      /AWS::IAM::Group configuration item: configuration\.attachedManagedPolicies is missing/,
    ],
  ])('fails the invocation naming the field, and posts nothing, for %s', async (_case, event, message) => {
    // When / Then: not read as "no policies", which would post COMPLIANT
    await expect(handlerFor(EXAMPLE_ACCOUNT)(event)).rejects.toThrow(message);
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

/** The agent-upgrade inventory change, moved to `instanceId` and given `resourceType`. */
function inventoryChange(instanceId: string, resourceType: string): Json {
  const event = configEvent('inventory-change-agent-upgraded');
  const invoking = invokingEventOf(event);
  const item = invoking.configurationItem as Json;
  const information = (item.configuration as Json)['AWS:InstanceInformation'] as Json;
  const [content] = Object.values(information.Content as Json) as Json[];
  information.Content = {
    [instanceId]: { ...content, InstanceId: instanceId, ResourceType: resourceType },
  };
  item.resourceId = instanceId;
  return { ...event, invokingEvent: JSON.stringify(invoking) };
}

describe('an inventory change, audited for its instance alone', () => {
  it.each(INSTANCE_IDS)(
    'posts for %s the evaluation the audit of the whole account gives it',
    async (instanceId) => {
      // Given: the agent-upgrade inventory change, for this instance
      const event = inventoryChange(
        instanceId,
        instanceId.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
      );
      const invoking = invokingEventOf(event);
      const item = invoking.configurationItem as Json;
      // When the rule evaluates it
      await handlerFor(EXAMPLE_ACCOUNT)(event);
      // Then: what the whole account, audited with the item applied, says of the instance
      const applied = applyConfigurationItem(
        await loadSnapshotDirectory(EXAMPLE_ACCOUNT),
        'AWS::SSM::ManagedInstanceInventory',
        instanceId,
        item.configuration,
      );
      const whole = evaluationsFromReport(
        audit(applied.snapshot, DEFAULT_COMPLIANCE_POLICY),
        new Date(item.configurationItemCaptureTime as string),
        { principalIds: new Set(), instanceIds: new Set([instanceId]), account: false },
      );
      expect(whole).toHaveLength(1);
      expect(posted()).toEqual(whole);
    },
  );

  it("does not fail for another instance's unreadable agent version, which the whole audit counts as a gap", async () => {
    // Given: another instance whose agent version cannot be read
    const dir = copyOfExampleAccount(join(work, 'other-agent-unreadable'));
    const file = join(dir, 'instances.json');
    const instances = readJson<{ InstanceInformationList: Json[] }>(file);
    const other = instances.InstanceInformationList.find((i) => i.InstanceId !== 'i-0b2c3d4e5f6071829')!;
    other.AgentVersion = 'unknown';
    writeFileSync(file, JSON.stringify(instances));
    // When the agent-upgrade change of i-0b2c3d4e5f6071829 is evaluated
    const result = await handlerFor(dir)(configEvent('inventory-change-agent-upgraded'));
    // Then: its evaluation is posted, and the run is complete
    expect(result).toMatchObject({ evaluations: 1, complete: true });
    expect(posted()).toEqual([
      expect.objectContaining({
        ComplianceResourceId: 'i-0b2c3d4e5f6071829',
        ComplianceType: 'NON_COMPLIANT',
      }),
    ]);
  });
});

describe('an inventory item whose ResourceType contradicts its instance id', () => {
  it.each<[string, Json, string]>([
    [
      'an EC2 instance id with the ResourceType of a hybrid node (read as a hybrid node in the standard tier: COMPLIANT)',
      inventoryChange('i-0b2c3d4e5f6071829', 'ManagedInstance'),
      'AWS::SSM::ManagedInstanceInventory configuration item: AWS:InstanceInformation of i-0b2c3d4e5f6071829: ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-0b2c3d4e5f6071829" is an EC2 instance\'s (hybrid nodes have mi- ids); nothing says which is true',
    ],
    [
      'a hybrid node id with the ResourceType of an EC2 instance',
      inventoryChange('mi-0a1b2c3d4e5f67890', 'EC2Instance'),
      'AWS::SSM::ManagedInstanceInventory configuration item: AWS:InstanceInformation of mi-0a1b2c3d4e5f67890: ResourceType "EC2Instance" says an EC2 instance, but InstanceId "mi-0a1b2c3d4e5f67890" is a hybrid node\'s (EC2 instances have i- ids); nothing says which is true',
    ],
  ])('fails the invocation naming both fields, and posts nothing, for %s', async (_case, event, message) => {
    // When
    const invocation = handlerFor(EXAMPLE_ACCOUNT)(event);
    // Then: a ConfigurationItemError (a wrong event, not a failure to run) naming the item and both fields
    await expect(invocation).rejects.toThrow(message);
    await expect(invocation).rejects.toMatchObject({ name: 'ConfigurationItemError' });
    expect(config).not.toHaveReceivedCommand(PutEvaluationsCommand);
  });
});

describe('an instance NON_COMPLIANT only because the IAM listing was cut short', () => {
  it('gets an annotation naming the unlisted principals, not "reachable by 0 non-exempt principal(s)"', async () => {
    // Given: the truncated-iam fixture (IsTruncated with a Marker): principals exist that were never read
    const dir = join(__dirname, '..', 'fixtures', 'snapshots', 'truncated-iam');

    // When
    await expect(handlerFor(dir)(configEvent('scheduled-notification'))).rejects.toThrow(/incomplete/);

    // Then: the instances no listed principal reaches say why they are NON_COMPLIANT all the same
    const instances = posted().filter(
      (e) => e.ComplianceResourceType === 'AWS::SSM::ManagedInstanceInventory',
    );
    expect(instances.every((e) => e.ComplianceType === 'NON_COMPLIANT')).toBe(true);
    expect(instances.filter((e) => /reachable by 0 /.test(e.Annotation ?? ''))).toEqual([]);
    const unreached = instances.filter((e) => !/reachable by [1-9]/.test(e.Annotation ?? ''));
    expect(unreached.length).toBeGreaterThan(0);
    for (const e of unreached) {
      expect(e.Annotation).toMatch(
        /principals missing from the incomplete IAM listing may reach it \(unaudited session\)$/,
      );
    }
  });
});

describe('an SSH-capable instance that no principal may reach, on a complete audit', () => {
  it('is COMPLIANT with an annotation saying no non-exempt principal reaches it, not that unlisted principals may', async () => {
    // Given: the tag-conditions fixture, read whole: i-c5a0bd0d9da8b07c0 is SSH-capable and no tag
    // condition lets anyone start a session on it
    const dir = join(__dirname, '..', 'fixtures', 'snapshots', 'tag-conditions');

    // When
    await handlerFor(dir)(configEvent('scheduled-notification'));

    // Then
    expect(byId(posted()).get('i-c5a0bd0d9da8b07c0')).toMatchObject({
      ComplianceResourceType: 'AWS::SSM::ManagedInstanceInventory',
      ComplianceType: 'COMPLIANT',
      Annotation: expect.stringMatching(/reachable by 0 non-exempt principal\(s\) \(unaudited session\)$/),
    });
    expect(posted().filter((e) => /incomplete IAM listing/.test(e.Annotation ?? ''))).toEqual([]);
  });
});

describe('a change notification on an account the audit cannot read whole', () => {
  it('withholds the COMPLIANT verdicts of the principals it re-evaluates, and fails the invocation, as the periodic run does', async () => {
    // Given: activation-tier.json is missing, and the Developers group changes; read whole, the account
    // would get both members, bob.martin and carol.jones, posted COMPLIANT (see the group change above)
    const dir = copyOfExampleAccount(join(work, `change-no-activation-tier-${Date.now()}`));
    unlinkSync(join(dir, 'activation-tier.json'));
    const event = configEvent('group-change-developers');
    const group = IAM.GroupDetailList.find((g) => g.GroupName === 'Developers')!;

    // When / Then: the invocation fails, naming the incompleteness
    await expect(handlerFor(dir)(event)).rejects.toThrow(/incomplete/);
    // And: neither member is posted COMPLIANT on unread data; only the group's own NOT_APPLICABLE is
    expect(posted().map((e) => [e.ComplianceResourceType, e.ComplianceResourceId, e.ComplianceType])).toEqual(
      [['AWS::IAM::Group', group.GroupId, 'NOT_APPLICABLE']],
    );
  });
});

describe('stale results listed twice', () => {
  it('answers NOT_APPLICABLE once for a gone resource that two result pages both list', async () => {
    // Given: GetComplianceDetailsByConfigRule lists the same deleted role on both pages
    const event = configEvent('scheduled-notification');
    const goneRole = 'AROAZZZZZZZZZZZZZZZZ9';
    const result = {
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: event.configRuleName as string,
          ResourceType: 'AWS::IAM::Role',
          ResourceId: goneRole,
          EvaluationMode: 'DETECTIVE' as const,
        },
        OrderingTimestamp: new Date('2026-03-16T05:00:11.000Z'),
      },
      ComplianceType: 'NON_COMPLIANT' as const,
      ResultRecordedTime: new Date('2026-03-16T05:00:40.000Z'),
      ConfigRuleInvokedTime: new Date('2026-03-16T05:00:12.000Z'),
    };
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({ EvaluationResults: [result], NextToken: 'page-2-token' })
      .resolvesOnce({ EvaluationResults: [result] });

    // When
    const outcome = await handlerFor(EXAMPLE_ACCOUNT)(event);

    // Then: one evaluation per resource in the PutEvaluations calls
    expect(posted().filter((e) => e.ComplianceResourceId === goneRole)).toHaveLength(1);
    expect(outcome).toMatchObject({ notApplicable: 1 });
  });
});
