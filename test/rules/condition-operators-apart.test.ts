import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { bruteForce } from './brute-force';

/**
 * The analysis sorts instances into classes by the outcome of each tag condition, and caches that
 * outcome per condition. Two conditions on the same tag key with the same value but different
 * operators sort instances differently: StringEquals env "prod*" matches only the text prod* (exact
 * matching, no wildcards), while StringLike env "prod*" matches prod and prod-eu (`*` is any run of
 * characters; IAM User Guide, string condition operators). Sharing one outcome between them would hand
 * one role the other's answer.
 */
const ACCOUNT = '111122223333';
const INSTANCES = { prod: 'i-0000000000000000a', prodEu: 'i-0000000000000000b', dev: 'i-0000000000000000c' };

function role(name: string, n: number, operator: string) {
  return {
    RoleName: name,
    RoleId: `AROAEXAMPLE${n}`,
    Arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
    Path: '/',
    AttachedManagedPolicies: [],
    RolePolicyList: [
      {
        PolicyName: 'SessionsByEnvTag',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'ssm:StartSession',
              Resource: 'arn:aws:ec2:*:*:instance/*',
              Condition: { [operator]: { 'ssm:resourceTag/env': 'prod*' } },
            },
            { Effect: 'Allow', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*:*:document/*' },
          ],
        },
      },
    ],
  };
}

function snapshot(operators: readonly string[]) {
  return parseSnapshotValues({
    account: { Account: ACCOUNT, Region: 'us-east-1', Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    instances: {
      InstanceInformationList: Object.values(INSTANCES).map((InstanceId) => ({
        InstanceId,
        AgentVersion: '3.3.1142.0',
        ResourceType: 'EC2Instance',
      })),
    },
    tags: {
      Tags: [
        { Key: 'env', Value: 'prod', ResourceId: INSTANCES.prod, ResourceType: 'instance' },
        { Key: 'env', Value: 'prod-eu', ResourceId: INSTANCES.prodEu, ResourceType: 'instance' },
        { Key: 'env', Value: 'dev', ResourceId: INSTANCES.dev, ResourceType: 'instance' },
      ],
    },
    iam: {
      UserDetailList: [],
      GroupDetailList: [],
      RoleDetailList: operators.map((operator, n) => role(operator, n, operator)),
      Policies: [],
    },
  });
}

describe('tag conditions that differ only in their operator', () => {
  it.each([
    ['StringEquals first', ['StringEquals', 'StringLike']],
    ['StringLike first', ['StringLike', 'StringEquals']],
  ])('reach the instances each operator selects (%s)', (_order, operators) => {
    // Given a role allowed on env "prod*" by StringEquals (the literal text) and one by StringLike (a
    // pattern), and instances tagged env=prod, env=prod-eu and env=dev, their tags collected
    const s = snapshot(operators);
    // When the account is audited
    const report = audit(s, DEFAULT_COMPLIANCE_POLICY);
    const reach = (name: string) => report.principals.find((p) => p.arn.endsWith(`:role/${name}`));
    // Then StringEquals reaches none (no tag is the text "prod*"), StringLike prod and prod-eu
    expect(reach('StringEquals')?.sshOverSessionManager).toBe('denied');
    expect(reach('StringLike')).toMatchObject({
      sshOverSessionManager: 'allowed',
      sshReachableInstances: [INSTANCES.prod, INSTANCES.prodEu],
    });
    // And the audit agrees with the per-instance evaluation for every principal
    const expected = bruteForce(s);
    for (const p of report.principals) {
      expect({ arn: p.arn, reach: p.sshReachableInstances }).toEqual({
        arn: p.arn,
        reach: expected.principals.get(p.arn)?.sshReachableInstances,
      });
    }
  });
});
