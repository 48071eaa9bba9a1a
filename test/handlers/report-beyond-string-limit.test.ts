import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PublishCommand, SNSClient, type PublishCommandInput } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { runNightlyReport } from '../../src/lambda/nightly-report';
import { runOnDemand } from '../../src/lambda/on-demand';
import { SNS_MESSAGE_LIMIT, messageSize, type SnsMessage } from '../../src/report/sns-message';
import type { AuditReport } from '../../src/report/types';
import { parseSnapshotValues, SNAPSHOT_FILES, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import type { AccountSnapshot } from '../../src/snapshot/types';

/**
 * A large account's report outgrows what a Lambda function can hold: 1,600 users who may open sessions
 * on every EC2 instance, but not on the one SSH-capable hybrid node, each list the 17,000 instance ids,
 * and the JSON report comes to about 600 MB, past the longest string V8 can build. The nightly message
 * (256 KB) and the on-demand response (6 MB) are summaries, measured without building the whole report.
 */
const FIXTURE = resolve(__dirname, '../fixtures/snapshots/hybrid-advanced-tier');
const USERS = 1_600;
const EC2_INSTANCES = 17_000;

function largeAccount(): AccountSnapshot {
  const values = Object.fromEntries(
    Object.entries(SNAPSHOT_FILES).map(([key, file]) => [
      key,
      JSON.parse(readFileSync(join(FIXTURE, file), 'utf8')) as unknown,
    ]),
  ) as SnapshotValues & { instances: { InstanceInformationList: Record<string, unknown>[] } };
  const [ec2, hybrid] = values.instances.InstanceInformationList as [Record<string, unknown>, unknown];
  const instances = Array.from({ length: EC2_INSTANCES }, (_, n) => {
    const id = `i-${n.toString(16).padStart(17, '0')}`;
    return { ...ec2, InstanceId: id, SourceId: id };
  });
  const users = Array.from({ length: USERS }, (_, n) => ({
    Path: '/',
    UserName: `engineer.${n}`,
    UserId: `AIDA${n.toString().padStart(17, '0')}`,
    Arn: `arn:aws:iam::111122223333:user/engineer.${n}`,
    CreateDate: '2024-01-01T00:00:00+00:00',
    UserPolicyList: [
      {
        PolicyName: 'Ec2Sessions',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'ssm:StartSession',
              Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:document/AWS-StartSSHSession'],
            },
          ],
        },
      },
    ],
    GroupList: [],
    AttachedManagedPolicies: [],
    Tags: [],
  }));
  return parseSnapshotValues({
    ...values,
    iam: { UserDetailList: users, GroupDetailList: [], RoleDetailList: [], Policies: [] },
    instances: { InstanceInformationList: [...instances, hybrid] },
    tags: { Tags: [] },
  });
}

let account: AccountSnapshot;
beforeAll(() => {
  account = largeAccount();
});
const loadAccount = () => Promise.resolve(account);

const sns = mockClient(SNSClient);
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('a report larger than the longest string V8 can build', () => {
  it('is published by the nightly report as a summary within 256 KB', async () => {
    const result = await runNightlyReport({
      sns: new SNSClient({ region: 'us-east-1' }),
      loadAccount,
      topicArn: 'arn:aws:sns:us-east-1:111122223333:ssm-ssh-audit-report',
      policy: DEFAULT_COMPLIANCE_POLICY,
    });
    expect(result.summarized).toBe(true);
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input as PublishCommandInput;
    expect(messageSize(input as SnsMessage)).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT);
    const summary = JSON.parse(
      (JSON.parse(input.Message as string) as { default: string }).default,
    ) as AuditReport & { omitted: { nonCompliantPrincipals: number } };
    expect(summary.summary.nonCompliantPrincipals).toBe(USERS);
    expect(summary.principals.length + summary.omitted.nonCompliantPrincipals).toBe(USERS);
  });

  it('is returned by the on-demand function as a summary within 6 MB that lists whole reach lists', async () => {
    const result = (await runOnDemand(
      {},
      { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY },
    )) as AuditReport & {
      omitted: { nonCompliantPrincipals: number };
    };
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(6_000_000);
    expect(result.principals.length).toBeGreaterThan(0);
    for (const p of result.principals) expect(p.sshReachableInstances).toHaveLength(EC2_INSTANCES);
    expect(result.principals.length + result.omitted.nonCompliantPrincipals).toBe(USERS);
  });
});
