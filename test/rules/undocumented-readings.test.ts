import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { auditOneRole } from './one-role-account';

/**
 * Where the IAM User Guide allows two readings of a statement and the verdict depends on which one AWS
 * applies, the audit does not pick one: the access is `unknown`, a violation under every compliance
 * policy, and a Deny that only one reading applies is no guardrail.
 */
function audited(statements: readonly object[], conditionalIsViolation = true) {
  return auditOneRole(statements, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation });
}

const allowAll = { Sid: 'All', Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' };

describe('a statement AWS documents two readings of', () => {
  it.each([true, false])(
    'makes SSH unknown and NON_COMPLIANT when a Deny applies under one reading only (conditionalIsViolation: %s)',
    (conditionalIsViolation) => {
      // Given an Allow of everything and a Deny of the SSH document written without its account segment
      const report = audited(
        [
          allowAll,
          {
            Sid: 'NoSsh',
            Effect: 'Deny',
            Action: 'ssm:StartSession',
            Resource: 'arn:aws:ssm:*:document/AWS-StartSSHSession',
          },
        ],
        conditionalIsViolation,
      );
      // Then SSH is unknown and a violation, and the Deny is no guardrail
      expect(report.principals[0]?.sshOverSessionManager).toBe('unknown');
      expect(report.principals[0]?.compliance).toBe('NON_COMPLIANT');
      expect(report.guardrail.exists).toBe(false);
      expect(report.findings.map((f) => f.rule)).toContain('no-ssh-guardrail');
    },
  );

  it.each([true, false])(
    'makes SSH unknown for a role under a Deny with NotResource .../${aws:username} (conditionalIsViolation: %s)',
    (conditionalIsViolation) => {
      // Given a role (no user name) allowed everything, and denied all but "its own" instances
      const report = audited(
        [
          allowAll,
          {
            Sid: 'OwnOnly',
            Effect: 'Deny',
            Action: 'ssm:StartSession',
            NotResource: [`arn:aws:ec2:*:*:instance/\${aws:username}`, 'arn:aws:ssm:*:*:document/*'],
          },
        ],
        conditionalIsViolation,
      );
      expect(report.principals[0]?.sshOverSessionManager).toBe('unknown');
      expect(report.principals[0]?.compliance).toBe('NON_COMPLIANT');
      expect(report.instances[0]?.compliance).toBe('NON_COMPLIANT');
    },
  );

  it('counts no guardrail for a Deny whose NotResource leaves out the SSH document under one reading only', () => {
    // Given an Allow of everything, and a Deny of all but the instances and the SSH document written
    // without its account segment
    const report = audited([
      allowAll,
      {
        Sid: 'AllButSsh',
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        NotResource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:document/AWS-StartSSHSession'],
      },
    ]);
    // Then the Deny is listed as a guardrail that may not hold, and the finding says there is none
    expect(report.principals[0]?.sshOverSessionManager).toBe('unknown');
    expect(report.guardrail.exists).toBe(false);
    expect(report.guardrail.statements).toEqual([
      expect.objectContaining({ sid: 'AllButSsh', conditional: true }),
    ]);
    expect(report.findings.map((f) => f.rule)).toContain('no-ssh-guardrail');
  });
});

describe('an ARN condition value AWS documents two readings of', () => {
  // A five-segment ARN whose region * ends its segment: only if that * runs past a colon does it
  // match the role's ARN, arn:aws:iam::111122223333:role/ops.
  const shortRole = 'arn:aws:iam:*:role/ops';

  it.each([
    ['Deny', 'ArnNotLike', [allowAll]],
    ['Deny', 'ArnLike', [allowAll]],
    ['Allow', 'ArnLike', []],
    ['Allow', 'ArnNotEquals', []],
  ] as const)(
    'makes SSH unknown, never allowed or denied, for a %s under %s aws:PrincipalArn with such a value',
    (effect, operator, others) => {
      // Given a statement on StartSession whose condition compares the role's ARN with the short pattern
      const report = audited([
        ...others,
        {
          Sid: 'ByArn',
          Effect: effect,
          Action: 'ssm:StartSession',
          Resource: '*',
          Condition: { [operator]: { 'aws:PrincipalArn': shortRole } },
        },
      ]);
      // Then the verdict depends on the reading AWS applies: unknown, naming the statement and value
      const principal = report.principals[0];
      expect(principal?.sshOverSessionManager).toBe('unknown');
      expect(principal?.compliance).toBe('NON_COMPLIANT');
      expect(principal?.reasons.map((r) => r.message)).toContain(
        `cannot decide: policy "Sessions": statement "ByArn": AWS does not document whether a * that ends a segment of ${operator} value ${shortRole} may run past colons, and the answer depends on it`,
      );
    },
  );

  it('weighs the other conditions of the statement under the broad reading too', () => {
    // Given a Deny whose ARN value matches the role's ARN under the broad reading only, followed by a
    // condition that holds for every role
    const report = audited([
      allowAll,
      {
        Sid: 'ByArn',
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        Resource: '*',
        Condition: {
          ArnLike: { 'aws:PrincipalArn': shortRole },
          StringEquals: { 'aws:PrincipalType': 'AssumedRole' },
        },
      },
    ]);
    // Then the Deny applies under one reading only: unknown, not allowed
    expect(report.principals[0]?.sshOverSessionManager).toBe('unknown');
  });

  it('leaves the verdict alone when both readings agree', () => {
    // Given a Deny whose short ARN value matches the role's ARN under neither reading
    const report = audited([
      allowAll,
      {
        Sid: 'Other',
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        Resource: '*',
        Condition: { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam:*:role/other' } },
      },
    ]);
    expect(report.principals[0]?.sshOverSessionManager).toBe('allowed');
  });
});
