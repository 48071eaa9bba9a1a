import type { ConditionOperator, ValueMatcher } from './operator';

/**
 * The six comparison operators of a family whose values are read as numbers (Numeric: the number
 * itself; Date: milliseconds since the epoch). A value either side that cannot be read never matches,
 * so the negated operator is true for it, as IAM behaves.
 */
export function orderedOperators(
  family: 'Numeric' | 'Date',
  parse: (text: string) => number | undefined,
): ConditionOperator[] {
  const operator = (
    suffix: string,
    negated: boolean,
    compare: (request: number, policy: number) => boolean,
  ): ConditionOperator => ({
    name: `${family}${suffix}`,
    negated,
    compile(policyValue): ValueMatcher {
      const expected = parse(policyValue);
      return function matchOrdered(contextValue) {
        const actual = parse(contextValue);
        if (expected === undefined || actual === undefined) return 'no';
        return compare(actual, expected) ? 'yes' : 'no';
      };
    },
  });
  return [
    operator('Equals', false, (a, b) => a === b),
    operator('NotEquals', true, (a, b) => a === b),
    operator('LessThan', false, (a, b) => a < b),
    operator('LessThanEquals', false, (a, b) => a <= b),
    operator('GreaterThan', false, (a, b) => a > b),
    operator('GreaterThanEquals', false, (a, b) => a >= b),
  ];
}
