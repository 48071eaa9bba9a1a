import {
  combineContexts,
  evaluate,
  evaluateCondition,
  evaluateVerdict,
  matchPolicy,
  requestContext,
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
  /** The decision on the document itself. */
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
function verdictKey(principal: Principal, cache: MatchCache): { key: string; dependent: boolean } {
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
  return { key: `${principal.type}:${key}${dependent ? `#${principal.arn}` : ''}`, dependent };
}

const TAG_KEY = /^(ssm:resourcetag|aws:resourcetag)\//i;
const NOTHING_KNOWN = requestContext();

/**
 * Instance classes as one principal's policies see them. Classes are cut by every pattern and tag
 * condition in the account, but one principal's verdict depends only on the few in its own
 * statements: classes alike on those get the same verdict, which is computed once. (For policies
 * that depend on who asks, every class is evaluated.)
 */
class ClassOutcomes {
  private readonly patternHits = new Map<CompiledPattern, Int8Array>();
  private readonly conditionHits = new Map<CompiledCondition, string[]>();

  constructor(private readonly classes: readonly InstanceClass[]) {}

  private patternHit(pattern: CompiledPattern, c: InstanceClass): number {
    let hits = this.patternHits.get(pattern);
    if (!hits) {
      hits = new Int8Array(this.classes.length).fill(-1);
      this.patternHits.set(pattern, hits);
    }
    if (hits[c.id] === -1) hits[c.id] = pattern.match(c.representative.arn, NOTHING_KNOWN) === 'yes' ? 1 : 0;
    return hits[c.id] as number;
  }

  private conditionOutcome(condition: CompiledCondition, c: InstanceClass): string {
    let outcomes = this.conditionHits.get(condition);
    if (!outcomes) {
      outcomes = new Array<string>(this.classes.length);
      this.conditionHits.set(condition, outcomes);
    }
    return (outcomes[c.id] ??= evaluateCondition(condition, c.representative.context));
  }

  verdicts(principal: Principal, verdictOn: (c: InstanceClass) => Verdict): Verdict[] {
    const patterns = new Set<CompiledPattern>();
    const conditions = new Set<CompiledCondition>();
    const p = principal.policies;
    for (const attached of [p.identity, p.boundary ?? [], ...(p.scpLevels ?? [])]) {
      for (const a of attached) {
        if (!a.compiled.ok) continue;
        for (const statement of a.compiled.policy.statementsFor(START_SESSION)) {
          for (const pattern of statement.resources.patterns)
            if (!pattern.matchesEverything) patterns.add(pattern);
          for (const condition of statement.conditions)
            if (TAG_KEY.test(condition.key)) conditions.add(condition);
        }
      }
    }
    const byOutcome = new Map<string, Verdict>();
    return this.classes.map((c) => {
      // The stand-in for unlisted instances is never grouped with a real class.
      if (c.representative.placeholder) return verdictOn(c);
      let sig = '';
      // A pattern or tag condition with a policy variable depends on values this grouping does not
      // see: such a class is never grouped with another, and is evaluated itself.
      for (const pattern of patterns) sig += pattern.hasVariables ? `[${c.id}]` : this.patternHit(pattern, c);
      sig += '|';
      for (const condition of conditions) {
        sig += condition.values.some((v) => v.includes('${'))
          ? `[${c.id}]`
          : this.conditionOutcome(condition, c)[0];
      }
      let verdict = byOutcome.get(sig);
      if (verdict === undefined) {
        verdict = verdictOn(c);
        byOutcome.set(sig, verdict);
      }
      return verdict;
    });
  }
}

export function analyzeSessionAccess(
  principals: readonly Principal[],
  documents: readonly PortDocument[],
  classes: readonly InstanceClass[],
): PrincipalAccess[] {
  const cache = new MatchCache();
  const sharedVerdicts = new Map<string, Verdict[]>();
  const outcomes = new ClassOutcomes(classes);

  return principals.map((principal): PrincipalAccess => {
    const decide = (classId: number): Decision => {
      const c = classes[classId] as InstanceClass;
      return evaluate(
        principal.policies,
        {
          action: START_SESSION,
          resource: c.representative.arn,
          context: combineContexts(c.representative.context, principal.context),
        },
        { matchPolicy: cache.matcher(principal, `class:${c.id}`) },
      );
    };
    const full = new Map<number, Decision>();
    const instanceDecision = (classId: number): Decision => {
      let d = full.get(classId);
      if (!d) {
        d = classes[classId]?.representative.placeholder ? UNLISTED_INSTANCES : decide(classId);
        full.set(classId, d);
      }
      return d;
    };
    let verdicts: Verdict[] | undefined;
    const instanceVerdicts = (): Verdict[] => {
      if (!verdicts) {
        const { key, dependent } = verdictKey(principal, cache);
        verdicts = sharedVerdicts.get(key);
        if (!verdicts) {
          const verdictOn = (c: InstanceClass): Verdict =>
            evaluateVerdict(
              principal.policies,
              {
                action: START_SESSION,
                resource: c.representative.arn,
                context: combineContexts(c.representative.context, principal.context),
              },
              { matchPolicy: cache.matcher(principal, `class:${c.id}`) },
            );
          const guarded = (c: InstanceClass): Verdict =>
            c.representative.placeholder ? 'unknown' : verdictOn(c);
          verdicts = dependent ? classes.map(guarded) : outcomes.verdicts(principal, guarded);
          sharedVerdicts.set(key, verdicts);
        }
      }
      return verdicts;
    };

    const docs = documents.map((document): DocumentAccess => {
      const decision = evaluate(
        principal.policies,
        {
          action: START_SESSION,
          resource: document.arn,
          context: combineContexts(document.context, principal.context),
        },
        { matchPolicy: cache.matcher(principal, document.arn) },
      );
      // A principal denied the document is denied on every instance: no need to ask about them.
      if (decision.decision === 'denied')
        return { document, decision, perClass: undefined, access: 'denied' };
      const perClass = instanceVerdicts().map((v): Access => {
        const access = combine(decision.decision, v);
        // Access to a document of unknown type may be access to a Port document: unknown, not denied.
        return document.placeholder && access !== 'denied' ? 'unknown' : access;
      });
      return { document, decision, perClass, access: mostAccess(perClass) };
    });
    return { principal, documents: docs, instanceDecision };
  });
}
