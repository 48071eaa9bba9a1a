import { headline } from './headline';
import { jsonBytesWithin } from './json-size';
import { renderText } from './render-text';
import { largestFitting, summarizer } from './summary';
import type { AuditReport } from './types';

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
  /** Where readers get the full report when it does not fit (for example the CLI with live credentials). */
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

/**
 * Bytes counted against the limit: the message and each attribute's name, type and value, which SNS
 * documents as counted, and the subject, which it does not (counted anyway: it can only err on the
 * safe side).
 */
export function messageSize(message: SnsMessage): number {
  let size = Buffer.byteLength(message.Message) + Buffer.byteLength(message.Subject);
  for (const [name, a] of Object.entries(message.MessageAttributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue);
  }
  return size;
}

/**
 * Fewer bytes than the whole text report can take: it lists every NON_COMPLIANT principal by ARN on
 * a line of its own. Enough to tell, without rendering it, that a large account's text cannot fit.
 */
function textAtLeast(report: AuditReport): number {
  let bytes = 0;
  for (const p of report.principals) if (p.compliance === 'NON_COMPLIANT') bytes += p.arn.length + 4;
  return bytes;
}

export function buildSnsMessage(
  report: AuditReport,
  options: SnsMessageOptions = {},
): SnsMessage & { summarized: boolean } {
  const limit = options.limit ?? SNS_MESSAGE_LIMIT;
  // Not the on-demand function: it returns at most 6 MB, and may return a summary too.
  const hint = options.fullReportHint ?? 'Run the CLI (ssm-ssh-audit --live) for the full report.';
  const subject = subjectFor(report);
  // The whole text report, rendered only when it may be sent: for a large account it is megabytes.
  let fullText: string | undefined;
  const wholeText = (): string => (fullText ??= renderText(report));
  // The message holds the report's JSON, escaped: a report whose plain JSON is over the limit cannot
  // fit, and is not built (for a large account it is hundreds of megabytes).
  const mayFit = (r: AuditReport): boolean => jsonBytesWithin(r, limit) <= limit;
  if (mayFit(report)) {
    const full = build(report, wholeText(), subject);
    if (messageSize(full) <= limit) return { ...full, summarized: false };
  }

  // Too large: the email text and the JSON are summarized separately, because the JSON carries each
  // principal's reach list and would otherwise crowd the names out of the email. The text gets up to
  // 40% of the room; the JSON gets what is left.
  const summarize = summarizer(report, hint);
  const overhead = messageSize(build(summarize(0), '', subject)) - 2;
  const textRoom = Math.floor((limit - overhead) * 0.4);
  const text =
    textAtLeast(report) <= textRoom && Buffer.byteLength(JSON.stringify(wholeText())) <= textRoom
      ? wholeText()
      : largestFitting(
          report,
          (keep) => {
            const summary = summarize(keep);
            return `${summary.note}\n\n${renderText(summary)}`;
          },
          (t) => Buffer.byteLength(JSON.stringify(t)) <= textRoom,
        );
  const jsonReport = largestFitting(
    report,
    summarize,
    (summary) => mayFit(summary) && messageSize(build(summary, text, subject)) <= limit,
  );
  const message = build(jsonReport, text, subject);
  if (messageSize(message) > limit) throw new RangeError(`even an empty summary exceeds ${limit} bytes`);
  return { ...message, summarized: true };
}

export { headline };
