import type { ConditionOperator, ValueMatcher } from './operator';

type Comparison = (requestTime: number, policyTime: number) => boolean;

/**
 * A date as IAM accepts it: an ISO 8601 timestamp (`2026-01-01`, `2026-01-01T00:00:00Z`) or epoch
 * seconds. Returns milliseconds since the epoch, or undefined for anything else.
 */
export function parseIamDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return undefined;
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? undefined : ms;
}

function dateOperator(name: string, negated: boolean, compare: Comparison): ConditionOperator {
  return {
    name,
    negated,
    compile(policyValue): ValueMatcher {
      const expected = parseIamDate(policyValue);
      return function matchDate(contextValue) {
        const actual = parseIamDate(contextValue);
        if (expected === undefined || actual === undefined) return 'no';
        return compare(actual, expected) ? 'yes' : 'no';
      };
    },
  };
}

export const dateOperators: readonly ConditionOperator[] = [
  dateOperator('DateEquals', false, (a, b) => a === b),
  dateOperator('DateNotEquals', true, (a, b) => a === b),
  dateOperator('DateLessThan', false, (a, b) => a < b),
  dateOperator('DateLessThanEquals', false, (a, b) => a <= b),
  dateOperator('DateGreaterThan', false, (a, b) => a > b),
  dateOperator('DateGreaterThanEquals', false, (a, b) => a >= b),
];
