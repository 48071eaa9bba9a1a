import {
  evaluateCondition,
  requestContext,
  type CompiledCondition,
  type CompiledPattern,
  type CompiledPolicy,
} from '../iam';
import type { ManagedInstance } from './instances';

/**
 * Instance classes: groups of instances that every policy in the account treats alike for one action.
 *
 * Two instances fall in the same class when every Resource/NotResource pattern of every statement
 * that covers the action matches both or neither, and every condition on their tags
 * (`ssm:resourceTag/*`, `aws:ResourceTag/*`) has the same outcome for both. Then any principal's
 * decision on one is its decision on the other, so the audit evaluates each principal once per class
 * instead of once per instance. Callers may add their own distinctions (capability, exemption) to the
 * signature so that classes are uniform in those too.
 */
export interface InstanceClass {
  readonly id: number;
  /** Evaluated in place of every member. */
  readonly representative: ManagedInstance;
  readonly members: readonly ManagedInstance[];
}

const TAG_KEY = /^(ssm:resourcetag|aws:resourcetag)\//i;
const NOTHING_KNOWN = requestContext();

interface Distinctions {
  /** Patterns without wildcards or variables: an instance matches at most one, found by its ARN. */
  readonly literals: ReadonlyMap<string, number>;
  readonly wildcards: readonly CompiledPattern[];
  readonly variables: readonly CompiledPattern[];
  readonly tagConditions: readonly CompiledCondition[];
}

function distinctions(policies: readonly CompiledPolicy[], action: string): Distinctions {
  const seen = new Set<string>();
  const literals = new Map<string, number>();
  const wildcards: CompiledPattern[] = [];
  const variables: CompiledPattern[] = [];
  const tagConditions = new Map<string, CompiledCondition>();
  for (const policy of policies) {
    for (const statement of policy.statementsFor(action)) {
      for (const pattern of statement.resources.patterns) {
        if (pattern.matchesEverything || seen.has(pattern.source)) continue;
        seen.add(pattern.source);
        if (pattern.literal !== undefined) literals.set(pattern.literal, literals.size);
        else if (pattern.hasVariables) variables.push(pattern);
        else wildcards.push(pattern);
      }
      for (const condition of statement.conditions) {
        if (!TAG_KEY.test(condition.key)) continue;
        const key = `${condition.operatorText}\u0000${condition.key.toLowerCase()}\u0000${condition.values.join('\u0001')}`;
        if (!tagConditions.has(key)) tagConditions.set(key, condition);
      }
    }
  }
  return { literals, wildcards, variables, tagConditions: [...tagConditions.values()] };
}

/** The instance's value for a condition key, read the way the evaluator reads it (case-insensitively). */
function tagValue(instance: ManagedInstance, key: string): string {
  const state = instance.context.lookup(key);
  if (state.state === 'present') return `=${state.values.join('\u0001')}`;
  return state.state === 'absent' ? '-' : '?';
}

/**
 * The outcome of each tag condition depends only on the instance's value of that one tag, so it is
 * computed once per (condition, value) and looked up after that.
 */
class TagConditionOutcomes {
  private readonly keys: readonly string[];
  private readonly bySignatureOfValues = new Map<string, string>();
  constructor(private readonly conditions: readonly CompiledCondition[]) {
    this.keys = [...new Set(conditions.map((c) => c.key.toLowerCase()))];
  }

  /**
   * The outcomes of all tag conditions for an instance. They depend only on the instance's values of
   * the few tag keys the conditions name, so they are computed once per distinct combination.
   */
  signature(instance: ManagedInstance): string {
    if (this.conditions.length === 0) return '';
    const values = this.keys.map((key) => tagValue(instance, key));
    const valuesKey = values.join('\u0002');
    let sig = this.bySignatureOfValues.get(valuesKey);
    if (sig === undefined) {
      sig = '';
      for (const condition of this.conditions) {
        // With a variable in the condition, the outcome depends on the principal: keep the value itself.
        if (condition.values.some((v) => v.includes('${'))) {
          sig += `[${values[this.keys.indexOf(condition.key.toLowerCase())]}]`;
        } else {
          sig += evaluateCondition(condition, instance.context)[0] as string;
        }
      }
      this.bySignatureOfValues.set(valuesKey, sig);
    }
    return sig;
  }
}

function patternSignature(instance: ManagedInstance, d: Distinctions): string {
  const literal = d.literals.get(instance.arn);
  let sig = literal === undefined ? '-' : String(literal);
  sig += '|';
  for (const pattern of d.wildcards) sig += pattern.match(instance.arn, NOTHING_KNOWN) === 'yes' ? '1' : '0';
  for (const pattern of d.variables) {
    // The outcome depends on the principal's variable values: an instance that could match stays
    // in a class of its own, which is exact, if slower.
    sig += pattern.match(instance.arn, NOTHING_KNOWN) === 'no' ? '0' : `[${instance.arn}]`;
  }
  return sig;
}

export function classifyInstances(
  instances: readonly ManagedInstance[],
  policies: readonly CompiledPolicy[],
  action: string,
  extraSignature: (instance: ManagedInstance) => string = () => '',
): InstanceClass[] {
  const d = distinctions(policies, action);
  const tags = new TagConditionOutcomes(d.tagConditions);
  const bySignature = new Map<string, { representative: ManagedInstance; members: ManagedInstance[] }>();
  for (const instance of instances) {
    const sig = `${extraSignature(instance)}#${patternSignature(instance, d)}|${tags.signature(instance)}`;
    const found = bySignature.get(sig);
    if (found) found.members.push(instance);
    else bySignature.set(sig, { representative: instance, members: [instance] });
  }
  return [...bySignature.values()].map((c, id) => ({ id, ...c }));
}
