import { compilePattern, type PatternFlavour } from '../pattern';
import type { ConditionOperator, ValueMatcher } from './operator';

function stringOperator(
  name: string,
  negated: boolean,
  flavour: PatternFlavour,
  ignoreCase: boolean,
): ConditionOperator {
  return {
    name,
    negated,
    compile(policyValue, { variables }): ValueMatcher {
      const pattern = compilePattern(policyValue, { flavour, ignoreCase, variables });
      return function matchString(contextValue, context) {
        return pattern.match(contextValue, context);
      };
    },
  };
}

/** String operators. Policy variables are substituted in their values. */
export const stringOperators: readonly ConditionOperator[] = [
  stringOperator('StringEquals', false, 'exact', false),
  stringOperator('StringNotEquals', true, 'exact', false),
  stringOperator('StringEqualsIgnoreCase', false, 'exact', true),
  stringOperator('StringNotEqualsIgnoreCase', true, 'exact', true),
  stringOperator('StringLike', false, 'glob', false),
  stringOperator('StringNotLike', true, 'glob', false),
];
