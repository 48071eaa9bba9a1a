import type { Decision, StatementRef } from '../iam';
import type { Reason } from '../report/types';
import { statementName } from '../util/statement-name';
import type { Writable } from '../util/writable';
import { UNLISTED_INSTANCES, type TargetDecision } from './session-access';
import { UNLISTED_DOCUMENT } from './session-documents';

function where(ref: StatementRef): string {
  const layer = ref.layer === 'boundary' ? 'permissions boundary ' : ref.layer === 'scp' ? 'SCP ' : '';
  return `${layer}${ref.policy.attachment} policy ${ref.policy.policyName} on ${ref.policy.attachedTo}`;
}

/**
 * A resource as a reason names it. The stand-in for the customer documents a snapshot does not list
 * has an ARN that names no document: it is said in words.
 */
function resourceText(resourceArn: string): string {
  return resourceArn.endsWith(`:document/${UNLISTED_DOCUMENT}`)
    ? 'any customer document the snapshot does not list (each may be a Port document)'
    : resourceArn;
}

function fromStatement(
  resource: Reason['resource'],
  resourceArn: string,
  decision: Decision,
  ref: StatementRef,
): Reason {
  const keys = [...new Set((ref.undeterminedConditions ?? []).map((c) => c.key))];
  const patterns = ref.conditional ? (ref.undeterminedPatterns ?? []) : [];
  const verb = ref.effect === 'Allow' ? 'allows' : 'denies';
  // What the statement covers, and when: the same words for an Allow and a Deny. The stand-in for
  // unlisted documents is covered through patterns that may or may not name one of them.
  const unlisted = resourceArn.endsWith(`:document/${UNLISTED_DOCUMENT}`);
  const target =
    unlisted && patterns.length
      ? `${patterns.join(', ')} (${patterns.length === 1 ? 'it' : 'they'} may name a customer Port document the snapshot does not list)`
      : resourceText(resourceArn);
  const when = [
    ...(keys.length ? [`only when its condition on ${keys.join(' and ')} holds`] : []),
    ...(patterns.length && !unlisted
      ? [`only for some values of the policy variables in ${patterns.join(', ')}`]
      : []),
  ].join(', and ');
  // Optional fields are set in their place rather than spread in, which keeps the report's key order
  // without a throwaway object per field. The message, which every reason has, comes last.
  const reason = { resource, resourceArn, decision: decision.decision } as Writable<Reason>;
  if (decision.decision === 'denied') reason.denial = decision.denial;
  reason.policyName = ref.policy.policyName;
  if (ref.policy.policyArn) reason.policyArn = ref.policy.policyArn;
  reason.attachment = ref.policy.attachment;
  reason.attachedTo = ref.policy.attachedTo;
  reason.layer = ref.layer;
  if (ref.sid !== undefined) reason.sid = ref.sid;
  reason.statementIndex = ref.index;
  reason.effect = ref.effect;
  if (ref.condition) reason.condition = ref.condition;
  if (keys.length) reason.undeterminedKeys = keys;
  if (ref.conditional && ref.undeterminedPatterns?.length)
    reason.undeterminedPatterns = ref.undeterminedPatterns;
  reason.message = `${statementName(ref.sid, ref.index)} of ${where(ref)} ${verb} ssm:StartSession on ${target}${when ? ` ${when}` : ''}`;
  return reason;
}

/** The reasons behind one decision on one resource. */
export function decisionReasons(
  resource: Reason['resource'],
  resourceArn: string,
  decision: Decision,
): Reason[] {
  if (decision === UNLISTED_INSTANCES) {
    return [
      {
        resource,
        resourceArn,
        decision: 'unknown',
        message:
          'cannot decide: instances are missing from the truncated inventory (instances.json has a NextToken)',
      },
    ];
  }
  if (decision.decision === 'unknown') {
    return decision.invalidPolicies.map(({ origin, error }) => ({
      resource,
      resourceArn,
      decision: 'unknown',
      policyName: origin.policyName,
      ...(origin.policyArn ? { policyArn: origin.policyArn } : {}),
      attachment: origin.attachment,
      attachedTo: origin.attachedTo,
      message: `cannot decide: ${error.message}`,
    }));
  }
  if (decision.decision === 'denied' && decision.denial === 'implicit') {
    const layers = decision.missingAllowIn.map((l) =>
      l === 'identity' ? 'identity policies' : l === 'boundary' ? 'permissions boundary' : 'SCPs',
    );
    return [
      {
        resource,
        resourceArn,
        decision: 'denied',
        denial: 'implicit',
        message: `no statement in the ${layers.join(' or ')} allows ssm:StartSession on ${resourceText(resourceArn)}`,
      },
    ];
  }
  return decision.statements.map((ref) => fromStatement(resource, resourceArn, decision, ref));
}

/**
 * The reasons behind a decision on an instance, made once per decision and instance: a principal's
 * decision on an instance class is one object whichever document asks for it, so a principal granted
 * several documents gets the very same reasons for each, which `uniqueReasons` drops by identity.
 */
const instanceReasons = new WeakMap<Decision, Map<string, readonly Reason[]>>();
function reasonsOnInstance(instanceArn: string, decision: Decision): readonly Reason[] {
  let byArn = instanceReasons.get(decision);
  if (!byArn) instanceReasons.set(decision, (byArn = new Map()));
  let found = byArn.get(instanceArn);
  if (!found) byArn.set(instanceArn, (found = decisionReasons('instance', instanceArn, decision)));
  return found;
}

/** The reasons for the combined decision on a document and an instance, deduplicated. */
export function targetReasons(
  target: TargetDecision,
  documentArn: string,
  instanceArn: string | undefined,
): Reason[] {
  const reasons = [...decisionReasons('document', documentArn, target.document)];
  if (target.instance && instanceArn) reasons.push(...reasonsOnInstance(instanceArn, target.instance));
  return uniqueReasons(reasons);
}

/**
 * Reasons without repeats, in order: the first of equal reasons stays. Equal reasons have equal
 * messages, and most messages in a report line are distinct, so two reasons are compared in full only
 * when their messages are equal.
 */
export function uniqueReasons(reasons: readonly Reason[]): Reason[] {
  const byMessage = new Map<string, Reason[]>();
  const unique: Reason[] = [];
  // Each reason compared in full is written out once, however many it is compared with.
  const texts = new Map<Reason, string>();
  const text = (reason: Reason): string => {
    let json = texts.get(reason);
    if (json === undefined) texts.set(reason, (json = JSON.stringify(reason)));
    return json;
  };
  for (const reason of reasons) {
    const same = byMessage.get(reason.message);
    if (!same) {
      byMessage.set(reason.message, [reason]);
      unique.push(reason);
      continue;
    }
    // The same object twice (one decision reached through two documents) needs no comparison.
    if (same.includes(reason) || same.some((kept) => text(kept) === text(reason))) continue;
    same.push(reason);
    unique.push(reason);
  }
  return unique;
}
