import { exposureText } from '../report/exposure';
import { reasonsToFix } from '../report/headline';
import { statementName } from '../util/statement-name';
import type { AuditReport, InstanceReport, PrincipalReport } from '../report/types';

/** Config's limit, and the suffix every annotation ends with. */
export const ANNOTATION_LIMIT = 256;
export const ANNOTATION_SUFFIX = ' (unaudited session)';

/** Fits a sentence into Config's 256 characters, always keeping the suffix. */
export function annotation(text: string): string {
  const room = ANNOTATION_LIMIT - ANNOTATION_SUFFIX.length;
  const body = text.length > room ? `${text.slice(0, room - 1)}…` : text;
  return `${body}${ANNOTATION_SUFFIX}`;
}

/**
 * The statement to change, as the reports' "change:" line chooses it (for conditional access the one
 * whose condition decides, a conditional Deny before the Allow it overrides), or else the first reason.
 */
function reasonText(p: PrincipalReport): string {
  const r = reasonsToFix(p)?.lead ?? p.reasons[0];
  if (!r) return '';
  if (!r.policyName || r.decision === 'unknown') return `: ${r.message}`;

  const layer = r.layer && r.layer !== 'identity' ? `${r.layer} ` : '';
  return `: ${layer}${r.attachment ?? ''} policy ${r.policyName} ${statementName(r.sid, r.statementIndex)} (${r.effect ?? r.decision})`;
}

export function principalAnnotation(p: PrincipalReport): string {
  const access = `SSH ${p.sshOverSessionManager}, port forwarding ${p.portForwarding}`;
  const exempt = p.exempt ? 'exempt by compliance policy; ' : '';
  return annotation(`${exempt}${access}${reasonText(p)}`);
}

export function instanceAnnotation(i: InstanceReport): string {
  if (!i.sshCapable) return annotation(`not SSH-capable: ${i.sshCapability}`);
  if (i.exempt) return annotation(`exempt by compliance policy; SSH-capable (${i.sshCapability})`);
  return annotation(`SSH-capable (agent ${i.agentVersion ?? 'unknown'}); ${exposureText(i)}`);
}

export function accountAnnotation(report: AuditReport): string {
  const s = report.summary;
  const guard = report.guardrail.exists ? 'SSH guardrail present' : 'no explicit SSH guardrail';
  const incomplete = report.complete ? '' : `, ${report.gaps.length} gap(s)`;
  return annotation(
    `${s.nonCompliantPrincipals} principal(s), ${s.nonCompliantInstances} instance(s) exposed; ${guard}${incomplete}`,
  );
}
