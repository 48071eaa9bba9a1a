import {
  combineContexts,
  evaluate,
  matchPolicy,
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
 */
export const START_SESSION = 'ssm:StartSession';

export type Access = 'allowed' | 'conditional' | 'denied' | 'unknown';

/** Both resources of one StartSession request, and the combined answer. */
export interface TargetDecision {
  readonly access: Access;
  readonly document: Decision;
  readonly instance: Decision | undefined;
}

export interface DocumentAccess {
  readonly document: PortDocument;
  /** Indexed by instance class id. */
  readonly perClass: readonly TargetDecision[];
}

export interface PrincipalAccess {
  readonly principal: Principal;
  readonly documents: readonly DocumentAccess[];
}

/** allowed > conditional > unknown > denied: the most access a principal has. */
const RANK: Record<Access, number> = { denied: 0, unknown: 1, conditional: 2, allowed: 3 };

export function mostAccess(accesses: Iterable<Access>): Access {
  let best: Access = 'denied';
  for (const a of accesses) if (RANK[a] > RANK[best]) best = a;
  return best;
}

function combine(document: Decision, instance: Decision): Access {
  const d = document.decision;
  const i = instance.decision;
  if (d === 'denied' || i === 'denied') return 'denied';
  if (d === 'unknown' || i === 'unknown') return 'unknown';
  if (d === 'allowed' && i === 'allowed') return 'allowed';
  return 'conditional';
}

const PRINCIPAL_KEY = /^aws:(principal|username|userid)/i;

/**
 * Caches statement matches per (policy, resource), and per principal too for the policies whose
 * answer can depend on who asks (policy variables, aws:Principal* / aws:username conditions).
 */
class MatchCache {
  private readonly matches = new WeakMap<CompiledPolicy, Map<string, readonly StatementMatch[]>>();
  private readonly dependsOnPrincipal = new WeakMap<CompiledPolicy, boolean>();

  matcher(principalKey: string, resourceKey: string) {
    return (policy: CompiledPolicy, request: AuthorizationRequest): readonly StatementMatch[] => {
      let perPolicy = this.matches.get(policy);
      if (!perPolicy) {
        perPolicy = new Map();
        this.matches.set(policy, perPolicy);
      }
      const key = this.principalDependent(policy) ? `${principalKey}\u0000${resourceKey}` : resourceKey;
      let found = perPolicy.get(key);
      if (!found) {
        found = matchPolicy(policy, request);
        perPolicy.set(key, found);
      }
      return found;
    };
  }

  private principalDependent(policy: CompiledPolicy): boolean {
    let depends = this.dependsOnPrincipal.get(policy);
    if (depends === undefined) {
      depends = policy
        .statementsFor(START_SESSION)
        .some(
          (s) =>
            s.resources.patterns.some((p) => p.hasVariables) ||
            s.conditions.some((c) => PRINCIPAL_KEY.test(c.key) || c.values.some((v) => v.includes('${'))),
        );
      this.dependsOnPrincipal.set(policy, depends);
    }
    return depends;
  }
}

export function analyzeSessionAccess(
  principals: readonly Principal[],
  documents: readonly PortDocument[],
  classes: readonly InstanceClass[],
): PrincipalAccess[] {
  const cache = new MatchCache();
  return principals.map((principal) => {
    const instanceDecisions: (Decision | undefined)[] = new Array(classes.length);
    const instanceDecision = (c: InstanceClass): Decision => {
      let d = instanceDecisions[c.id];
      if (!d) {
        d = evaluate(
          principal.policies,
          {
            action: START_SESSION,
            resource: c.representative.arn,
            context: combineContexts(c.representative.context, principal.context),
          },
          { matchPolicy: cache.matcher(principal.arn, `class:${c.id}`) },
        );
        instanceDecisions[c.id] = d;
      }
      return d;
    };
    const docs = documents.map((document): DocumentAccess => {
      const docDecision = evaluate(
        principal.policies,
        {
          action: START_SESSION,
          resource: document.arn,
          context: combineContexts(document.context, principal.context),
        },
        { matchPolicy: cache.matcher(principal.arn, document.arn) },
      );
      // A principal denied the document is denied on every instance: no need to ask about them.
      const perClass = classes.map((c): TargetDecision => {
        if (docDecision.decision === 'denied')
          return { access: 'denied', document: docDecision, instance: undefined };
        const inst = instanceDecision(c);
        const access = combine(docDecision, inst);
        // Access to a document of unknown type may be access to a Port document: unknown, not denied.
        return {
          access: document.placeholder && access !== 'denied' ? 'unknown' : access,
          document: docDecision,
          instance: inst,
        };
      });
      return { document, perClass };
    });
    return { principal, documents: docs };
  });
}
