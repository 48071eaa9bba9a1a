import {
  compilePolicyDocument,
  requestContext,
  type AttachedPolicy,
  type Decision,
  type PolicySet,
  type RequestContextOptions,
} from '../../src/iam';

/**
 * The JSON shape of one evaluator scenario under test/fixtures/iam/scenarios/. Each file holds
 * `{ "scenarios": [Scenario, ...] }`; scenario.test.ts walks them all.
 */
export interface ScenarioPolicy {
  readonly name: string;
  readonly arn?: string;
  /** Defaults to `inline`. */
  readonly attachment?: 'inline' | 'managed';
  /** Defaults to `arn:aws:iam::111122223333:role/Subject`. */
  readonly attachedTo?: string;
  /** A policy object, or the URL-encoded JSON string the IAM API returns. */
  readonly document: unknown;
}

export interface Scenario {
  /** Reads as a specification: "denies SSH when a group policy denies the AWS-StartSSHSession document". */
  readonly it: string;
  readonly policies: {
    readonly identity: readonly ScenarioPolicy[];
    readonly boundary?: readonly ScenarioPolicy[];
    readonly scpLevels?: readonly (readonly ScenarioPolicy[])[];
  };
  readonly request: {
    readonly action: string;
    readonly resource: string;
    readonly context?: RequestContextOptions;
  };
  readonly expect: {
    readonly decision: Decision['decision'];
    readonly denial?: 'explicit' | 'implicit';
    /** The deciding statements, as "PolicyName#Sid" or "PolicyName#index" (order does not matter). */
    readonly statements?: readonly string[];
    /** For conditional decisions: the condition keys left undetermined. */
    readonly undeterminedKeys?: readonly string[];
    /** For implicit denials: the layers that gave no Allow. */
    readonly missingAllowIn?: readonly string[];
    /** For unknown decisions: the policies that could not be read. */
    readonly invalidPolicies?: readonly string[];
  };
}

function attach(policy: ScenarioPolicy): AttachedPolicy {
  return {
    origin: {
      policyName: policy.name,
      ...(policy.arn ? { policyArn: policy.arn } : {}),
      attachment: policy.attachment ?? 'inline',
      attachedTo: policy.attachedTo ?? 'arn:aws:iam::111122223333:role/Subject',
    },
    compiled: compilePolicyDocument(policy.document, policy.name),
  };
}

export function scenarioPolicySet(scenario: Scenario): PolicySet {
  const { identity, boundary, scpLevels } = scenario.policies;
  return {
    identity: identity.map(attach),
    ...(boundary ? { boundary: boundary.map(attach) } : {}),
    ...(scpLevels ? { scpLevels: scpLevels.map((level) => level.map(attach)) } : {}),
  };
}

export function scenarioRequest(scenario: Scenario) {
  return {
    action: scenario.request.action,
    resource: scenario.request.resource,
    context: requestContext(scenario.request.context ?? {}),
  };
}

/** The parts of a decision that a scenario states, in the scenario's own terms. */
export function summarize(decision: Decision, expect: Scenario['expect']): Scenario['expect'] {
  const refs = decision.statements.map((s) => `${s.policy.policyName}#${s.sid ?? s.index}`);
  const keys = new Set<string>();
  for (const s of decision.statements) for (const c of s.undeterminedConditions ?? []) keys.add(c.key);
  return {
    decision: decision.decision,
    ...(expect.denial !== undefined && decision.decision === 'denied' ? { denial: decision.denial } : {}),
    ...(expect.statements !== undefined ? { statements: [...new Set(refs)].sort() } : {}),
    ...(expect.undeterminedKeys !== undefined ? { undeterminedKeys: [...keys].sort() } : {}),
    ...(expect.missingAllowIn !== undefined &&
    decision.decision === 'denied' &&
    decision.denial === 'implicit'
      ? { missingAllowIn: [...decision.missingAllowIn].sort() }
      : {}),
    ...(expect.invalidPolicies !== undefined && decision.decision === 'unknown'
      ? { invalidPolicies: decision.invalidPolicies.map((p) => p.origin.policyName).sort() }
      : {}),
  };
}

export function normalizeExpectation(expect: Scenario['expect']): Scenario['expect'] {
  return {
    ...expect,
    ...(expect.statements ? { statements: [...expect.statements].sort() } : {}),
    ...(expect.undeterminedKeys ? { undeterminedKeys: [...expect.undeterminedKeys].sort() } : {}),
    ...(expect.missingAllowIn ? { missingAllowIn: [...expect.missingAllowIn].sort() } : {}),
    ...(expect.invalidPolicies ? { invalidPolicies: [...expect.invalidPolicies].sort() } : {}),
  };
}
