import { globsIntersect } from '../../src/rules/unlisted-documents';

/**
 * Two wildcard patterns share a string exactly when some text matches both. Plain wildcards run past
 * colons and slashes: `*:*:managed-instance/*` and `*:document/*` share
 * `x:y:document/z:managed-instance/w`; the unlisted-documents matcher keeps its runs to their segment.
 */
describe('globsIntersect', () => {
  it.each([
    ['arn:aws:ssm:*:*:document/*', 'arn:aws:ssm:us-east-1:*:document/*', true],
    ['arn:aws:ssm:*:document/Acme-*', 'arn:aws:ssm:us-east-1:*:document/*', true],
    ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:us-east-1:*:document/*', false],
    ['arn:aws:ssm:*:*:managed-instance/*', 'arn:aws:ssm:us-east-1:*:document/*', true],
    ['arn:aws:ssm:eu-west-1:*:document/*', 'arn:aws:ssm:us-east-1:*:document/*', false],
    ['arn:aws:ssm:us-????-1:*:document/X', 'arn:aws:ssm:us-east-1:*:document/*', true],
    ['arn:aws:ssm:us-???-1:*:document/X', 'arn:aws:ssm:us-east-1:*:document/*', false],
    ['*', 'abc', true],
    ['', '', true],
    ['', '*', true],
    ['a', '', false],
    ['a*b*c', '*x*', true],
    ['a?c', 'ab*', true],
    ['a?c', 'abd', false],
  ])('%p and %p: %p', (a, b, expected) => {
    expect(globsIntersect(a, b)).toBe(expected);
    expect(globsIntersect(b, a)).toBe(expected);
  });
});
