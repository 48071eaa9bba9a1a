export type { ConditionOperator, ValueMatcher } from './operator';
export { findOperator } from './registry';
export {
  compileCondition,
  evaluateCondition,
  UnknownConditionOperatorError,
  type CompiledCondition,
} from './evaluate-condition';
