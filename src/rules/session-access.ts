import {
  combineContexts,
  evaluate,
  evaluateCondition,
  evaluateVerdict,
  matchPolicy,
  requestContext,
  type RequestContext,
  type CompiledCondition,
  type CompiledPattern,
  type AttachedPolicy,
  type AuthorizationRequest,
  type CompiledPolicy,
  type Decision,
  type StatementMatch,
} from '../iam';
import type { InstanceClass } from './instance-classes';
import type { Principal } from './principals';
import type { PortDocument } from './session-documents';

/**
 * Who may open a Port session (SSH or port forwarding) to which instances.
 *
 * One StartSession call is authorized against two resources, the target instance and the session
 * document, and both must be allowed. The analysis asks the evaluator about each principal once per
 * document and once per instance class, and combines the two answers.
 *
 * Most principals of a large account hold no statement about ssm:StartSession at all, and those that
 * do mostly share the same few policies. So the per-class verdicts on instances are computed once per
 * distinct set of relevant policies and shared; the full decision with its deciding statements is
 * computed only where a report needs it.
 */
export const START_SESSION = 'ssm:StartSession';

export type Access = 'allowed' | 'conditional' | 'denied' | 'unknown';
type Verdict = Decision['decision'];

/** Both resources of one StartSession request, and the combined answer. */
export interface TargetDecision {
  readonly access: Access;
  readonly document: Decision;
  readonly instance: Decision | undefined;
}

export interface DocumentAccess {
  readonly document: PortDocument;
  /** The verdict on the document itself. */
  readonly verdict: Verdict;
  /** The decision on the document itself, with its deciding statements (computed on demand). */
  readonly decision: Decision;
  /** Indexed by instance class id; undefined when the document is denied, which denies every class. */
  readonly perClass: readonly Access[] | undefined;
  /** The most access over all classes. */
  readonly access: Access;
}

export interface PrincipalAccess {
  readonly principal: Principal;
  readonly documents: readonly DocumentAccess[];
  /** The full decision on one instance class, with its deciding statements (computed on demand). */
  instanceDecision(classId: number): Decision;
}

/** The combined decision for one document and one class, with both decisions for the reasons. */
export function targetFor(pa: PrincipalAccess, d: DocumentAccess, classId: number): TargetDecision {
  const access = d.perClass?.[classId] ?? 'denied';
  return { access, document: d.decision, instance: d.perClass ? pa.instanceDecision(classId) : undefined };
}

/** allowed > conditional > unknown > denied: the most access a principal has. */
const RANK: Record<Access, number> = { denied: 0, unknown: 1, conditional: 2, allowed: 3 };

export function mostAccess(accesses: Iterable<Access>): Access {
  let best: Access = 'denied';
  for (const a of accesses) if (RANK[a] > RANK[best]) best = a;
  return best;
}

function combine(document: Verdict, instance: Verdict): Access {
  if (document === 'denied' || instance === 'denied') return 'denied';
  if (document === 'unknown' || instance === 'unknown') return 'unknown';
  if (document === 'allowed' && instance === 'allowed') return 'allowed';
  return 'conditional';
}

/**
 * The context keys a principal's own context knows (see principals.ts): for a user its name, id, ARN
 * and tags; for a role only its ARN (a role session's tags and user id come from the session, and are
 * unknown for every role alike). A policy that reads one of these keys, in a condition or a policy
 * variable, can answer differently for two principals of that kind.
 */
const PRINCIPAL_KEYS: Record<Principal['type'], RegExp> = {
  user: /aws:(principal|username|userid)/i,
  role: /aws:principalarn/i,
};

/** The decision on instances the snapshot does not list: unknown, with nothing to cite. */
const UNLISTED_INSTANCES: Decision = Object.freeze({
  decision: 'unknown',
  invalidPolicies: [],
  statements: [],
});
const NO_MATCHES: readonly StatementMatch[] = Object.freeze([]);

/**
 * Caches statement matches per (policy, resource), and per principal too for the policies whose
 * answer can depend on who asks (policy variables, aws:Principal* / aws:username conditions).
 */
class MatchCache {
  private readonly matches = new WeakMap<CompiledPolicy, Map<string, readonly StatementMatch[]>>();
  private readonly dependsOnPrincipal = {
    user: new WeakMap<CompiledPolicy, boolean>(),
    role: new WeakMap<CompiledPolicy, boolean>(),
  };
  private readonly ids = new WeakMap<CompiledPolicy, number>();

  matcher(principal: Principal, resourceKey: string) {
    return (policy: CompiledPolicy, request: AuthorizationRequest): readonly StatementMatch[] => {
      // Most policies say nothing about ssm:StartSession: nothing to match, nothing to remember.
      if (policy.statementsFor(request.action).length === 0) return NO_MATCHES;
      let perPolicy = this.matches.get(policy);
      if (!perPolicy) {
        perPolicy = new Map();
        this.matches.set(policy, perPolicy);
      }
      const key = this.principalDependent(policy, principal.type)
        ? `${principal.arn}\u0000${resourceKey}`
        : `${principal.type}\u0000${resourceKey}`;
      let found = perPolicy.get(key);
      if (!found) {
        found = matchPolicy(policy, request);
        perPolicy.set(key, found);
      }
      return found;
    };
  }

  principalDependent(policy: CompiledPolicy, type: Principal['type']): boolean {
    const cache = this.dependsOnPrincipal[type];
    let depends = cache.get(policy);
    if (depends === undefined) {
      const known = PRINCIPAL_KEYS[type];
      // A variable whose key the principal's context knows; users also know absent keys exactly.
      const variable = (text: string): boolean =>
        text.includes('${') && (type === 'user' || /\$\{[^}]*aws:principalarn/i.test(text));
      depends = policy
        .statementsFor(START_SESSION)
        .some(
          (s) =>
            s.resources.patterns.some((p) => p.hasVariables && variable(p.source)) ||
            s.conditions.some((c) => known.test(c.key) || c.values.some(variable)),
        );
      cache.set(policy, depends);
    }
    return depends;
  }

  /** A small number per distinct compiled policy. */
  id(policy: CompiledPolicy): number {
    let id = this.ids.get(policy);
    if (id === undefined) {
      id = this.nextId++;
      this.ids.set(policy, id);
    }
    return id;
  }

  private nextId = 0;
}

/**
 * What decides a principal's StartSession verdicts: the policies (per layer) that have a statement
 * about ssm:StartSession, and the principal itself when one of them depends on who asks. Principals
 * with the same key get the same verdict on every instance class.
 */
function verdictKey(principal: Principal, cache: MatchCache): string {
  let dependent = false;
  const layer = (name: string, attached: readonly AttachedPolicy[] | undefined): string => {
    if (!attached) return '';
    const parts: string[] = [];
    for (const a of attached) {
      if (!a.compiled.ok) {
        parts.push(`!${a.origin.policyName}@${a.origin.attachedTo}`);
        continue;
      }
      if (a.compiled.policy.statementsFor(START_SESSION).length === 0) continue;
      parts.push(String(cache.id(a.compiled.policy)));
      dependent ||= cache.principalDependent(a.compiled.policy, principal.type);
    }
    return `${name}[${parts.sort().join(',')}]`;
  };
  const p = principal.policies;
  const key =
    layer('I', p.identity) + layer('B', p.boundary) + (p.scpLevels ?? []).map((l) => layer('S', l)).join('');
  // Users and roles see different principal contexts, so they never share verdicts.
  return `${principal.type}:${key}${dependent ? `#${principal.arn}` : ''}`;
}

const TAG_KEY = /^(ssm:resourcetag|aws:resourcetag)\//i;
const NOTHING_KNOWN = requestContext();

/** Classes grouped: `group[classId]` is the group of a class; classes of one group get one verdict. */
interface Partition {
  readonly group: Int32Array;
  readonly groups: number;
}

/**
 * Which instance classes a set of policies cannot tell apart. Classes are cut by every pattern and tag
 * condition in the account, but one principal's verdict depends only on the few in its own statements:
 * classes alike on those get the same verdict, which is computed once.
 *
 * A policy's partition is computed once, from vectors over classes (one per pattern and per tag
 * condition), and a principal's is the common refinement of its policies' partitions. A pattern or a
 * condition with a policy variable depends on values this grouping does not see (a resource tag in a
 * variable, a user name in an ARN), so it puts every class in a group of its own: exact, if slower.
 * Only tag conditions can see a difference between classes: an instance's request context knows
 * nothing but its tags.
 */
class ClassPartitions {
  /** Per pattern text (or pattern, when its text alone does not say how it reads), its classes. */
  private readonly byPattern = new Map<CompiledPattern | string, Partition>();
  /** Per condition text, the outcome on each class. */
  private readonly byCondition = new Map<string, Partition>();
  private readonly byPolicy = new WeakMap<CompiledPolicy, Partition>();
  private readonly refinements = new Map<Partition, Map<Partition, Partition>>();
  private readonly whole: Partition;
  private readonly separate: Partition;

  constructor(private readonly classes: readonly InstanceClass[]) {
    this.whole = { group: new Int32Array(classes.length), groups: classes.length ? 1 : 0 };
    this.separate = { group: Int32Array.from(classes, (c) => c.id), groups: classes.length };
  }

  /** The partition of every class by the StartSession statements of these policies. */
  of(policies: readonly CompiledPolicy[]): Partition {
    let partition = this.whole;
    for (const policy of policies) partition = this.refine(partition, this.ofPolicy(policy));
    return partition;
  }

  private ofPolicy(policy: CompiledPolicy): Partition {
    let partition = this.byPolicy.get(policy);
    if (partition) return partition;
    partition = this.whole;
    for (const statement of policy.statementsFor(START_SESSION)) {
      for (const pattern of statement.resources.patterns) {
        if (pattern.matchesEverything) continue;
        partition = this.refine(partition, pattern.hasVariables ? this.separate : this.ofPattern(pattern));
      }
      for (const condition of statement.conditions) {
        if (condition.values.some((v) => v.includes('${'))) partition = this.separate;
        else if (TAG_KEY.test(condition.key)) partition = this.refine(partition, this.ofCondition(condition));
      }
    }
    this.byPolicy.set(policy, partition);
    return partition;
  }

  /** Matching classes in group 1, the others in group 0. */
  private ofPattern(pattern: CompiledPattern): Partition {
    // Policies repeat the same few patterns; text with "${" may read differently by policy version.
    const key = pattern.source.includes('${') ? pattern : pattern.source;
    let partition = this.byPattern.get(key);
    if (!partition) {
      const group = Int32Array.from(this.classes, (c) =>
        pattern.match(c.representative.arn, NOTHING_KNOWN) === 'yes' ? 1 : 0,
      );
      partition = { group, groups: 2 };
      this.byPattern.set(key, partition);
    }
    return partition;
  }

  /** Classes by the condition's outcome on their tags: no, yes, maybe. */
  private ofCondition(condition: CompiledCondition): Partition {
    const key = `${condition.operatorText}\u0000${condition.key.toLowerCase()}\u0000${condition.values.join('\u0001')}`;
    let partition = this.byCondition.get(key);
    if (!partition) {
      const group = Int32Array.from(this.classes, (c) => {
        const r = evaluateCondition(condition, c.representative.context);
        return r === 'no' ? 0 : r === 'yes' ? 1 : 2;
      });
      partition = { group, groups: 3 };
      this.byCondition.set(key, partition);
    }
    return partition;
  }

  /** The common refinement: two classes share a group only when they share one in both. */
  private refine(a: Partition, b: Partition): Partition {
    if (a === this.whole || b === this.separate) return b;
    if (b === this.whole || a === this.separate || a === b) return a;
    let cached = this.refinements.get(a)?.get(b);
    if (cached) return cached;
    const n = this.classes.length;
    const group = new Int32Array(n);
    const ids = new Map<number, number>();
    for (let c = 0; c < n; c++) {
      const pair = (a.group[c] as number) * b.groups + (b.group[c] as number);
      let id = ids.get(pair);
      if (id === undefined) {
        id = ids.size;
        ids.set(pair, id);
      }
      group[c] = id;
    }
    cached = ids.size === n ? this.separate : { group, groups: ids.size };
    let row = this.refinements.get(a);
    if (!row) {
      row = new Map();
      this.refinements.set(a, row);
    }
    row.set(b, cached);
    return cached;
  }
}

/** The compiled policies, in every layer, that say something about ssm:StartSession. */
function sessionPolicies(principal: Principal): CompiledPolicy[] {
  const found = new Set<CompiledPolicy>();
  const p = principal.policies;
  for (const attached of [p.identity, p.boundary ?? [], ...(p.scpLevels ?? [])]) {
    for (const a of attached) {
      if (a.compiled.ok && a.compiled.policy.statementsFor(START_SESSION).length > 0)
        found.add(a.compiled.policy);
    }
  }
  return [...found];
}

/** What principals with the same verdict key share: the verdicts on every class and on each document. */
interface SharedVerdicts {
  readonly perClass: readonly Verdict[];
  readonly documents: Map<string, { readonly verdict: Verdict; readonly access: DocumentAccessShared }>;
}

interface DocumentAccessShared {
  readonly perClass: readonly Access[] | undefined;
  readonly access: Access;
}

export function analyzeSessionAccess(
  principals: readonly Principal[],
  documents: readonly PortDocument[],
  classes: readonly InstanceClass[],
): PrincipalAccess[] {
  const cache = new MatchCache();
  const shared = new Map<string, SharedVerdicts>();
  const partitions = new ClassPartitions(classes);

  return principals.map((principal): PrincipalAccess => {
    const request = (resource: string, context: RequestContext): AuthorizationRequest => ({
      action: START_SESSION,
      resource,
      context: combineContexts(context, principal.context),
    });
    const onClass = (c: InstanceClass) => ({
      request: request(c.representative.arn, c.representative.context),
      options: { matchPolicy: cache.matcher(principal, `class:${c.id}`) },
    });
    const full = new Map<number, Decision>();
    const instanceDecision = (classId: number): Decision => {
      let d = full.get(classId);
      if (!d) {
        const c = classes[classId] as InstanceClass;
        if (c.representative.placeholder) d = UNLISTED_INSTANCES;
        else {
          const { request: r, options } = onClass(c);
          d = evaluate(principal.policies, r, options);
        }
        full.set(classId, d);
      }
      return d;
    };

    const key = verdictKey(principal, cache);
    let verdicts = shared.get(key);
    if (!verdicts) {
      const partition = partitions.of(sessionPolicies(principal));
      const byGroup = new Array<Verdict | undefined>(partition.groups);
      const perClass = classes.map((c): Verdict => {
        // The stand-in for unlisted instances is never evaluated: nothing is known of them.
        if (c.representative.placeholder) return 'unknown';
        const g = partition.group[c.id] as number;
        let v = byGroup[g];
        if (v === undefined) {
          const { request: r, options } = onClass(c);
          v = evaluateVerdict(principal.policies, r, options);
          byGroup[g] = v;
        }
        return v;
      });
      verdicts = { perClass, documents: new Map() };
      shared.set(key, verdicts);
    }
    const instanceVerdicts = verdicts.perClass;
    const sharedDocuments = verdicts.documents;

    const docs = documents.map((document): DocumentAccess => {
      const documentRequest = (): AuthorizationRequest => request(document.arn, document.context);
      const options = { matchPolicy: cache.matcher(principal, document.arn) };
      let found = sharedDocuments.get(document.arn);
      if (!found) {
        const verdict = evaluateVerdict(principal.policies, documentRequest(), options);
        let access: DocumentAccessShared;
        // A principal denied the document is denied on every instance: no need to ask about them.
        if (verdict === 'denied') access = { perClass: undefined, access: 'denied' };
        else {
          const perClass = instanceVerdicts.map((v): Access => {
            const a = combine(verdict, v);
            // Access to a document of unknown type may be access to a Port document: unknown, not denied.
            return document.placeholder && a !== 'denied' ? 'unknown' : a;
          });
          access = { perClass, access: mostAccess(perClass) };
        }
        found = { verdict, access };
        sharedDocuments.set(document.arn, found);
      }
      // The full decision, with its deciding statements, only where a report asks for it.
      let decision: Decision | undefined;
      return {
        document,
        verdict: found.verdict,
        get decision(): Decision {
          decision ??= evaluate(principal.policies, documentRequest(), options);
          return decision;
        },
        perClass: found.access.perClass,
        access: found.access.access,
      };
    });
    return { principal, documents: docs, instanceDecision };
  });
}
