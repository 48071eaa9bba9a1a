import { compilePolicyDocument, evaluate, requestContext, type AttachedPolicy } from '../../src/iam';

/**
 * No policy IAM accepts holds a value longer than 10,240 characters. A snapshot can, and a value far
 * longer would overflow the regular expression it compiles to, which used to stop the whole audit
 * with an internal error. Such a policy is refused when it is compiled: the decision is unknown, and
 * the message names the statement and the field.
 */
const long = (n: number) => `arn:aws:ec2:us-east-1:111122223333:instance/i-${'0'.repeat(n)}`;

const statement = (over: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*', ...over }],
});

const table: readonly (readonly [string, Record<string, unknown>, RegExp])[] = [
  ['a literal Resource', { Resource: long(40_000) }, /Statement\[0\]: Resource: a value of 40046 characters/],
  ['a wildcard NotResource', { Resource: undefined, NotResource: `${long(40_000)}*` }, /NotResource/],
  ['a wildcard Action', { Action: `ssm:${'S'.repeat(40_000)}*` }, /Statement\[0\]: Action: a value/],
  [
    'a StringEqualsIgnoreCase value',
    { Condition: { StringEqualsIgnoreCase: { 'ssm:resourceTag/team': 'x'.repeat(40_000) } } },
    /Statement\[0\]\.Condition\.StringEqualsIgnoreCase\.ssm:resourceTag\/team: a value of 40000 characters/,
  ],
  [
    'a StringLike value',
    { Condition: { StringLike: { 'aws:username': `${'x'.repeat(20_000)}*` } } },
    /StringLike/,
  ],
];

describe('values longer than any policy IAM accepts', () => {
  it.each(table)('refuses %s, and the decision is unknown', (_name, over, message) => {
    const compiled = compilePolicyDocument(statement(over), 'Huge');
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.error.message).toMatch(message);
    expect(compiled.error.message).toMatch(/longer than any policy IAM accepts \(10240\)$/);
    const attached: AttachedPolicy = {
      origin: { policyName: 'Huge', attachment: 'inline', attachedTo: 'arn:aws:iam::111122223333:role/ops' },
      compiled,
    };
    const decision = evaluate(
      { identity: [attached] },
      { action: 'ssm:StartSession', resource: long(1), context: requestContext() },
    );
    expect(decision.decision).toBe('unknown');
  });

  it('accepts a value of exactly 10,240 characters', () => {
    const value = long(10_240 - long(0).length);
    expect(value).toHaveLength(10_240);
    expect(compilePolicyDocument(statement({ Resource: value }), 'Largest').ok).toBe(true);
  });
});
