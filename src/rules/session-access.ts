import {
  combineContexts,
  evaluate,
  requestContext,
  evaluateVerdict,
  matchPolicy,
  type RequestContext,
  type CompiledCondition,
  type CompiledPattern,
  type AttachedPolicy,
  type AuthorizationRequest,
  type CompiledPolicy,
  type Decision,
  type EvaluateOptions,
  type ResourceMatcher,
  type StatementMatch,
} from '../iam';
import { outcomeCount, readingsGroup, TagValues, type InstanceClass } from './instance-classes';
import type { Principal } from './principals';
import type { PortDocument } from './session-documents';
import { Numbering } from './numbering';
import { refine, separatePartition, wholePartition, type Partition } from './partition';
import { conditionKey, patternKey, TAG_KEY } from './statement-parts';

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
  /** The verdict on each instance class alone, indexed by class id, whatever the document. */
  readonly instanceVerdicts: readonly Verdict[];
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
export const UNLISTED_INSTANCES: Decision = Object.freeze({
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
  /**
   * Per policy, per asker, per resource key. The asker is the principal's type, or, for a policy whose
   * answer depends on who asks, the principal itself: not its ARN, since nothing stops a snapshot from
   * giving two principals with different names or tags one ARN, or a principal the ARN "role".
   */
  private readonly matches = new WeakMap<
    CompiledPolicy,
    {
      readonly byType: Map<string, Map<string, readonly StatementMatch[]>>;
      readonly byPrincipal: Map<Principal, Map<string, readonly StatementMatch[]>>;
    }
  >();
  /** Principals by number: a principal's ARN in a snapshot is not sure to be unique. */
  readonly principals = new Numbering<Principal>();
  readonly policies = new Numbering<CompiledPolicy>();
  private readonly dependsOnPrincipal = {
    user: new WeakMap<CompiledPolicy, boolean>(),
    role: new WeakMap<CompiledPolicy, boolean>(),
  };

  matcher(principal: Principal, resourceKey: string, resources?: ResourceMatcher) {
    return (policy: CompiledPolicy, request: AuthorizationRequest): readonly StatementMatch[] => {
      // Most policies say nothing about ssm:StartSession: nothing to match, nothing to remember.
      if (policy.statementsFor(request.action).length === 0) return NO_MATCHES;
      let perPolicy = this.matches.get(policy);
      if (!perPolicy) {
        perPolicy = { byType: new Map(), byPrincipal: new Map() };
        this.matches.set(policy, perPolicy);
      }
      // Nested maps rather than one joined key: the keys are made once, so their hashes are kept, and
      // no two keys can run together.
      const dependent = this.principalDependent(policy, principal.type);
      let perAsker = dependent ? perPolicy.byPrincipal.get(principal) : perPolicy.byType.get(principal.type);
      if (!perAsker) {
        perAsker = new Map();
        if (dependent) perPolicy.byPrincipal.set(principal, perAsker);
        else perPolicy.byType.set(principal.type, perAsker);
      }
      let found = perAsker.get(resourceKey);
      if (!found) {
        found = matchPolicy(policy, request, resources);
        perAsker.set(resourceKey, found);
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
      parts.push(String(cache.policies.of(a.compiled.policy)));
      dependent ||= cache.principalDependent(a.compiled.policy, principal.type);
    }
    return `${name}[${parts.sort().join(',')}]`;
  };
  const p = principal.policies;
  const key =
    layer('I', p.identity) + layer('B', p.boundary) + (p.scpLevels ?? []).map((l) => layer('S', l)).join('');
  // Users and roles see different principal contexts, so they never share verdicts.
  return `${principal.type}:${key}${dependent ? `#${cache.principals.of(principal)}` : ''}`;
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
  /** A number per distinct partition this object has handed out. */
  readonly numbers = new Numbering<Partition>();
  private readonly whole: Partition;
  private readonly separate: Partition;
  /** Each class's value of each tag key a condition reads, made on first use. */
  private tagValues: TagValues | undefined;

  constructor(private readonly classes: readonly InstanceClass[]) {
    this.whole = wholePartition(classes.length);
    this.separate = separatePartition(classes.length);
  }

  /**
   * Per group, its first class, by id, that is not the stand-in for unlisted instances, which is never
   * evaluated because nothing is known of them (-1 when the group holds nothing else).
   */
  firstOfGroups(partition: Partition): Int32Array {
    let found = this.firsts.get(partition);
    if (!found) {
      found = new Int32Array(partition.groups).fill(-1);
      for (const c of this.classes) {
        if (c.representative.placeholder) continue;
        const g = partition.group[c.id] as number;
        if (found[g] === -1) found[g] = c.id;
      }
      this.firsts.set(partition, found);
    }
    return found;
  }

  private readonly firsts = new WeakMap<Partition, Int32Array>();

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

  /** Matching classes in group 1, those only the broad reading matches in group 2, the others in 0. */
  private ofPattern(pattern: CompiledPattern): Partition {
    // Policies repeat the same few patterns; text with "${" may read differently by policy version.
    const key = patternKey(pattern);
    let partition = this.byPattern.get(key);
    if (!partition) {
      const hits = this.classes.map((c) => readingsGroup(pattern, c.representative.arn));
      partition = refine(this.whole, hits, 3);
      this.byPattern.set(key, partition);
    }
    return partition;
  }

  /**
   * Classes by the condition's outcome on their tags: no, yes, maybe. The outcome depends only on the
   * value of the condition's one tag key, so it is worked out once per distinct value.
   */
  private ofCondition(condition: CompiledCondition): Partition {
    const key = conditionKey(condition);
    let partition = this.byCondition.get(key);
    if (!partition) {
      this.tagValues ??= new TagValues(this.classes.map((c) => c.representative));
      const outcomeOfValue = this.tagValues.outcomesByValue(condition);
      const outcomes = Array.from(this.tagValues.of(condition.key).ids, (id) => outcomeOfValue[id] as number);
      partition = refine(this.whole, outcomes, outcomeCount(condition));
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
    cached = refine(a, b.group, b.groups);
    if (cached.groups === this.classes.length) cached = this.separate;
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
  readonly documents: Map<string, SharedDocument>;
}

interface SharedDocument {
  readonly verdict: Verdict;
  readonly perClass: readonly Access[] | undefined;
  readonly access: Access;
  /** The full decision, once one that can be shared has been computed. */
  decision: Decision | undefined;
}

/** Everything one analysis shares between principals. */
class Analysis {
  readonly cache = new MatchCache();
  readonly shared = new Map<string, SharedVerdicts>();
  readonly partitions: ClassPartitions;
  /**
   * Per-class arrays are interned: thousands of verdict keys come down to a few dozen distinct arrays
   * (every EC2 instance, one team's instances, nothing), and the audit derives its lists from each
   * distinct array once.
   */
  private readonly verdictArrays = new Map<string, readonly Verdict[]>();
  private readonly accessArrays = new WeakMap<readonly Verdict[], Map<string, readonly Access[]>>();

  constructor(
    readonly classes: readonly InstanceClass[],
    readonly documents: readonly PortDocument[],
    private readonly requestedRegion: RequestContext,
  ) {
    this.partitions = new ClassPartitions(classes);
    this.classKeys = classes.map((c) => `class:${c.id}`);
  }

  /** The match cache's resource key of each class, made once. */
  private readonly classKeys: readonly string[];

  verdictsFor(principal: Principal, key: string): SharedVerdicts {
    let verdicts = this.shared.get(key);
    if (!verdicts) {
      const partition = this.partitions.of(sessionPolicies(principal));
      // One evaluation per group, on its first class.
      const byGroup = Array.from(this.partitions.firstOfGroups(partition), (id) =>
        id < 0
          ? undefined
          : evaluateVerdict(
              principal.policies,
              ...this.onClass(principal, this.classes[id] as InstanceClass),
            ),
      );
      const perClass = this.internVerdicts(
        `${this.partitions.numbers.of(partition)}:${byGroup.join(',')}`,
        () =>
          this.classes.map((c) =>
            c.representative.placeholder ? 'unknown' : (byGroup[partition.group[c.id] as number] as Verdict),
          ),
      );
      verdicts = { perClass, documents: new Map() };
      this.shared.set(key, verdicts);
    }
    return verdicts;
  }

  private internVerdicts(key: string, make: () => readonly Verdict[]): readonly Verdict[] {
    let found = this.verdictArrays.get(key);
    if (!found) {
      found = make();
      this.verdictArrays.set(key, found);
    }
    return found;
  }

  /** The most access over the classes, once per interned array. */
  mostAccessOf(perClass: readonly Access[]): Access {
    let found = this.mostAccessOfArray.get(perClass);
    if (found === undefined) {
      found = mostAccess(perClass);
      this.mostAccessOfArray.set(perClass, found);
    }
    return found;
  }

  private readonly mostAccessOfArray = new WeakMap<readonly Access[], Access>();

  /** The access on each class through a document the principal is not denied. */
  accessFor(instanceVerdicts: readonly Verdict[], verdict: Verdict, placeholder: boolean): readonly Access[] {
    let byDocument = this.accessArrays.get(instanceVerdicts);
    if (!byDocument) {
      byDocument = new Map();
      this.accessArrays.set(instanceVerdicts, byDocument);
    }
    const key = `${verdict}:${placeholder}`;
    let found = byDocument.get(key);
    if (!found) {
      found = instanceVerdicts.map((v): Access => {
        const a = combine(verdict, v);
        // Access to a document of unknown type may be access to a Port document: unknown, not denied.
        return placeholder && a !== 'denied' ? 'unknown' : a;
      });
      byDocument.set(key, found);
    }
    return found;
  }

  request(principal: Principal, resource: string, context: RequestContext): AuthorizationRequest {
    return {
      action: START_SESSION,
      resource,
      context: combineContexts(context, this.requestedRegion, principal.context),
    };
  }

  onClass(principal: Principal, c: InstanceClass): [AuthorizationRequest, EvaluateOptions] {
    return [
      this.request(principal, c.representative.arn, c.representative.context),
      { matchPolicy: this.cache.matcher(principal, this.classKeys[c.id] as string) },
    ];
  }
}

class PrincipalSessionAccess implements PrincipalAccess {
  readonly documents: readonly DocumentAccess[];
  readonly instanceVerdicts: readonly Verdict[];
  private full: Map<number, Decision> | undefined;

  constructor(
    readonly principal: Principal,
    private readonly analysis: Analysis,
  ) {
    const key = verdictKey(principal, analysis.cache);
    const verdicts = analysis.verdictsFor(principal, key);
    this.instanceVerdicts = verdicts.perClass;
    this.documents = analysis.documents.map((document) => {
      let entry = verdicts.documents.get(document.arn);
      if (!entry) {
        const verdict = evaluateVerdict(principal.policies, ...this.onDocument(document));
        // A principal denied the document is denied on every instance: no need to ask about them.
        const perClass =
          verdict === 'denied'
            ? undefined
            : analysis.accessFor(verdicts.perClass, verdict, document.placeholder === true);
        entry = {
          verdict,
          perClass,
          access: perClass ? analysis.mostAccessOf(perClass) : 'denied',
          decision: undefined,
        };
        verdicts.documents.set(document.arn, entry);
      }
      return new PrincipalDocumentAccess(this, document, entry);
    });
  }

  onDocument(document: PortDocument): [AuthorizationRequest, EvaluateOptions] {
    return [
      this.analysis.request(this.principal, document.arn, document.context),
      { matchPolicy: this.analysis.cache.matcher(this.principal, document.arn, document.resources) },
    ];
  }

  instanceDecision(classId: number): Decision {
    this.full ??= new Map();
    let d = this.full.get(classId);
    if (!d) {
      const c = this.analysis.classes[classId] as InstanceClass;
      d = c.representative.placeholder
        ? UNLISTED_INSTANCES
        : evaluate(this.principal.policies, ...this.analysis.onClass(this.principal, c));
      this.full.set(classId, d);
    }
    return d;
  }
}

class PrincipalDocumentAccess implements DocumentAccess {
  private own: Decision | undefined;

  constructor(
    private readonly owner: PrincipalSessionAccess,
    readonly document: PortDocument,
    private readonly entry: SharedDocument,
  ) {}

  get verdict(): Verdict {
    return this.entry.verdict;
  }

  get perClass(): readonly Access[] | undefined {
    return this.entry.perClass;
  }

  get access(): Access {
    return this.entry.access;
  }

  /** The full decision, with its deciding statements, only where a report asks for it. */
  get decision(): Decision {
    this.own ??= this.entry.decision;
    if (!this.own) {
      this.own = evaluate(this.owner.principal.policies, ...this.owner.onDocument(this.document));
      // A decision that cites no statement (nothing allows: the usual answer) names nothing of this
      // principal's, so every principal with the same verdict key gets this very one.
      if (this.own.statements.length === 0 && this.own.decision !== 'unknown') this.entry.decision = this.own;
    }
    return this.own;
  }
}

/**
 * The region every request of the audit is sent to: a session on an instance or with a document of
 * the snapshot's region can only be started through that region's endpoint, so `aws:RequestedRegion`
 * is known, not a request value that varies.
 */
export function requestedRegionContext(region: string): RequestContext {
  return requestContext({ values: { 'aws:RequestedRegion': region } });
}

/**
 * Each principal's access to each document and instance class. `requestedRegion` holds
 * `aws:RequestedRegion` (see `requestedRegionContext`), known for every request of the audit.
 */
export function analyzeSessionAccess(
  principals: readonly Principal[],
  documents: readonly PortDocument[],
  classes: readonly InstanceClass[],
  requestedRegion: RequestContext,
): PrincipalAccess[] {
  const analysis = new Analysis(classes, documents, requestedRegion);
  return principals.map((principal) => new PrincipalSessionAccess(principal, analysis));
}
