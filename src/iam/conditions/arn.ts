import type { RequestContext } from '../context';
import { compilePattern, type Reading } from '../pattern';
import type { ConditionOperator, ValueMatcher } from './operator';

function arnOperator(name: string, negated: boolean): ConditionOperator {
  return {
    name,
    negated,
    compile(policyValue, { variables }): ValueMatcher {
      const pattern = compilePattern(policyValue, { flavour: 'arn', variables });
      // A short value such as `arn:aws:iam:*:role/Admin` reads two ways, as in a Resource element.
      return Object.assign(
        function matchArn(contextValue: string, context: RequestContext, reading?: Reading) {
          return pattern.match(contextValue, context, reading);
        },
        { ambiguous: pattern.ambiguous },
      );
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
