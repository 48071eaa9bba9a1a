import type { RequestContext } from '../context';
import type { Reading } from '../pattern';
import type { Tri } from '../tri';

/**
 * Tests one value from the request against one value from the policy, under a reading of what the IAM
 * User Guide leaves open (see `Reading`; only ARN values can read two ways).
 */
export type ValueMatcher = ((contextValue: string, context: RequestContext, reading?: Reading) => Tri) & {
  /** True when the two readings may answer differently for this policy value. */
  readonly ambiguous?: boolean;
};

/**
 * One condition operator, such as `StringNotLike`. The set operators (`ForAllValues:`,
 * `ForAnyValue:`), the `...IfExists` suffix and missing-key handling are applied around it by
 * evaluate-condition.ts, so an operator only says how one request value compares with one policy value.
 */
export interface ConditionOperator {
  readonly name: string;
  /**
   * A negated operator (`StringNotEquals`, `NotIpAddress`, ...) is true when the request value
   * matches none of the policy values, and true when the key is missing.
   */
  readonly negated: boolean;
  /** Compiles one policy value. `variables` is false for policies older than Version 2012-10-17. */
  compile(policyValue: string, options: { readonly variables: boolean }): ValueMatcher;
}
