import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';

/**
 * A session on an instance of the snapshot's region can only be started through that region's
 * endpoint, so aws:RequestedRegion is known: a condition on it decides the access exactly, unlike one
 * on the source IP or MFA, which only the request knows.
 */
const ACCOUNT = '111122223333';

function audited(statements: readonly object[]) {
  const snapshot = parseSnapshotValues({
    account: { Account: ACCOUNT, Region: 'us-east-1', Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    instances: {
      InstanceInformationList: [
        { InstanceId: 'i-0123456789abcdef0', AgentVersion: '3.3.1957.0', ResourceType: 'EC2Instance' },
      ],
    },
    iam: {
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
      RoleDetailList: [
        {
          RoleName: 'ops',
          RoleId: 'AROAEXAMPLEOPS',
          Arn: `arn:aws:iam::${ACCOUNT}:role/ops`,
          RolePolicyList: [
            { PolicyName: 'Sessions', PolicyDocument: { Version: '2012-10-17', Statement: statements } },
          ],
        },
      ],
    },
  });
  return audit(snapshot, DEFAULT_COMPLIANCE_POLICY).principals[0]?.sshOverSessionManager;
}

const allow = (condition?: object) => ({
  Effect: 'Allow',
  Action: 'ssm:StartSession',
  Resource: '*',
  ...(condition ? { Condition: condition } : {}),
});
const deny = (condition: object) => ({ Effect: 'Deny', Action: '*', Resource: '*', Condition: condition });

describe('aws:RequestedRegion on StartSession, for a snapshot of us-east-1', () => {
  it.each([
    [
      'an Allow limited to us-east-1',
      [allow({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } })],
      'allowed',
    ],
    [
      'an Allow limited to eu-west-1',
      [allow({ StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } })],
      'denied',
    ],
    [
      'a Deny of every region but eu-west-1',
      [allow(), deny({ StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'eu-central-1'] } })],
      'denied',
    ],
    [
      'a Deny of every region but us-*',
      [allow(), deny({ StringNotLike: { 'aws:RequestedRegion': 'us-*' } })],
      'allowed',
    ],
    [
      'a Deny when the region is missing',
      [allow(), deny({ Null: { 'aws:RequestedRegion': 'true' } })],
      'allowed',
    ],
    // A key that only the request knows still leaves the access open
    [
      'an Allow limited to a source range',
      [allow({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } })],
      'conditional',
    ],
  ])('decides SSH under %s exactly', (_name, statements, expected) => {
    expect(audited(statements)).toBe(expected);
  });
});
