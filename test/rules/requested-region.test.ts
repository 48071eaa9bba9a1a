import { auditOneRole } from './one-role-account';

/**
 * A session on an instance of the snapshot's region can only be started through that region's
 * endpoint, so aws:RequestedRegion is known: a condition on it decides the access exactly, unlike one
 * on the source IP or MFA, which only the request knows.
 */
function audited(statements: readonly object[]) {
  return auditOneRole(statements).principals[0]?.sshOverSessionManager;
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
