import type { PrincipalReport } from '../../src/report/types';
import { annotation, ANNOTATION_SUFFIX, principalAnnotation } from '../../src/sinks/annotation';
import { auditOneRole, DENY_WITHOUT_MFA } from '../rules/one-role-account';

/**
 * AWS Config's PutEvaluations takes an Annotation of 1 to 256 characters (Evaluation.Annotation in the
 * AWS Config API reference); a longer one fails the whole call. Every annotation ends with the suffix.
 */
const LIMIT = 256;
const room = LIMIT - ANNOTATION_SUFFIX.length;

describe('an evaluation annotation', () => {
  it.each<[string, number, boolean]>([
    ['a short sentence is kept whole', 40, false],
    ['a sentence that fills the 256 characters exactly is kept whole', room, false],
    ['a sentence one character too long is cut to 256 characters, with an ellipsis', room + 1, true],
    ['a sentence far too long is cut to 256 characters, with an ellipsis', 2_000, true],
  ])('%s', (_case, length, cut) => {
    // Given: a sentence of `length` characters, as a long policy name and Sid make it
    const text = `SSH allowed, port forwarding allowed: inline policy ${'S'.repeat(length)}`.slice(0, length);

    // When
    const result = annotation(text);

    // Then: at most 256 characters, always ending with the suffix, and whole when it fits
    expect(result.length).toBeLessThanOrEqual(LIMIT);
    expect(result.endsWith(ANNOTATION_SUFFIX)).toBe(true);
    if (cut) {
      expect(result).toHaveLength(LIMIT);
      expect(result).toBe(`${text.slice(0, room - 1)}…${ANNOTATION_SUFFIX}`);
    } else {
      expect(result).toBe(`${text}${ANNOTATION_SUFFIX}`);
    }
  });
});

describe("a principal's evaluation annotation", () => {
  it('names the conditional Deny that decides its access, not the Allow it overrides', () => {
    // Given the role ops: SSH everywhere, and a Deny of every session without MFA
    const report = auditOneRole([
      { Sid: 'Sessions', Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' },
      DENY_WITHOUT_MFA,
    ]);
    const ops = report.principals[0] as PrincipalReport;
    expect(ops.sshOverSessionManager).toBe('conditional');
    // When its annotation is written, then it cites the Deny, whose condition decides
    expect(principalAnnotation(ops)).toBe(
      `SSH conditional, port forwarding conditional: inline policy Sessions statement "DenyWithoutMFA" (Deny)${ANNOTATION_SUFFIX}`,
    );
  });
});
