import { arnOperators } from './arn';
import { binaryOperators } from './binary';
import { boolOperators } from './bool';
import { dateOperators } from './date';
import { ipAddressOperators } from './ip-address';
import { numericOperators } from './numeric';
import type { ConditionOperator } from './operator';
import { stringOperators } from './string';

/** Every operator family, registered in one list. `Null` is special-cased by evaluate-condition.ts. */
const ALL_OPERATORS: readonly ConditionOperator[] = [
  ...stringOperators,
  ...numericOperators,
  ...dateOperators,
  ...boolOperators,
  ...binaryOperators,
  ...ipAddressOperators,
  ...arnOperators,
];

const BY_NAME = new Map(ALL_OPERATORS.map((op) => [op.name.toLowerCase(), op]));

/** Finds an operator by its base name (without set prefix or IfExists), ignoring case. */
export function findOperator(name: string): ConditionOperator | undefined {
  return BY_NAME.get(name.toLowerCase());
}
