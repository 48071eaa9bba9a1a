import type { ConditionOperator, ValueMatcher } from './operator';

/** `Bool` compares `true`/`false` without regard to case, as IAM does. */
export const boolOperators: readonly ConditionOperator[] = [
  {
    name: 'Bool',
    negated: false,
    compile(policyValue): ValueMatcher {
      const expected = policyValue.toLowerCase();
      return function matchBool(contextValue) {
        return contextValue.toLowerCase() === expected ? 'yes' : 'no';
      };
    },
  },
];
