import type { ConditionOperator } from './operator';
import { orderedOperators } from './ordered';

/** A numeric value as IAM reads it: decimal integers or floats. Anything else never matches. */
function parseNumber(text: string): number | undefined {
  if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(text)) return undefined;
  return Number(text);
}

export const numericOperators: readonly ConditionOperator[] = orderedOperators('Numeric', parseNumber);
