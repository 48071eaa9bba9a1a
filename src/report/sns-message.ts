import { headline } from './headline';
import { renderText } from './render-text';
import type { AuditReport, PrincipalReport } from './types';

/**
 * The nightly report as one SNS message: a Subject of at most 100 ASCII characters with the headline
 * count; a text body for email subscribers; the JSON report for machine subscribers
 * (MessageStructure 'json': `default` is the JSON, `email` the text).
 *
 * SNS takes at most 256 KB. A report that does not fit becomes a summary with the most severe items
 * first and says how many were left out and where the full report is: never a truncated or invalid
 * message.
 */
export const SNS_MESSAGE_LIMIT = 256 * 1024;
export const SUBJECT_LIMIT = 100;

export interface SnsMessage {
  readonly Subject: string;
  readonly Message: string;
  readonly MessageStructure: 'json';
  readonly MessageAttributes: Record<string, { DataType: 'String' | 'Number'; StringValue: string }>;
}

export interface SnsMessageOptions {
  /** Where readers get the full report when it does not fit (for example the on-demand function). */
  readonly fullReportHint?: string;
  /** Bytes for the whole message, attributes and subject included; defaults to the SNS limit. */
  readonly limit?: number;
}

export function subjectFor(report: AuditReport): string {
  const s = report.summary;
  const incomplete = report.complete ? '' : ' [INCOMPLETE]';
  const text = `ssm-ssh-audit ${report.account.id}: ${s.nonCompliantPrincipals} principals, ${s.nonCompliantInstances} instances NON_COMPLIANT${incomplete}`;
  // ASCII only, no line breaks, at most 100 characters.
  const ascii = text.replace(/[^\x20-\x7e]/g, '?');
  return ascii.length > SUBJECT_LIMIT ? `${ascii.slice(0, SUBJECT_LIMIT - 3)}...` : ascii;
}

const SEVERITY: Record<PrincipalReport['sshOverSessionManager'], number> = {
  unknown: 0,
  allowed: 1,
  conditional: 2,
  denied: 3,
};

function severityOf(p: PrincipalReport): number {
  return Math.min(SEVERITY[p.sshOverSessionManager], SEVERITY[p.portForwarding]);
}

/** The report reduced to its non-compliant items, the `keep` most severe of each kind. */
export function summarize(
  report: AuditReport,
  keep: number,
  hint: string,
): AuditReport & { omitted: Record<string, number>; note: string } {
  const principals = report.principals
    .filter((p) => p.compliance === 'NON_COMPLIANT')
    .sort((a, b) => severityOf(a) - severityOf(b) || a.arn.localeCompare(b.arn));
  const instances = report.instances
    .filter((i) => i.compliance === 'NON_COMPLIANT')
    .sort((a, b) => b.exposedTo - a.exposedTo);
  const rank = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 } as const;
  const findings = [...report.findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
  // Counts of what is not listed: non-compliant items beyond `keep`, and every compliant one.
  const omitted = {
    principals: report.principals.length - Math.min(keep, principals.length),
    nonCompliantPrincipals: principals.length - Math.min(keep, principals.length),
    instances: report.instances.length - Math.min(keep, instances.length),
    nonCompliantInstances: instances.length - Math.min(keep, instances.length),
    findings: report.findings.length - Math.min(keep, findings.length),
    gaps: report.gaps.length - Math.min(keep, report.gaps.length),
    guardrailStatements:
      report.guardrail.statements.length - Math.min(keep, report.guardrail.statements.length),
  };
  return {
    ...report,
    principals: principals.slice(0, keep),
    instances: instances.slice(0, keep),
    findings: findings.slice(0, keep),
    gaps: report.gaps.slice(0, keep),
    guardrail: { ...report.guardrail, statements: report.guardrail.statements.slice(0, keep) },
    omitted,
    note:
      `Summary: only the ${keep} most severe items of each kind are listed; left out: ` +
      `${omitted.nonCompliantPrincipals} more non-compliant principals (${omitted.principals} principals in all), ` +
      `${omitted.nonCompliantInstances} more non-compliant instances (${omitted.instances} in all), ` +
      `${omitted.findings} findings and ${omitted.gaps} gaps. ${hint}`,
  };
}

function build(report: AuditReport, text: string, subject: string): SnsMessage {
  const json = JSON.stringify(report);
  return {
    Subject: subject,
    Message: JSON.stringify({ default: json, email: text }),
    MessageStructure: 'json',
    MessageAttributes: {
      nonCompliantPrincipals: {
        DataType: 'Number',
        StringValue: String(report.summary.nonCompliantPrincipals),
      },
      nonCompliantInstances: {
        DataType: 'Number',
        StringValue: String(report.summary.nonCompliantInstances),
      },
      complete: { DataType: 'String', StringValue: String(report.complete) },
      schemaVersion: { DataType: 'String', StringValue: '1' },
    },
  };
}

/** Bytes SNS counts: the message, the subject, and each attribute's name, type and value. */
export function messageSize(message: SnsMessage): number {
  let size = Buffer.byteLength(message.Message) + Buffer.byteLength(message.Subject);
  for (const [name, a] of Object.entries(message.MessageAttributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue);
  }
  return size;
}

export function buildSnsMessage(
  report: AuditReport,
  options: SnsMessageOptions = {},
): SnsMessage & { summarized: boolean } {
  const limit = options.limit ?? SNS_MESSAGE_LIMIT;
  const hint = options.fullReportHint ?? 'Run the on-demand function or the CLI for the full report.';
  const subject = subjectFor(report);
  const full = build(report, renderText(report), subject);
  if (messageSize(full) <= limit) return { ...full, summarized: false };

  // Find the largest number of items per kind that still fits.
  const attempt = (keep: number) => {
    const summary = summarize(report, keep, hint);
    const text = `${summary.note}\n\n${renderText(summary)}`;
    return build(summary, text, subject);
  };
  let low = 0;
  let high = Math.max(report.principals.length, report.instances.length, report.findings.length);
  let best = attempt(0);
  if (messageSize(best) > limit) {
    throw new RangeError(`even an empty summary exceeds ${limit} bytes`);
  }
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const candidate = attempt(mid);
    if (messageSize(candidate) <= limit) {
      low = mid;
      best = candidate;
    } else {
      high = mid - 1;
    }
  }
  return { ...best, summarized: true };
}

export { headline };
