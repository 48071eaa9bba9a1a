/**
 * Differential testing helper: runs one request through our evaluator and through
 * @cloud-copilot/iam-simulate, and puts both decisions in the same terms.
 *
 * iam-simulate (AGPL) is a devDependency used here ONLY, as an independent oracle. Nothing from it
 * may be imported by src/, and none of its code is copied into this project.
 *
 * Both sides see the same closed-world request: every condition key that is not given in `context`
 * is known to be absent (ours: `requestContext({ values, otherKeys: 'absent' })`; iam-simulate:
 * Strict mode, which treats keys missing from `contextVariables` as absent).
 */
import {
  runSimulation,
  typeForContextKey,
  type RunSimulationResults,
  type Simulation,
  type SimulationErrors,
} from '@cloud-copilot/iam-simulate';
import {
  compilePolicyDocument,
  evaluate,
  requestContext,
  type AttachedPolicy,
  type PolicyParseResult,
  type PolicySet,
} from '../../src/iam';

export const ACCOUNT = '111122223333';

/** One decision, in the vocabulary both engines share once unknown context is ruled out. */
export type Outcome = 'allowed' | 'denied/explicit' | 'denied/implicit';

export interface DiffPolicy {
  /** Unique within the case: iam-simulate keys its validation errors by policy name. */
  readonly name: string;
  readonly document: unknown;
}

export interface DiffCase {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The request context. Single-valued keys take a string, multivalued keys (aws:TagKeys) an array. */
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly identity: readonly DiffPolicy[];
  /** Undefined = no permissions boundary. */
  readonly boundary?: readonly DiffPolicy[];
  /** Root first, account last. Undefined = no SCPs. */
  readonly scpLevels?: readonly (readonly DiffPolicy[])[];
}

/** iam-simulate refused the case: a validation error, or it dropped context keys we gave it. */
export class SimulationRefusedError extends Error {
  override readonly name = 'SimulationRefusedError';
  constructor(
    message: string,
    readonly kind: 'error' | 'ignored-context-keys' | 'context-key-type',
    readonly details: unknown,
  ) {
    super(message);
  }
}

export type SimulateResult =
  | { readonly kind: 'decision'; readonly outcome: Outcome }
  | { readonly kind: 'error'; readonly errors: SimulationErrors };

const OUTCOMES: Record<string, Outcome> = {
  Allowed: 'allowed',
  ExplicitlyDenied: 'denied/explicit',
  ImplicitlyDenied: 'denied/implicit',
};

const keyTypeCache = new Map<string, Promise<string>>();

function keyType(key: string): Promise<string> {
  const lower = key.toLowerCase();
  let type = keyTypeCache.get(lower);
  if (!type) {
    type = typeForContextKey(key).then(String);
    keyTypeCache.set(lower, type);
  }
  return type;
}

/**
 * iam-simulate silently rewrites a context value whose shape does not fit the key's type (a string
 * for a multivalued key becomes a one-element array, an array for a single-valued key becomes its
 * first element). Our context has no notion of key types, so such a case would disagree for a
 * reason that has nothing to do with policy evaluation: refuse it instead.
 */
async function assertContextShapes(context: DiffCase['context']): Promise<void> {
  for (const [key, value] of Object.entries(context)) {
    const multi = (await keyType(key)).startsWith('ArrayOf');
    if (multi !== Array.isArray(value)) {
      throw new SimulationRefusedError(
        `context key ${key} is ${multi ? 'multivalued' : 'single-valued'} but was given ${
          Array.isArray(value) ? 'an array' : 'a string'
        }`,
        'context-key-type',
        { key, value },
      );
    }
  }
}

export function toSimulation(c: DiffCase): Simulation {
  const named = (p: DiffPolicy) => ({ name: p.name, policy: p.document });
  return {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: ACCOUNT },
      contextVariables: Object.fromEntries(
        Object.entries(c.context).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]),
      ),
    },
    identityPolicies: c.identity.map(named),
    ...(c.boundary ? { permissionBoundaryPolicies: c.boundary.map(named) } : {}),
    serviceControlPolicies: (c.scpLevels ?? []).map((level, i) => ({
      orgIdentifier: i === 0 ? 'r-root' : `ou-root-level${i}`,
      policies: level.map(named),
    })),
    resourceControlPolicies: [],
  };
}

/**
 * Runs the case through iam-simulate (runSimulation, Strict mode). Returns its decision, or its
 * error result as a value: callers decide whether an error is one of their documented exclusions.
 * Throws when iam-simulate dropped context keys we gave it (they would behave as absent there and
 * present here), or when a value's shape does not fit its key's type.
 */
export async function simulateRaw(c: DiffCase): Promise<SimulateResult> {
  await assertContextShapes(c.context);
  const result: RunSimulationResults = await runSimulation(toSimulation(c), { simulationMode: 'Strict' });
  if (result.resultType === 'error') return { kind: 'error', errors: result.errors };
  if (result.resultType !== 'single') {
    throw new SimulationRefusedError(`unexpected result type ${result.resultType}`, 'error', result);
  }
  const ignored = result.result.ignoredContextKeys ?? [];
  if (ignored.length > 0) {
    throw new SimulationRefusedError(
      `iam-simulate ignored context keys ${JSON.stringify(ignored)} for ${c.action} on ${c.resource}`,
      'ignored-context-keys',
      ignored,
    );
  }
  const outcome = OUTCOMES[result.overallResult];
  if (!outcome) throw new SimulationRefusedError(`unknown result ${result.overallResult}`, 'error', result);
  return { kind: 'decision', outcome };
}

/** Like simulateRaw, but an iam-simulate error result throws: for callers that exclude nothing. */
export async function simulate(c: DiffCase): Promise<Outcome> {
  const result = await simulateRaw(c);
  if (result.kind === 'error') {
    throw new SimulationRefusedError(
      `iam-simulate returned an error for ${c.action} on ${c.resource}: ${JSON.stringify(result.errors)}\n` +
        `case: ${JSON.stringify(c)}`,
      'error',
      result.errors,
    );
  }
  return result.outcome;
}

/** Compiled documents, per document object and name: the corpus test asks 32 requests of each. */
const compiledCache = new WeakMap<object, Map<string, PolicyParseResult>>();

function compile(p: DiffPolicy): PolicyParseResult {
  if (typeof p.document !== 'object' || p.document === null) return compilePolicyDocument(p.document, p.name);
  let byName = compiledCache.get(p.document);
  if (!byName) compiledCache.set(p.document, (byName = new Map()));
  let compiled = byName.get(p.name);
  if (!compiled) byName.set(p.name, (compiled = compilePolicyDocument(p.document, p.name)));
  return compiled;
}

function attach(p: DiffPolicy, attachedTo: string): AttachedPolicy {
  return { origin: { policyName: p.name, attachment: 'inline', attachedTo }, compiled: compile(p) };
}

/**
 * Our decision for the case. With closed-world context it is always definite; `conditional` or
 * `unknown` is returned as is so that the comparison reports it.
 */
export function ours(c: DiffCase): Outcome | 'conditional' | 'unknown' {
  const set: PolicySet = {
    identity: c.identity.map((p) => attach(p, c.principal)),
    ...(c.boundary ? { boundary: c.boundary.map((p) => attach(p, c.principal)) } : {}),
    ...(c.scpLevels ? { scpLevels: c.scpLevels.map((level) => level.map((p) => attach(p, ACCOUNT))) } : {}),
  };
  const d = evaluate(set, {
    action: c.action,
    resource: c.resource,
    context: requestContext({ values: c.context, otherKeys: 'absent' }),
  });
  if (d.decision === 'denied') return d.denial === 'explicit' ? 'denied/explicit' : 'denied/implicit';
  return d.decision;
}

export interface Disagreement {
  readonly case: DiffCase;
  readonly ours: string;
  readonly theirs: Outcome;
}

/** Full JSON of the first few disagreements, for a failure message that can be replayed as is. */
export function describeDisagreements(list: readonly Disagreement[], max = 5): string {
  return list
    .slice(0, max)
    .map((d, i) => `#${i + 1}: ours=${d.ours} iam-simulate=${d.theirs}\n${JSON.stringify(d.case, null, 2)}`)
    .join('\n\n');
}
