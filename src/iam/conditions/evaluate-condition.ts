import type { RequestContext } from '../context';
import type { Reading } from '../pattern';
import { triEvery, triNot, triSome, type Tri } from '../tri';
import { findOperator } from './registry';
import type { ConditionOperator, ValueMatcher } from './operator';

/**
 * One `"Operator": { "key": values }` pair of a Condition block, compiled.
 *
 * Semantics (IAM User Guide, "Condition operators" and "Multivalued context keys"):
 * - values of one key are ORed; keys and operators of a block are ANDed (by the caller);
 * - a key missing from the request makes a positive operator false, and makes negated operators,
 *   `...IfExists` operators and `Null: true` true; `ForAllValues:` is true and `ForAnyValue:` false;
 * - a key whose state is unknown makes any condition on it undetermined (`maybe`).
 */
export interface CompiledCondition {
  /** The operator as written, for example `ForAnyValue:StringLikeIfExists`. */
  readonly operatorText: string;
  readonly key: string;
  readonly values: readonly string[];
  readonly setOperator: 'ForAllValues' | 'ForAnyValue' | undefined;
  readonly ifExists: boolean;
  /** Undefined for the `Null` operator. */
  readonly operator: ConditionOperator | undefined;
  readonly matchers: readonly ValueMatcher[];
  /** The policy values whose answer may depend on the reading (see `Reading`): short ARN patterns. */
  readonly ambiguousValues: readonly string[];
}

export class UnknownConditionOperatorError extends Error {
  override readonly name = 'UnknownConditionOperatorError';
  constructor(readonly operatorText: string) {
    super(`unknown condition operator "${operatorText}"`);
  }
}

const SET_PREFIX = /^(ForAllValues|ForAnyValue):/i;

export function compileCondition(
  operatorText: string,
  key: string,
  values: readonly string[],
  options: { readonly variables: boolean },
): CompiledCondition {
  let base = operatorText;
  let setOperator: CompiledCondition['setOperator'];
  const prefix = SET_PREFIX.exec(base);
  if (prefix) {
    setOperator = (prefix[1] as string).toLowerCase() === 'forallvalues' ? 'ForAllValues' : 'ForAnyValue';
    base = base.slice(prefix[0].length);
  }
  if (base.toLowerCase() === 'null') {
    if (setOperator) throw new UnknownConditionOperatorError(operatorText);
    return {
      operatorText,
      key,
      values,
      setOperator,
      ifExists: false,
      operator: undefined,
      matchers: [],
      ambiguousValues: [],
    };
  }
  let ifExists = false;
  if (/IfExists$/i.test(base)) {
    ifExists = true;
    base = base.slice(0, -'IfExists'.length);
  }
  const operator = findOperator(base);
  if (!operator) throw new UnknownConditionOperatorError(operatorText);
  return new OperatorCondition(operatorText, key, values, setOperator, ifExists, operator, options);
}

/**
 * A condition with an operator, whose values are compiled when first evaluated. A large account has
 * tens of thousands of conditions, and an audit evaluates the few of the statements that cover its
 * action. Compiling a value never fails (an unknown operator fails above), so waiting loses no error.
 */
class OperatorCondition implements CompiledCondition {
  private compiled: readonly ValueMatcher[] | undefined;
  private ambiguous: readonly string[] | undefined;

  constructor(
    readonly operatorText: string,
    readonly key: string,
    readonly values: readonly string[],
    readonly setOperator: CompiledCondition['setOperator'],
    readonly ifExists: boolean,
    readonly operator: ConditionOperator,
    private readonly options: { readonly variables: boolean },
  ) {}

  get matchers(): readonly ValueMatcher[] {
    this.compiled ??= this.values.map((value) => this.operator.compile(value, this.options));
    return this.compiled;
  }

  get ambiguousValues(): readonly string[] {
    if (!this.ambiguous) {
      const matchers = this.matchers;
      this.ambiguous = this.values.filter((_, i) => matchers[i]?.ambiguous === true);
    }
    return this.ambiguous;
  }
}

function evaluateNull(condition: CompiledCondition, missing: boolean): Tri {
  // Null: {"key": "true"} asks "is the key missing?", {"key": "false"} asks "is it present?".
  return triSome(condition.values, (value) => ((value.toLowerCase() === 'true') === missing ? 'yes' : 'no'));
}

export function evaluateCondition(
  condition: CompiledCondition,
  context: RequestContext,
  reading: Reading = 'strict',
): Tri {
  const state = context.lookup(condition.key);
  if (state.state === 'unknown') return 'maybe';
  const requestValues = state.state === 'present' ? state.values : [];
  const missing = requestValues.length === 0;
  const operator = condition.operator;
  if (!operator) return evaluateNull(condition, missing);

  if (missing) {
    if (condition.setOperator === 'ForAllValues') return 'yes';
    if (condition.setOperator === 'ForAnyValue') return 'no';
    return condition.ifExists || operator.negated ? 'yes' : 'no';
  }

  // Does one request value match any of the policy values (ORed)?
  const matchesAny = (requestValue: string): Tri =>
    triSome(condition.matchers, (matcher) => matcher(requestValue, context, reading));

  if (condition.setOperator === 'ForAllValues') {
    return operator.negated
      ? triEvery(requestValues, (v) => triNot(matchesAny(v)))
      : triEvery(requestValues, matchesAny);
  }
  if (condition.setOperator === 'ForAnyValue') {
    return operator.negated
      ? triSome(requestValues, (v) => triNot(matchesAny(v)))
      : triSome(requestValues, matchesAny);
  }
  const anyMatch = triSome(requestValues, matchesAny);
  return operator.negated ? triNot(anyMatch) : anyMatch;
}
