import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { auditOneRole } from './one-role-account';

/**
 * A principal's SSH finding and its port-forwarding finding each say that access violates the
 * compliance policy. A principal NON_COMPLIANT through one of them gets no finding for the other when
 * the policy accepts it: with `conditionalIsViolation: false`, conditional access is no violation.
 */
const SSH = 'arn:aws:ssm:*:*:document/AWS-StartSSHSession';
const PORT = 'arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession';
const INSTANCES = 'arn:aws:ec2:*:*:instance/*';
const MFA = { Bool: { 'aws:MultiFactorAuthPresent': 'true' } };
const grant = (document: string, condition?: object): object[] => [
  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: INSTANCES },
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: document,
    ...(condition ? { Condition: condition } : {}),
  },
];

describe('the SSH and port-forwarding findings name only the access that violates the policy', () => {
  it.each<[string, boolean, object[], string[]]>([
    [
      'conditional SSH and allowed port forwarding, conditional access accepted',
      false,
      [...grant(SSH, MFA), ...grant(PORT)],
      ['port-forwarding-over-session-manager'],
    ],
    [
      'allowed SSH and conditional port forwarding, conditional access accepted',
      false,
      [...grant(SSH), ...grant(PORT, MFA)],
      ['ssh-over-session-manager'],
    ],
    [
      'conditional SSH and allowed port forwarding, conditional access a violation',
      true,
      [...grant(SSH, MFA), ...grant(PORT)],
      ['port-forwarding-over-session-manager', 'ssh-over-session-manager'],
    ],
    [
      'allowed SSH and port forwarding, conditional access accepted',
      false,
      [...grant(SSH), ...grant(PORT)],
      ['port-forwarding-over-session-manager', 'ssh-over-session-manager'],
    ],
  ])('%s', (_case, conditionalIsViolation, statements, rules) => {
    // Given the role's grants and the compliance policy
    const policy = { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation };
    // When the account is audited
    const report = auditOneRole(statements, policy);
    // Then the role is NON_COMPLIANT, with a finding for each access that violates the policy only
    expect(report.principals[0]?.compliance).toBe('NON_COMPLIANT');
    const principalFindings = report.findings
      .filter((f) => f.resourceType === 'AWS::IAM::Role')
      .map((f) => f.rule)
      .sort();
    expect(principalFindings).toEqual(rules);
    expect(report.summary.findings).toBe(report.findings.length);
  });
});

describe('the SSH and port-forwarding findings say how the access is had', () => {
  it('rates conditional SSH access medium and SSH access outright high', () => {
    // Given one role allowed SSH only with MFA, and one allowed it outright (conditional access a violation)
    const policy = { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: true };
    const conditional = auditOneRole(grant(SSH, MFA), policy);
    const outright = auditOneRole(grant(SSH), policy);
    // When their SSH findings are read
    const severity = (report: ReturnType<typeof auditOneRole>) =>
      report.findings.find((f) => f.rule === 'ssh-over-session-manager')?.severity;
    // Then the conditional access is medium and the outright access high
    expect(severity(conditional)).toBe('medium');
    expect(severity(outright)).toBe('high');
  });

  it('names in the port-forwarding finding the port-forwarding documents only, not the SSH document', () => {
    // Given a role allowed SSH and AWS-StartPortForwardingSession outright
    const report = auditOneRole([...grant(SSH), ...grant(PORT)]);
    // When its port-forwarding finding is read
    const finding = report.findings.find((f) => f.rule === 'port-forwarding-over-session-manager');
    // Then it names the port-forwarding document with its access, and not the SSH document
    expect(finding?.message).toBe(
      'arn:aws:iam::111122223333:role/ops can open port-forwarding sessions through AWS-StartPortForwardingSession (allowed); these sessions are unaudited.',
    );
  });
});
