import type { ConditionOperator, ValueMatcher } from './operator';

type Comparison = (requestValue: number, policyValue: number) => boolean;

/** A numeric value as IAM reads it: decimal integers or floats. Anything else never matches. */
function parseNumber(text: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

function numericOperator(name: string, negated: boolean, compare: Comparison): ConditionOperator {
  return {
    name,
    negated,
    compile(policyValue): ValueMatcher {
      const expected = parseNumber(policyValue);
      return function matchNumber(contextValue) {
        const actual = parseNumber(contextValue);
        if (expected === undefined || actual === undefined) return 'no';
        return compare(actual, expected) ? 'yes' : 'no';
      };
    },
  };
}

export const numericOperators: readonly ConditionOperator[] = [
  numericOperator('NumericEquals', false, (a, b) => a === b),
  numericOperator('NumericNotEquals', true, (a, b) => a === b),
  numericOperator('NumericLessThan', false, (a, b) => a < b),
  numericOperator('NumericLessThanEquals', false, (a, b) => a <= b),
  numericOperator('NumericGreaterThan', false, (a, b) => a > b),
  numericOperator('NumericGreaterThanEquals', false, (a, b) => a >= b),
];
