export * from './context';
export * from './engine';
export * from './errors';
export * from './managed-policy';
export * from './pattern';
export * from './policy-document';
export * from './tri';
export {
  compileCondition,
  evaluateCondition,
  UnknownConditionOperatorError,
  type CompiledCondition,
} from './conditions';
