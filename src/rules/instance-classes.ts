import {
  evaluateCondition,
  policyVariableKeys,
  type CompiledCondition,
  type CompiledPattern,
  type CompiledPolicy,
  type Tri,
} from '../iam';
import type { ManagedInstance } from './instances';
import { firstMembers, partitionBy, refine, wholePartition } from './partition';
import { conditionKey, NOTHING_KNOWN, patternKey, TAG_KEY } from './statement-parts';

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

interface Distinctions {
  /** Patterns without wildcards or variables: an instance matches at most one, found by its ARN. */
  readonly literals: ReadonlyMap<string, number>;
  readonly wildcards: readonly CompiledPattern[];
  readonly variables: readonly CompiledPattern[];
  /** Conditions on an instance tag with fixed values: the outcome depends on the tag's value only. */
  readonly tagConditions: readonly CompiledCondition[];
  /**
   * Tag keys whose value a condition with a policy variable compares or substitutes (the outcome
   * depends on the principal too), or a NotResource pattern substitutes: instances are told apart by
   * the value itself.
   */
  readonly variableTagKeys: readonly string[];
}

function distinctions(policies: readonly CompiledPolicy[], action: string): Distinctions {
  const seen = new Set<CompiledPattern | string>();
  const literals = new Map<string, number>();
  const wildcards: CompiledPattern[] = [];
  const variables: CompiledPattern[] = [];
  const tagConditions = new Map<string, CompiledCondition>();
  const variableTagKeys = new Set<string>();
  for (const policy of policies) {
    for (const statement of policy.statementsFor(action)) {
      for (const pattern of statement.resources.patterns) {
        // Broadly read, a NotResource pattern whose variable has no value voids its statement (see
        // Reading in pattern.ts): whether an instance has the tag tells it apart, matched or not.
        if (statement.resources.negated && pattern.hasVariables)
          for (const key of policyVariableKeys(pattern.source))
            if (TAG_KEY.test(key)) variableTagKeys.add(key.toLowerCase());
        const key = patternKey(pattern);
        if (pattern.matchesEverything || seen.has(key)) continue;
        seen.add(key);
        if (pattern.literal !== undefined) {
          if (!literals.has(pattern.literal)) literals.set(pattern.literal, literals.size);
        } else if (pattern.hasVariables) variables.push(pattern);
        else wildcards.push(pattern);
      }
      for (const condition of statement.conditions) {
        // Read by the matcher's own parser: a tag key may hold spaces, as in `${aws:ResourceTag/cost center}`.
        const referenced = condition.values.flatMap(policyVariableKeys);
        if (referenced.length > 0) {
          for (const key of [condition.key, ...referenced])
            if (TAG_KEY.test(key)) variableTagKeys.add(key.toLowerCase());
          continue;
        }
        if (!TAG_KEY.test(condition.key)) continue;
        const key = conditionKey(condition);
        if (!tagConditions.has(key)) tagConditions.set(key, condition);
      }
    }
  }
  return {
    literals,
    wildcards,
    variables,
    tagConditions: [...tagConditions.values()],
    variableTagKeys: [...variableTagKeys],
  };
}

/**
 * Each instance's value of one tag condition key, as a small number: instances with the same number
 * have the same value (or are alike in not having the tag, or in their tags being unknown).
 */
export class TagValues {
  private readonly byKey = new Map<string, { ids: Int32Array; values: number; firstWith: number[] }>();
  constructor(private readonly instances: readonly ManagedInstance[]) {}

  of(key: string): { ids: Int32Array; values: number; firstWith: number[] } {
    const lower = key.toLowerCase();
    let found = this.byKey.get(lower);
    if (!found) {
      // Keyed by the value itself, which costs no string per instance: a tag has one value, while
      // several (a generic context) get a number of their own, as do absent and unknown.
      const several = new Map<string, number>();
      const byValue = partitionBy(this.instances, (instance): string | number => {
        const state = instance.context.lookup(key);
        if (state.state !== 'present') return state.state === 'absent' ? -1 : -2;
        if (state.values.length === 1) return state.values[0] as string;
        const json = JSON.stringify(state.values);
        let id = several.get(json);
        if (id === undefined) several.set(json, (id = -3 - several.size));
        return id;
      });
      found = { ids: byValue.group, values: byValue.groups, firstWith: firstMembers(byValue) };
      this.byKey.set(lower, found);
    }
    return found;
  }

  /**
   * A tag condition's outcome for each value of its key (0 no, 1 yes, 2 maybe; below `outcomeCount`),
   * indexed like the ids of `of(condition.key)`. The outcome depends on that value alone, so it is
   * evaluated once per value. A condition with an ARN value that reads two ways (see Reading in
   * pattern.ts) has one outcome per pair of readings' answers, so that values the broad reading alone
   * tells apart stay apart.
   */
  outcomesByValue(condition: CompiledCondition): number[] {
    const code = (r: Tri): number => (r === 'no' ? 0 : r === 'yes' ? 1 : 2);
    const twoWays = condition.ambiguousValues.length > 0;
    return this.of(condition.key).firstWith.map((i) => {
      const context = (this.instances[i] as ManagedInstance).context;
      const strict = code(evaluateCondition(condition, context));
      return twoWays ? strict * 3 + code(evaluateCondition(condition, context, 'broad')) : strict;
    });
  }
}

/** How many outcomes `TagValues.outcomesByValue` may give the condition. */
export function outcomeCount(condition: CompiledCondition): number {
  return condition.ambiguousValues.length > 0 ? 9 : 3;
}

/** Where the resource segment of an ARN starts: after its fifth colon (-1 when there is none). */
function resourceStart(arn: string): number {
  let at = -1;
  for (let k = 0; k < 5; k++) {
    at = arn.indexOf(':', at + 1);
    if (at < 0) return -1;
  }
  return at + 1;
}

/** Instances grouped by their ARN up to the last `/` (`arn:aws:ec2:eu-west-1:1111:instance/`). */
interface ArnHeads {
  readonly heads: readonly string[];
  readonly members: readonly (readonly number[])[];
}

function arnHead(arn: string): string {
  // A wildcard stands for line breaks too (see pattern.ts), so an id with one needs no head of its own.
  return arn.slice(0, arn.lastIndexOf('/') + 1);
}

function arnHeads(instances: readonly ManagedInstance[]): ArnHeads {
  const byHead = partitionBy(instances, (instance) => arnHead(instance.arn));
  const members = Array.from({ length: byHead.groups }, (): number[] => []);
  byHead.group.forEach((g, i) => (members[g] as number[]).push(i));
  const heads = firstMembers(byHead).map((i) => arnHead((instances[i] as ManagedInstance).arn));
  return { heads, members };
}

/** The literal text before the first wildcard. */
function beforeWildcard(text: string): string {
  const at = text.search(/[*?]/);
  return at < 0 ? text : text.slice(0, at);
}

/**
 * The instances a wildcard pattern matches, as 0/1 per instance: what `pattern.match` says of each
 * instance's ARN, found without asking it about most of them. Instances are taken by ARN head (the
 * ARN up to the instance id), of which an inventory has a handful:
 * - the text before the pattern's first wildcard must begin the ARN, and so must the text before the
 *   first wildcard of its resource segment begin the ARN's resource segment. (Wildcards in the first
 *   five segments never run past a colon, so the resource segments line up.) Bucket, table and
 *   document patterns fail this on the head alone;
 * - a pattern that ends in `/*`, with that `/` in its resource segment, matches every ARN of a head or
 *   none: its last `/` can only stand for one in the head, since instance ids come after the head's
 *   last `/`, and the `*` takes the id whatever it is.
 */
function patternHits(
  pattern: CompiledPattern,
  instances: readonly ManagedInstance[],
  heads: ArnHeads,
): Uint8Array {
  const source = pattern.source;
  // `${*}`, `${?}` and `${$}` are literal characters: the text does not show where the wildcards
  // are, so such a pattern is asked about every instance.
  if (source.includes('${')) {
    const hits = new Uint8Array(instances.length);
    instances.forEach((instance, i) => {
      if (pattern.match(instance.arn, NOTHING_KNOWN) === 'yes') hits[i] = 1;
    });
    return hits;
  }
  const prefix = beforeWildcard(source);
  const patternResource = resourceStart(source);
  const resourcePrefix = patternResource < 0 ? '' : beforeWildcard(source.slice(patternResource));
  const wholeHead =
    source.endsWith('/*') && patternResource >= 0 && source.lastIndexOf('/') >= patternResource;
  const hits = new Uint8Array(instances.length);
  heads.heads.forEach((head, h) => {
    const members = heads.members[h] as readonly number[];
    // Decided by the head alone when the literal text ends within it.
    if (prefix.length <= head.length ? !head.startsWith(prefix) : !prefix.startsWith(head)) return;
    const headResource = resourceStart(head);
    if (resourcePrefix && headResource >= 0) {
      const resource = head.slice(headResource);
      const fits =
        resourcePrefix.length <= resource.length
          ? resource.startsWith(resourcePrefix)
          : resourcePrefix.startsWith(resource);
      if (!fits) return;
    }
    if (wholeHead && headResource >= 0) {
      const first = instances[members[0] as number] as ManagedInstance;
      if (pattern.match(first.arn, NOTHING_KNOWN) === 'yes') for (const i of members) hits[i] = 1;
      return;
    }
    for (const i of members) {
      const arn = (instances[i] as ManagedInstance).arn;
      if (arn.startsWith(prefix) && pattern.match(arn, NOTHING_KNOWN) === 'yes') hits[i] = 1;
    }
  });
  return hits;
}

/**
 * A pattern without variables on an ARN, as a group: 1 when it matches, 2 when only its broad reading
 * does (see Reading in pattern.ts), 0 when neither does.
 */
export function readingsGroup(pattern: CompiledPattern, arn: string): number {
  if (pattern.match(arn, NOTHING_KNOWN) === 'yes') return 1;
  return pattern.ambiguous && pattern.match(arn, NOTHING_KNOWN, 'broad') === 'yes' ? 2 : 0;
}

export function classifyInstances(
  instances: readonly ManagedInstance[],
  policies: readonly CompiledPolicy[],
  action: string,
  extraSignature: (instance: ManagedInstance) => string = () => '',
): InstanceClass[] {
  const d = distinctions(policies, action);
  const n = instances.length;
  let partition = partitionBy(instances, extraSignature);

  if (d.literals.size > 0) {
    const vector = new Int32Array(n);
    instances.forEach((instance, i) => (vector[i] = (d.literals.get(instance.arn) ?? -1) + 1));
    partition = refine(partition, vector, d.literals.size + 1);
  }
  const heads = arnHeads(instances);
  for (const pattern of d.wildcards) {
    if (pattern.ambiguous) {
      // Its two readings (see Reading in pattern.ts) need not line up with the ARN heads, so every
      // instance of a head that its literal start allows is asked, under both. (A document pattern
      // allows none.)
      const prefix = beforeWildcard(pattern.source);
      const groups = new Int32Array(n);
      heads.heads.forEach((head, h) => {
        if (prefix.length <= head.length ? !head.startsWith(prefix) : !prefix.startsWith(head)) return;
        for (const i of heads.members[h] as readonly number[])
          groups[i] = readingsGroup(pattern, (instances[i] as ManagedInstance).arn);
      });
      partition = refine(partition, groups, 3);
      continue;
    }
    const hits = patternHits(pattern, instances, heads);
    let count = 0;
    for (let i = 0; i < n; i++) count += hits[i] as number;
    // A pattern that matches every instance or none tells none apart.
    if (count > 0 && count < n) partition = refine(partition, hits, 2);
  }
  for (const pattern of d.variables) {
    // The outcome depends on the principal's variable values: an instance that could match stays
    // in a class of its own, which is exact, if slower.
    const vector = new Int32Array(n);
    instances.forEach((instance, i) => {
      const never =
        pattern.match(instance.arn, NOTHING_KNOWN) === 'no' &&
        (!pattern.ambiguous || pattern.match(instance.arn, NOTHING_KNOWN, 'broad') === 'no');
      vector[i] = never ? 0 : i + 1;
    });
    partition = refine(partition, vector, n + 1);
  }

  const tagValues = new TagValues(instances);
  // A condition's outcome depends only on the instance's value of its one key. So the values of each
  // key are grouped by the outcomes of all the conditions on that key, one condition at a time over
  // the few distinct values, and the instances are then split once per key.
  const conditionsByKey = new Map<string, CompiledCondition[]>();
  for (const condition of d.tagConditions) {
    const key = condition.key.toLowerCase();
    const same = conditionsByKey.get(key);
    if (same) same.push(condition);
    else conditionsByKey.set(key, [condition]);
  }
  for (const [key, conditions] of conditionsByKey) {
    const { ids, values } = tagValues.of(key);
    if (values <= 1) continue;
    let byValue = wholePartition(values);
    for (const condition of conditions)
      byValue = refine(byValue, tagValues.outcomesByValue(condition), outcomeCount(condition));
    if (byValue.groups > 1)
      partition = refine(
        partition,
        Int32Array.from(ids, (id) => byValue.group[id] as number),
        byValue.groups,
      );
  }
  for (const key of d.variableTagKeys) {
    const { ids, values } = tagValues.of(key);
    if (values > 1) partition = refine(partition, ids, values);
  }

  const classes: { id: number; representative: ManagedInstance; members: ManagedInstance[] }[] = [];
  instances.forEach((instance, i) => {
    const id = partition.group[i] as number;
    const found = classes[id];
    if (found) found.members.push(instance);
    else classes[id] = { id, representative: instance, members: [instance] };
  });
  return classes;
}
