import { auditOneRole, ACCOUNT } from './one-role-account';

/**
 * A principal's reasons explain each verdict the report gives on it: what it may use, and why it may
 * not use SSH when it is denied that but granted port forwarding.
 */
const SSH = 'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession';
const FORWARDING = 'arn:aws:ssm:us-east-1::document/AWS-StartPortForwardingSession';
const INSTANCES = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`;
const FORWARD = {
  Sid: 'Forward',
  Effect: 'Allow',
  Action: 'ssm:StartSession',
  Resource: [INSTANCES, FORWARDING],
};

describe("a principal's reasons, when it is denied SSH but granted port forwarding", () => {
  it('cite the Deny of AWS-StartSSHSession that decides, before the grant', () => {
    // Given the role ops: port forwarding to every instance, and a Deny of the SSH document
    const report = auditOneRole([
      { Sid: 'NoSSH', Effect: 'Deny', Action: 'ssm:StartSession', Resource: SSH },
      { ...FORWARD, Resource: [...FORWARD.Resource, SSH] },
    ]);
    // Then SSH is denied, and the reasons say by which statement, then what allows port forwarding
    const ops = report.principals[0];
    expect(ops?.sshOverSessionManager).toBe('denied');
    expect(ops?.portForwarding).toBe('allowed');
    expect(ops?.reasons[0]).toMatchObject({
      resource: 'document',
      resourceArn: SSH,
      decision: 'denied',
      effect: 'Deny',
      sid: 'NoSSH',
    });
    expect(ops?.reasons.slice(1)).toContainEqual(
      expect.objectContaining({ resourceArn: FORWARDING, effect: 'Allow', sid: 'Forward' }),
    );
  });

  it('say that nothing allows AWS-StartSSHSession when no statement names it', () => {
    // Given the role ops: port forwarding to every instance, and no grant of the SSH document
    const report = auditOneRole([FORWARD]);
    // Then the first reason is the SSH document's denial, citing no statement
    const ops = report.principals[0];
    expect(ops?.sshOverSessionManager).toBe('denied');
    expect(ops?.reasons[0]).toMatchObject({ resource: 'document', resourceArn: SSH, decision: 'denied' });
    expect(ops?.reasons[0]?.effect).toBeUndefined();
  });
});
