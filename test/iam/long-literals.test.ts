import { compilePattern, requestContext, type PatternOptions } from '../../src/iam';

/**
 * V8 refuses a regular expression whose unbroken literal run is longer than 32,767 characters, and
 * used to stop the whole audit with an internal error on such a pattern. Policy text alone can be
 * that long (IAM does not count whitespace, and AWS managed policies have no such limit), and so can
 * policy text together with the values of its variables (a user name, a principal tag). The patterns
 * break long runs with an empty group: each row checks a value that must match and one that must not.
 */
const arn = (id: string) => `arn:aws:ec2:us-east-1:111122223333:instance/${id}`;
const long = 'a'.repeat(40_000);
const tag = 't'.repeat(256);

const table: readonly (readonly [string, string, PatternOptions, Record<string, string>, string, string])[] =
  [
    [
      'a long literal matched without case (StringEqualsIgnoreCase)',
      long,
      { flavour: 'exact', ignoreCase: true },
      {},
      long.toUpperCase(),
      `${long}b`,
    ],
    [
      'a long prefix before a wildcard (StringLike)',
      `${long}*`,
      { flavour: 'glob' },
      {},
      `${long}-x`,
      `b${long}`,
    ],
    [
      'a long resource before a wildcard',
      arn(`${long}*`),
      { flavour: 'arn' },
      {},
      arn(`${long}1`),
      arn(long.slice(1)),
    ],
    [
      'escaped characters across the breaks (dots after one letter)',
      `x${'.'.repeat(20_000)}*`,
      { flavour: 'glob' },
      {},
      `x${'.'.repeat(20_000)}`,
      `x${'.'.repeat(19_999)}y`,
    ],
    [
      'escaped backslashes across the breaks',
      `x${'\\'.repeat(20_000)}*`,
      { flavour: 'glob' },
      {},
      `x${'\\'.repeat(20_000)}z`,
      `x${'\\'.repeat(19_999)}`,
    ],
    [
      'a policy variable whose value is long (a user name)',
      arn('${aws:username}'),
      { flavour: 'arn', variables: true },
      { 'aws:username': long },
      arn(long),
      arn(`${long}0`),
    ],
    [
      'many short variable values that add up (a principal tag, 300 times)',
      arn('${aws:PrincipalTag/a}'.repeat(300)),
      { flavour: 'arn', variables: true },
      { 'aws:PrincipalTag/a': tag },
      arn(tag.repeat(300)),
      arn(tag.repeat(299)),
    ],
  ];

describe('patterns far longer than a regular expression literal may be', () => {
  it.each(table)('matches %s exactly', (_name, source, options, values, matching, other) => {
    const pattern = compilePattern(source, options);
    const context = requestContext({ values });
    expect(pattern.match(matching, context)).toBe('yes');
    expect(pattern.match(other, context)).toBe('no');
  });
});
