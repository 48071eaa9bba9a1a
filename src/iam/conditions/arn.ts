import { compilePattern } from '../pattern';
import type { ConditionOperator, ValueMatcher } from './operator';

function arnOperator(name: string, negated: boolean): ConditionOperator {
  return {
    name,
    negated,
    compile(policyValue, { variables }): ValueMatcher {
      const pattern = compilePattern(policyValue, { flavour: 'arn', variables });
      return function matchArn(contextValue, context) {
        return pattern.match(contextValue, context);
      };
    },
  };
}

/**
 * ARN operators. AWS documents ArnEquals and ArnLike alike: both match segment by segment and both
 * accept wildcards, so they share one implementation.
 */
export const arnOperators: readonly ConditionOperator[] = [
  arnOperator('ArnEquals', false),
  arnOperator('ArnLike', false),
  arnOperator('ArnNotEquals', true),
  arnOperator('ArnNotLike', true),
];
