import { renderText } from '../../src/report/render-text';
import { auditOneRole } from './one-role-account';

/**
 * The account-level guardrail: an attached, unconditional explicit Deny of ssm:StartSession on the
 * AWS-StartSSHSession document (the seed's "VisualEditor1" statement). A Deny that covers the document
 * only under some condition is listed but is no guardrail; a Deny whose NotResource names the document
 * denies everything but it, and is no guardrail at all.
 */
const SSH_DOCUMENT = 'arn:aws:ssm:*:*:document/AWS-StartSSHSession';
const ALLOW_ADMIN = { Sid: 'Admin', Effect: 'Allow', Action: '*', Resource: '*' };

describe('the SSH guardrail', () => {
  it.each<[string, boolean, object, { conditional: boolean }[]]>([
    [
      'the seed Deny of the SSH document',
      true,
      { Sid: 'VisualEditor1', Effect: 'Deny', Action: 'ssm:StartSession', Resource: SSH_DOCUMENT },
      [{ conditional: false }],
    ],
    [
      'a Deny of the SSH document only without MFA',
      false,
      {
        Sid: 'NoSshWithoutMFA',
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        Resource: SSH_DOCUMENT,
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      },
      [{ conditional: true }],
    ],
    [
      'a Deny of everything but instances (NotResource), which covers the SSH document',
      true,
      {
        Sid: 'OnlyInstances',
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        NotResource: 'arn:aws:ec2:*:*:instance/*',
      },
      [{ conditional: false }],
    ],
    [
      'a Deny of everything but the SSH document (NotResource)',
      false,
      { Sid: 'OnlySsh', Effect: 'Deny', Action: 'ssm:StartSession', NotResource: SSH_DOCUMENT },
      [],
    ],
  ])('with %s beside AdministratorAccess-like access, exists is %s', (_what, exists, deny, statements) => {
    // Given a role with an Allow of everything and the Deny statement
    // When the account is audited
    const report = auditOneRole([ALLOW_ADMIN, deny]);
    // Then the guardrail exists only for an unconditional Deny that covers the SSH document
    expect(report.guardrail.exists).toBe(exists);
    expect(report.guardrail.statements.map((s) => ({ conditional: s.conditional }))).toEqual(statements);
    // And the account-level finding is there exactly when no guardrail exists
    expect(report.findings.some((f) => f.rule === 'no-ssh-guardrail')).toBe(!exists);
  });

  it.each<[string, object[], string, string]>([
    [
      'no Deny of the SSH document',
      [ALLOW_ADMIN],
      'No attached policy explicitly denies ssm:StartSession on the AWS-StartSSHSession document.',
      'no explicit Deny of AWS-StartSSHSession',
    ],
    [
      'a Deny of the SSH document only without MFA',
      [
        ALLOW_ADMIN,
        {
          Sid: 'NoSshWithoutMFA',
          Effect: 'Deny',
          Action: 'ssm:StartSession',
          Resource: SSH_DOCUMENT,
          Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
        },
      ],
      'The only attached Deny of ssm:StartSession on the AWS-StartSSHSession document is conditional (statement "NoSshWithoutMFA" of Sessions): none denies it outright.',
      'only conditional Denies of AWS-StartSSHSession',
    ],
  ])('with %s, the finding and the text report say so', (_what, statements, message, summary) => {
    // Given a role with these statements
    // When the account is audited and rendered
    const report = auditOneRole(statements);
    const text = renderText(report);
    // Then the finding says whether a Deny exists and is conditional, as guardrail.statements lists
    expect(report.findings.find((f) => f.rule === 'no-ssh-guardrail')?.message).toBe(message);
    expect(text).toContain(`  Guardrail:   ${summary}\n`);
  });
});
