import type { RequestContext } from './context';
import { evaluateCondition, type CompiledCondition } from './conditions';
import type {
  CompiledPolicy,
  CompiledStatement,
  Effect,
  PatternList,
  PolicyParseResult,
} from './policy-document';
import { statementName } from '../util/statement-name';
import type { Writable } from '../util/writable';
import { PolicyDocumentError } from './errors';
import type { CompiledPattern, Reading } from './pattern';
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

/** A statement that applies (definitely or possibly) to the request, under one reading at least. */
export interface StatementMatch {
  readonly statement: CompiledStatement;
  /** Under the strict reading (see `Reading`); `no` only when the broad reading differs. */
  readonly applies: Tri;
  /** Under the broad reading, when it differs from the strict one. */
  readonly broad?: Tri;
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

/** Whether one pattern of a Resource or NotResource list may read differently under the two readings. */
function readsTwoWays(list: PatternList, pattern: CompiledPattern): boolean {
  return pattern.ambiguous || (list.negated && pattern.hasVariables);
}

const readingsMayDiffer = new WeakMap<PatternList, boolean>();

function readingSensitive(list: PatternList): boolean {
  let found = readingsMayDiffer.get(list);
  if (found === undefined) {
    found = list.patterns.some((p) => readsTwoWays(list, p));
    readingsMayDiffer.set(list, found);
  }
  return found;
}

/**
 * Broadly read, a NotResource variable without a value makes the whole statement invalid: it covers no
 * resource at all. The same for any resource, listed or not (see unlisted-documents.ts).
 */
export function invalidUnderReading(list: PatternList, context: RequestContext, reading: Reading): boolean {
  return reading === 'broad' && list.negated && list.patterns.some((p) => !p.resolvesIn(context));
}

function matchPatterns(
  list: PatternList,
  value: string,
  context: RequestContext,
  undetermined: string[],
  reading: Reading = 'strict',
): Tri {
  if (invalidUnderReading(list, context, reading)) return 'no';
  const any = triSome(list.patterns, (pattern) => {
    const r = pattern.match(value, context, reading);
    if (r === 'maybe') undetermined.push(pattern.source);
    return r;
  });
  return list.negated ? triNot(any) : any;
}

/**
 * Whether a statement's Resource or NotResource list covers the request's resource, under a reading;
 * the patterns that leave it open go into `undetermined`. The default compares the request's ARN; a
 * caller that asks about a resource it knows only in part (a document the snapshot does not list)
 * passes its own.
 */
export type ResourceMatcher = (
  list: PatternList,
  request: AuthorizationRequest,
  undetermined: string[],
  reading: Reading,
) => Tri;

const matchResource: ResourceMatcher = (list, request, undetermined, reading) =>
  matchPatterns(list, request.resource, request.context, undetermined, reading);

function describe(condition: CompiledCondition): UndeterminedCondition {
  return { operator: condition.operatorText, key: condition.key, values: condition.values };
}

/**
 * The statements of one policy that apply to a request, definitely or possibly. This depends only on
 * the policy and the request, so callers may cache it per (policy, request).
 */
export function matchPolicy(
  policy: CompiledPolicy,
  request: AuthorizationRequest,
  resources: ResourceMatcher = matchResource,
): StatementMatch[] {
  const matches: StatementMatch[] = [];
  for (const statement of policy.statementsFor(request.action)) {
    const undeterminedPatterns: string[] = [];
    let applies = resources(statement.resources, request, undeterminedPatterns, 'strict');
    // Only the rare list that the readings can tell apart is matched twice.
    let broad = readingSensitive(statement.resources)
      ? resources(statement.resources, request, [], 'broad')
      : applies;
    if (applies === 'no' && broad === 'no') continue;
    const undeterminedConditions: UndeterminedCondition[] = [];
    let conditions: Tri = 'yes';
    // An ARN value such as `arn:aws:iam:*:role/x` reads two ways, as a Resource pattern does: such a
    // condition is also evaluated under the broad reading, and the statement carries both answers.
    let broadConditions: Tri = 'yes';
    for (const condition of statement.conditions) {
      // One reading may already have ruled the statement out while the other has not.
      const twoWays = condition.ambiguousValues.length > 0;
      const r = twoWays && conditions === 'no' ? 'no' : evaluateCondition(condition, request.context);
      const b = !twoWays
        ? r
        : broadConditions === 'no'
          ? 'no'
          : evaluateCondition(condition, request.context, 'broad');
      if (r === 'maybe' || b === 'maybe') undeterminedConditions.push(describe(condition));
      conditions = triAnd(conditions, r);
      broadConditions = triAnd(broadConditions, b);
      if (conditions === 'no' && broadConditions === 'no') break;
    }
    if (conditions === 'no' && broadConditions === 'no') continue;
    applies = triAnd(applies, conditions);
    broad = triAnd(broad, broadConditions);
    const match: Writable<StatementMatch> = {
      statement,
      applies,
      undeterminedConditions,
      undeterminedPatterns,
    };
    if (broad !== applies) match.broad = broad;
    matches.push(match);
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
  /** The allow under the broad reading (see `Reading`). */
  readonly broadAllow: Tri;
  readonly allows: StatementRef[];
}

/** Why a statement's answer is not known: the readings of the IAM User Guide it falls between. */
function undocumentedReading(origin: PolicyOrigin, statement: CompiledStatement): PolicyDocumentError {
  const name = statementName(statement.sid, statement.index);
  const list = statement.resources;
  const what = list.patterns
    .filter((p) => readsTwoWays(list, p))
    .map((p) =>
      p.ambiguous
        ? `whether a * that ends a segment of ${p.source} may run past colons`
        : `whether NotResource ${p.source} without a value for its variable leaves the statement valid`,
    );
  for (const condition of statement.conditions) {
    for (const value of condition.ambiguousValues)
      what.push(
        `whether a * that ends a segment of ${condition.operatorText} value ${value} may run past colons`,
      );
  }
  return new PolicyDocumentError(
    origin.policyName,
    `${name}: AWS does not document ${what.join(', or ')}, and the answer depends on it`,
  );
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
  let broadDeny = 'no' as Tri;
  /** The statements the two readings see differently, by where they are attached. */
  const undocumented: { origin: PolicyOrigin; statement: CompiledStatement }[] = [];

  const evaluateLayer = (layer: PolicyLayer, attached: readonly AttachedPolicy[]): LayerOutcome => {
    let allow: Tri = 'no';
    let broadAllow: Tri = 'no';
    const allows: StatementRef[] = [];
    for (const { origin, compiled } of attached) {
      if (!compiled.ok) {
        invalid.push({ origin, error: compiled.error });
        continue;
      }
      for (const m of match(compiled.policy, request)) {
        const broad = m.broad ?? m.applies;
        if (m.broad !== undefined) undocumented.push({ origin, statement: m.statement });
        if (m.statement.effect === 'Deny') {
          deny = triOr(deny, m.applies);
          broadDeny = triOr(broadDeny, broad);
          if (m.applies !== 'no') denies.push(toRef(layer, origin, m));
        } else {
          allow = triOr(allow, m.applies);
          broadAllow = triOr(broadAllow, broad);
          if (m.applies !== 'no') allows.push(toRef(layer, origin, m));
        }
      }
    }
    return { layer, allow, broadAllow, allows };
  };

  const layers: LayerOutcome[] = [evaluateLayer('identity', policies.identity)];
  if (policies.boundary) layers.push(evaluateLayer('boundary', policies.boundary));
  for (const level of policies.scpLevels ?? []) layers.push(evaluateLayer('scp', level));

  const allow = layers.reduce<Tri>((acc, l) => triAnd(acc, l.allow), 'yes');
  let verdict = verdictOf(deny, invalid.length > 0, allow);
  if (undocumented.length) {
    const broadAllow = layers.reduce<Tri>((acc, l) => triAnd(acc, l.broadAllow), 'yes');
    if (verdictOf(broadDeny, invalid.length > 0, broadAllow) !== verdict) {
      // AWS's answer hangs on what its documentation leaves open: fail closed, as for a policy that
      // cannot be read, and say which statements.
      for (const { origin, statement } of undocumented)
        invalid.push({ origin, error: undocumentedReading(origin, statement) });
      verdict = 'unknown';
    }
  }
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
  let broadDeny = 'no' as Tri;
  let invalid = false as boolean;
  let undocumented = false as boolean;
  let allow: Tri = 'yes';
  let broadAllow: Tri = 'yes';
  const layer = (attached: readonly AttachedPolicy[]): void => {
    let layerAllow: Tri = 'no';
    let layerBroad: Tri = 'no';
    for (const { compiled } of attached) {
      if (!compiled.ok) {
        invalid = true;
        continue;
      }
      for (const m of match(compiled.policy, request)) {
        const broad = m.broad ?? m.applies;
        if (m.broad !== undefined) undocumented = true;
        if (m.statement.effect === 'Deny') {
          deny = triOr(deny, m.applies);
          broadDeny = triOr(broadDeny, broad);
        } else {
          layerAllow = triOr(layerAllow, m.applies);
          layerBroad = triOr(layerBroad, broad);
        }
      }
    }
    allow = triAnd(allow, layerAllow);
    broadAllow = triAnd(broadAllow, layerBroad);
  };
  layer(policies.identity);
  if (policies.boundary) layer(policies.boundary);
  for (const level of policies.scpLevels ?? []) layer(level);
  const verdict = verdictOf(deny, invalid, allow);
  // Where the readings of the IAM User Guide disagree, AWS's answer is unknown (see evaluate).
  return undocumented && verdictOf(broadDeny, invalid, broadAllow) !== verdict ? 'unknown' : verdict;
}
