import { statementName } from '../util/statement-name';
import type { Access, AuditReport, PrincipalReport, Reason } from './types';

/** One line with the counts that matter, for a terminal, an email subject or a ticket title. */
export function headline(report: AuditReport): string {
  const s = report.summary;
  const incomplete = report.complete ? '' : ' (INCOMPLETE)';
  return `${s.nonCompliantPrincipals} of ${s.principals} principals and ${s.nonCompliantInstances} of ${s.instances} instances NON_COMPLIANT: unaudited SSH/port-forwarding via Session Manager${incomplete}`;
}

export function accessSummary(p: PrincipalReport): string {
  const reach =
    p.sshReachableInstances === '*'
      ? 'all SSH-capable instances'
      : `${p.sshReachableInstances.length} instance(s) definitely`;
  const ssh =
    p.sshOverSessionManager === 'denied' ? 'SSH denied' : `SSH ${p.sshOverSessionManager} (${reach})`;
  return `${ssh}; port forwarding ${p.portForwarding}`;
}

/** One statement, whichever resource of the request it was reached on. */
function statementKey(r: Reason): string {
  return JSON.stringify([r.layer, r.policyArn ?? r.policyName, r.attachedTo, r.statementIndex]);
}

/** What a conditional statement depends on: the condition keys, or else the Resource patterns. */
function dependsOn(r: Reason): readonly string[] {
  return r.undeterminedKeys?.length ? r.undeterminedKeys : (r.undeterminedPatterns ?? []);
}

/**
 * The statement a person should change to end a principal's access, in words: its reason's message.
 *
 * - Access that is allowed outright on some Port document: the Allow that grants it.
 * - Conditional access: the statement whose condition decides it, which names the condition keys
 *   (or the Resource patterns whose match is open), followed by the other statements that decide it
 *   too. A conditional Deny comes first: it is what takes the access away, and the Allow it overrides
 *   under that condition is not the statement to change.
 * - Otherwise (unknown): the Allow that grants it, or the policy that cannot be read.
 *
 * `document`, when given, narrows it to one Port document (the SSH finding asks about
 * AWS-StartSSHSession alone). The reasons on instances stay, as they are on no one document.
 *
 * @example
 * statementToFix(alice);
 * // -> 'statement "DenyWithoutMFA" of inline policy Mfa on ... denies ssm:StartSession on ... only when
 * //     its condition on aws:MultiFactorAuthPresent holds'
 */
export function statementToFix(
  p: Pick<PrincipalReport, 'reasons' | 'sessionDocuments'>,
  document?: string,
): string | undefined {
  const found = reasonsToFix(p, document);
  if (!found) return undefined;
  const also = found.also.map((r) =>
    r.decision === 'allowed'
      ? `; also allowed by ${statementName(r.sid, r.statementIndex)} of ${r.policyName}`
      : `; also conditional on ${dependsOn(r).join(', ')} (${statementName(r.sid, r.statementIndex)} of ${r.policyName})`,
  );
  return `${found.lead.message}${also.join('')}`;
}

/**
 * The reasons behind statementToFix: the statement to change (`lead`), and the others that must change
 * with it (`also`): for access allowed outright, the other Allows of the same request; for conditional
 * access, the other statements whose conditions decide it too. For the Config annotation, which has room
 * for one statement only.
 */
export function reasonsToFix(
  p: Pick<PrincipalReport, 'reasons' | 'sessionDocuments'>,
  document?: string,
): { readonly lead: Reason; readonly also: readonly Reason[] } | undefined {
  const documents = p.sessionDocuments.filter((d) => document === undefined || d.document === document);
  const accessOn = (r: Reason): Access | undefined =>
    documents.find((d) => r.resourceArn.endsWith(`:document/${d.document}`))?.access;
  const reasons = documents.length
    ? p.reasons.filter((r) => r.resource === 'instance' || accessOn(r) !== undefined)
    : p.reasons;

  const grant = reasons.find(
    (r) => r.effect === 'Allow' && r.decision === 'allowed' && accessOn(r) === 'allowed',
  );
  if (grant) {
    // Every other statement of the same layer that allows the same request outright must change too, or
    // it still grants. An Allow of another layer (a permissions boundary beside an identity policy) is
    // no second grant: the request needs both layers, so changing the lead alone ends it.
    const named = new Set([statementKey(grant)]);
    const also: Reason[] = [];
    for (const r of reasons) {
      const key = statementKey(r);
      if (named.has(key) || r.effect !== 'Allow' || r.decision !== 'allowed') continue;
      if (r.resource !== grant.resource || r.resourceArn !== grant.resourceArn || r.layer !== grant.layer)
        continue;
      named.add(key);
      also.push(r);
    }
    return { lead: grant, also };
  }

  // Every Deny in a conditional decision is conditional (an unconditional one would deny), and so is
  // every Allow that carries undetermined keys or patterns; an Allow without them grants outright
  // what something else makes conditional.
  const deciding = reasons.filter(
    (r) =>
      r.decision === 'conditional' &&
      accessOn(r) !== 'allowed' &&
      (r.effect === 'Deny' || dependsOn(r).length > 0),
  );
  const lead = deciding.find((r) => r.effect === 'Deny') ?? deciding[0];
  if (lead) {
    const named = new Set([statementKey(lead)]);
    const also: Reason[] = [];
    for (const r of deciding) {
      const key = statementKey(r);
      if (named.has(key) || !dependsOn(r).length) continue;
      named.add(key);
      also.push(r);
    }
    return { lead, also };
  }

  const fallback =
    reasons.find((r) => r.effect === 'Allow' && r.decision !== 'denied') ??
    reasons.find((r) => r.decision === 'unknown');
  return fallback ? { lead: fallback, also: [] } : undefined;
}
