import { describeSessionLogging } from '../../src/rules/session-logging';

/**
 * What the report says session logging covers. The AWS Systems Manager User Guide ("Enabling and
 * disabling session logging"): "Logging isn't available for Session Manager sessions that connect
 * through port forwarding or SSH. This is because SSH encrypts all session data, and Session Manager
 * only serves as a tunnel for SSH connections." Sessions of the command types are logged like shell
 * sessions: "Streaming session data isn't supported for interactive commands" is the only exception the
 * guide makes, and SSM Agent runs Standard_Stream, InteractiveCommands and NonInteractiveCommands
 * sessions through the same shell plugin, which uploads their logs to S3 and CloudWatch Logs.
 */
describe('the session logging statement', () => {
  const statements = [
    describeSessionLogging(undefined),
    describeSessionLogging({ state: 'absent' }),
    describeSessionLogging({
      state: 'configured',
      inputs: { s3BucketName: 'acme-session-logs', s3EncryptionEnabled: true },
    }),
  ].map((s) => s.statement);

  it.each(statements)('does not call command sessions unlogged: %s', (statement) => {
    expect(statement).not.toMatch(/shell sessions only/);
    expect(statement).toMatch(/InteractiveCommands/);
    expect(statement).toMatch(/NonInteractiveCommands/);
  });

  it.each(statements)('says SSH and port-forwarding sessions are never logged: %s', (statement) => {
    expect(statement).toMatch(/SSH/);
    expect(statement).toMatch(/port-forwarding/);
    expect(statement).toMatch(/AWS-StartSSHSession and every other Port document/);
  });
});
