import { compilePattern } from '../pattern';
import type { ConditionOperator, ValueMatcher } from './operator';

/**
 * `Bool` compares `true`/`false` without regard to case, as IAM does. Its value may be a policy
 * variable ("You can use a policy variable with the Boolean condition operator").
 */
export const boolOperators: readonly ConditionOperator[] = [
  {
    name: 'Bool',
    negated: false,
    compile(policyValue, { variables }): ValueMatcher {
      const pattern = compilePattern(policyValue, { flavour: 'exact', ignoreCase: true, variables });
      return function matchBool(contextValue, context) {
        return pattern.match(contextValue, context);
      };
    },
  },
];
