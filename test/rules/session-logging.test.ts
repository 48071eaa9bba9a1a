import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { describeSessionLogging } from '../../src/rules/session-logging';
import { oneInstanceAccount, roleDetail } from './one-role-account';

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

describe('the state of session logging', () => {
  it('is not configured when the preferences document names neither an S3 bucket nor a log group', () => {
    // Given SSM-SessionManagerRunShell as the console saves it with logging off: empty destinations
    const inputs = {
      s3BucketName: '',
      s3KeyPrefix: '',
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: '',
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: true,
      kmsKeyId: '',
      runAsEnabled: false,
      runAsDefaultUser: '',
      idleSessionTimeout: '20',
    };
    // When the logging is described
    const logging = describeSessionLogging({ state: 'configured', inputs });
    // Then nothing is logged anywhere
    expect(logging.state).toBe('not-configured');
    expect(logging.s3).toBeNull();
    expect(logging.cloudWatch).toBeNull();
    expect(logging.statement).toMatch(/^No session logging is configured\./);
  });
});

describe('the session logging blind-spot finding', () => {
  it('is reported when only instances are exposed: principals missing from a truncated iam.json may reach them', () => {
    // Given a truncated iam.json whose one listed role has no session access, and an SSH-capable instance
    const snapshot = oneInstanceAccount({
      RoleDetailList: [roleDetail('ReadOnly', 'AROAEXAMPLEREADONLY00')],
      IsTruncated: true,
      Marker: 'AAGhPXUYw3EXAMPLE',
    });
    // When the account is audited
    const report = audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
    // Then no listed principal is NON_COMPLIANT but the instance is (fail closed)
    expect(report.principals.map((p) => p.compliance)).toEqual(['COMPLIANT']);
    expect(report.instances.map((i) => i.compliance)).toEqual(['NON_COMPLIANT']);
    // And the blind-spot finding says one instance is exposed to unaudited sessions
    const findings = report.findings.filter((f) => f.rule === 'session-logging-blind-spot');
    expect(findings).toHaveLength(1);
    expect(findings[0]?.message).toMatch(
      / 0 principal\(s\) and 1 instance\(s\) are exposed to unaudited sessions\.$/,
    );
  });
});
