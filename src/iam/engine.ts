import type { RequestContext } from './context';
import { evaluateCondition, type CompiledCondition } from './conditions';
import type { PolicyDocumentError } from './errors';
import type {
  CompiledPolicy,
  CompiledStatement,
  Effect,
  PatternList,
  PolicyParseResult,
} from './policy-document';
import type { Writable } from '../util/writable';
import { triAnd, triNot, triOr, triSome, type Tri } from './tri';

/**
 * The decision engine: policies grouped by layer + one request -> a decision and the statements that
 * made it. It knows nothing about SSH; rules ask it questions.
 *
 * Order (IAM User Guide, "Policy evaluation logic"): an applicable explicit Deny in any layer wins.
 * Otherwise the identity policies must allow the request, and so must the permissions boundary when
 * there is one, and so must every SCP level. A boundary or SCP never grants by itself.
 */

export type PolicyLayer = 'identity' | 'boundary' | 'scp';

/** Where a policy comes from and where it is attached, so a person can find the statement to change. */
export interface PolicyOrigin {
  readonly policyName: string;
  /** For managed policies. */
  readonly policyArn?: string;
  readonly attachment: 'inline' | 'managed';
  /** The user, group or role (or SCP target) it is attached to, as an ARN or a name. */
  readonly attachedTo: string;
}

export interface AttachedPolicy {
  readonly origin: PolicyOrigin;
  readonly compiled: PolicyParseResult;
}

export interface PolicySet {
  readonly identity: readonly AttachedPolicy[];
  /** Undefined when the principal has no permissions boundary; an empty array is a boundary that grants nothing. */
  readonly boundary?: readonly AttachedPolicy[];
  /** One entry per level of the organization (root, OUs, account); each must allow. */
  readonly scpLevels?: readonly (readonly AttachedPolicy[])[];
}

export interface AuthorizationRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: RequestContext;
}

/** A condition that the audit could not decide, with the text that decides it at request time. */
export interface UndeterminedCondition {
  readonly operator: string;
  readonly key: string;
  readonly values: readonly string[];
}

/** A statement that applies (definitely or possibly) to the request. */
export interface StatementMatch {
  readonly statement: CompiledStatement;
  readonly applies: Exclude<Tri, 'no'>;
  readonly undeterminedConditions: readonly UndeterminedCondition[];
  /** Patterns whose policy variables could not be resolved. */
  readonly undeterminedPatterns: readonly string[];
}

/** A deciding statement, identified so that a person can find it. */
export interface StatementRef {
  readonly layer: PolicyLayer;
  readonly policy: PolicyOrigin;
  readonly sid: string | undefined;
  readonly index: number;
  readonly effect: Effect;
  /** True when the statement applies only under some request values. */
  readonly conditional: boolean;
  readonly condition?: Readonly<Record<string, unknown>>;
  readonly undeterminedConditions?: readonly UndeterminedCondition[];
  readonly undeterminedPatterns?: readonly string[];
}

export type Decision =
  | { readonly decision: 'allowed'; readonly statements: readonly StatementRef[] }
  | { readonly decision: 'conditional'; readonly statements: readonly StatementRef[] }
  | { readonly decision: 'denied'; readonly denial: 'explicit'; readonly statements: readonly StatementRef[] }
  | {
      readonly decision: 'denied';
      readonly denial: 'implicit';
      /** The layers that gave no Allow. */
      readonly missingAllowIn: readonly PolicyLayer[];
      readonly statements: readonly StatementRef[];
    }
  | {
      readonly decision: 'unknown';
      readonly invalidPolicies: readonly {
        readonly origin: PolicyOrigin;
        readonly error: PolicyDocumentError;
      }[];
      readonly statements: readonly StatementRef[];
    };

function matchPatterns(
  list: PatternList,
  value: string,
  context: RequestContext,
  undetermined: string[],
): Tri {
  const any = triSome(list.patterns, (pattern) => {
    const r = pattern.match(value, context);
    if (r === 'maybe') undetermined.push(pattern.source);
    return r;
  });
  return list.negated ? triNot(any) : any;
}

function describe(condition: CompiledCondition): UndeterminedCondition {
  return { operator: condition.operatorText, key: condition.key, values: condition.values };
}

/**
 * The statements of one policy that apply to a request, definitely or possibly. This depends only on
 * the policy and the request, so callers may cache it per (policy, request).
 */
export function matchPolicy(policy: CompiledPolicy, request: AuthorizationRequest): StatementMatch[] {
  const matches: StatementMatch[] = [];
  for (const statement of policy.statementsFor(request.action)) {
    const undeterminedPatterns: string[] = [];
    let applies = matchPatterns(statement.resources, request.resource, request.context, undeterminedPatterns);
    if (applies === 'no') continue;
    const undeterminedConditions: UndeterminedCondition[] = [];
    for (const condition of statement.conditions) {
      const r = evaluateCondition(condition, request.context);
      if (r === 'no') {
        applies = 'no';
        break;
      }
      if (r === 'maybe') undeterminedConditions.push(describe(condition));
      applies = triAnd(applies, r);
    }
    if (applies === 'no') continue;
    matches.push({ statement, applies, undeterminedConditions, undeterminedPatterns });
  }
  return matches;
}

export interface EvaluateOptions {
  /** Replaces matchPolicy, typically with a memoized version of it. */
  readonly matchPolicy?: (policy: CompiledPolicy, request: AuthorizationRequest) => readonly StatementMatch[];
}

function toRef(layer: PolicyLayer, origin: PolicyOrigin, match: StatementMatch): StatementRef {
  const s = match.statement;
  const conditional = match.applies === 'maybe';
  // Optional fields are set in their place rather than spread in: no throwaway object per field.
  const ref: Writable<StatementRef> = {
    layer,
    policy: origin,
    sid: s.sid,
    index: s.index,
    effect: s.effect,
    conditional,
  };
  if (s.conditionBlock) ref.condition = s.conditionBlock;
  if (conditional && match.undeterminedConditions.length)
    ref.undeterminedConditions = match.undeterminedConditions;
  if (conditional && match.undeterminedPatterns.length) ref.undeterminedPatterns = match.undeterminedPatterns;
  return ref;
}

interface LayerOutcome {
  readonly layer: PolicyLayer;
  readonly allow: Tri;
  readonly allows: StatementRef[];
}

/**
 * Evaluates one request against a principal's policies.
 *
 * @example
 * evaluate({ identity: [admin] }, { action: 'ssm:StartSession', resource: docArn, context: requestContext() })
 * // -> { decision: 'allowed', statements: [{ policy: { policyName: 'AdministratorAccess', ... }, ... }] }
 */
export function evaluate(
  policies: PolicySet,
  request: AuthorizationRequest,
  options: EvaluateOptions = {},
): Decision {
  const match = options.matchPolicy ?? matchPolicy;
  const invalid: { origin: PolicyOrigin; error: PolicyDocumentError }[] = [];
  const denies: StatementRef[] = [];
  let deny = 'no' as Tri;

  const evaluateLayer = (layer: PolicyLayer, attached: readonly AttachedPolicy[]): LayerOutcome => {
    let allow: Tri = 'no';
    const allows: StatementRef[] = [];
    for (const { origin, compiled } of attached) {
      if (!compiled.ok) {
        invalid.push({ origin, error: compiled.error });
        continue;
      }
      for (const m of match(compiled.policy, request)) {
        const ref = toRef(layer, origin, m);
        if (m.statement.effect === 'Deny') {
          deny = triOr(deny, m.applies);
          denies.push(ref);
        } else {
          allow = triOr(allow, m.applies);
          allows.push(ref);
        }
      }
    }
    return { layer, allow, allows };
  };

  const layers: LayerOutcome[] = [evaluateLayer('identity', policies.identity)];
  if (policies.boundary) layers.push(evaluateLayer('boundary', policies.boundary));
  for (const level of policies.scpLevels ?? []) layers.push(evaluateLayer('scp', level));

  const allow = layers.reduce<Tri>((acc, l) => triAnd(acc, l.allow), 'yes');
  const verdict = verdictOf(deny, invalid.length > 0, allow);
  if (verdict === 'denied' && deny === 'yes') {
    return { decision: 'denied', denial: 'explicit', statements: denies.filter((d) => !d.conditional) };
  }
  if (verdict === 'unknown') {
    // Fail closed: a policy we cannot read might allow or deny anything.
    return {
      decision: 'unknown',
      invalidPolicies: invalid,
      statements: [...layers.flatMap((l) => l.allows), ...denies],
    };
  }
  if (verdict === 'denied') {
    return {
      decision: 'denied',
      denial: 'implicit',
      missingAllowIn: [...new Set(layers.filter((l) => l.allow === 'no').map((l) => l.layer))],
      statements: layers.flatMap((l) => l.allows),
    };
  }
  // Per layer, the statements that carry its verdict: the definite allows when there are any.
  const deciding = layers.flatMap((l) =>
    l.allow === 'yes' ? l.allows.filter((a) => !a.conditional) : l.allows,
  );
  if (verdict === 'conditional') return { decision: 'conditional', statements: [...deciding, ...denies] };
  return { decision: 'allowed', statements: deciding };
}

/**
 * The verdict from what the layers found, in the order IAM applies: an explicit Deny, then a policy
 * that cannot be read (fail closed), then a missing Allow, then anything that holds only sometimes.
 * `evaluate` and `evaluateVerdict` both decide here.
 */
function verdictOf(deny: Tri, invalid: boolean, allow: Tri): Decision['decision'] {
  if (deny === 'yes') return 'denied';
  if (invalid) return 'unknown';
  if (allow === 'no') return 'denied';
  return allow === 'maybe' || deny === 'maybe' ? 'conditional' : 'allowed';
}

/**
 * Only the verdict of `evaluate`, without collecting the deciding statements: what the audit needs for
 * every (principal, instance class) pair, where building explanations would dominate the cost. It
 * decides in the same place as `evaluate` (verdictOf), and a test holds the two to the same answers.
 */
export function evaluateVerdict(
  policies: PolicySet,
  request: AuthorizationRequest,
  options: EvaluateOptions = {},
): Decision['decision'] {
  const match = options.matchPolicy ?? matchPolicy;
  let deny = 'no' as Tri;
  let invalid = false as boolean;
  const layer = (attached: readonly AttachedPolicy[]): Tri => {
    let allow: Tri = 'no';
    for (const { compiled } of attached) {
      if (!compiled.ok) {
        invalid = true;
        continue;
      }
      for (const m of match(compiled.policy, request)) {
        if (m.statement.effect === 'Deny') deny = triOr(deny, m.applies);
        else allow = triOr(allow, m.applies);
      }
    }
    return allow;
  };
  let allow = layer(policies.identity);
  if (policies.boundary) allow = triAnd(allow, layer(policies.boundary));
  for (const level of policies.scpLevels ?? []) allow = triAnd(allow, layer(level));
  return verdictOf(deny, invalid, allow);
}
