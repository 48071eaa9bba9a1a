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
  readonly patterns: readonly CompiledPattern[];
  readonly tagConditions: readonly CompiledCondition[];
}

function distinctions(policies: readonly CompiledPolicy[], action: string): Distinctions {
  const patterns = new Map<string, CompiledPattern>();
  const tagConditions = new Map<string, CompiledCondition>();
  for (const policy of policies) {
    for (const statement of policy.statementsFor(action)) {
      for (const pattern of statement.resources.patterns) {
        if (!pattern.matchesEverything && !patterns.has(pattern.source))
          patterns.set(pattern.source, pattern);
      }
      for (const condition of statement.conditions) {
        if (!TAG_KEY.test(condition.key)) continue;
        const key = `${condition.operatorText}\u0000${condition.key.toLowerCase()}\u0000${condition.values.join('\u0001')}`;
        if (!tagConditions.has(key)) tagConditions.set(key, condition);
      }
    }
  }
  return { patterns: [...patterns.values()], tagConditions: [...tagConditions.values()] };
}

function tagValue(instance: ManagedInstance, key: string): string {
  if (!instance.tags) return '?';
  const tagKey = key.slice(key.indexOf('/') + 1);
  return tagKey in instance.tags ? `=${instance.tags[tagKey]}` : '-';
}

function signature(instance: ManagedInstance, d: Distinctions): string {
  let sig = '';
  for (const pattern of d.patterns) {
    if (!pattern.hasVariables) {
      sig += pattern.match(instance.arn, NOTHING_KNOWN) === 'yes' ? '1' : '0';
    } else {
      // The outcome depends on the principal's variable values: an instance that could match stays
      // in a class of its own, which is exact, if slower.
      sig += pattern.match(instance.arn, NOTHING_KNOWN) === 'no' ? '0' : `[${instance.arn}]`;
    }
  }
  sig += '|';
  for (const condition of d.tagConditions) {
    if (condition.values.some((v) => v.includes('${'))) sig += `[${tagValue(instance, condition.key)}]`;
    else sig += evaluateCondition(condition, instance.context)[0];
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
  const bySignature = new Map<string, { representative: ManagedInstance; members: ManagedInstance[] }>();
  for (const instance of instances) {
    const sig = `${extraSignature(instance)}#${signature(instance, d)}`;
    const found = bySignature.get(sig);
    if (found) found.members.push(instance);
    else bySignature.set(sig, { representative: instance, members: [instance] });
  }
  return [...bySignature.values()].map((c, id) => ({ id, ...c }));
}
