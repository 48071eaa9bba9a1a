import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';

/**
 * Every ARN the audit builds (instances, documents) is in the account's partition. The caller's ARN
 * in account.json says which; a hand-written account.json without one still names the region, and a
 * GovCloud or China region must not give `arn:aws:` ARNs that none of the account's policies match.
 */
const table: readonly (readonly [string | undefined, string, string])[] = [
  ['arn:aws:sts::111122223333:assumed-role/Audit/s', 'us-east-1', 'aws'],
  ['arn:aws-us-gov:iam::111122223333:user/auditor', 'us-gov-west-1', 'aws-us-gov'],
  [undefined, 'us-east-1', 'aws'],
  [undefined, 'us-gov-west-1', 'aws-us-gov'],
  [undefined, 'us-gov-east-1', 'aws-us-gov'],
  [undefined, 'cn-north-1', 'aws-cn'],
  [undefined, 'cn-northwest-1', 'aws-cn'],
  [undefined, 'us-iso-east-1', 'aws-iso'],
  [undefined, 'us-isob-east-1', 'aws-iso-b'],
  [undefined, 'eu-isoe-west-1', 'aws-iso-e'],
  [undefined, 'us-isof-south-1', 'aws-iso-f'],
  [undefined, 'eusc-de-east-1', 'aws-eusc'],
];

describe("the account's partition", () => {
  it.each(table)('with caller ARN %p in region %s is %s', (arn, region, partition) => {
    const snapshot = parseSnapshotValues({
      account: { Account: '111122223333', Region: region, ...(arn ? { Arn: arn } : {}) },
      iam: { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] },
      instances: { InstanceInformationList: [] },
    });
    expect(snapshot.account.partition).toBe(partition);
  });
});
