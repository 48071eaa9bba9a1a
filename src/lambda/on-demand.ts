import { z } from 'zod';
import type { CompliancePolicy } from '../config/compliance-policy';
import { instanceIdSchema } from '../config/compliance-policy-schema';
import { renderMarkdown, renderText, type AuditReport } from '../report';
import { jsonBytesWithin } from '../report/json-size';
import { escapeControls } from '../report/escape';
import { largestFitting, summarizer } from '../report/summary';
import { audit } from '../rules/audit';
import type { AccountSnapshot } from '../snapshot/types';
import { firstIssue, InvalidEventError } from './config-event';

/**
 * The on-demand run, for the Lambda console's Test button. `{}` audits everything and returns the
 * JSON report; optional fields narrow it to some principals or instances, or ask for text/markdown.
 */
export const onDemandEventSchema = z.strictObject({
  // An empty list would narrow the report to nothing and look like a clean account: leave the field out
  // to audit everything instead.
  principalArns: z
    .array(z.string().startsWith('arn:'))
    .min(1, 'must name at least one principal ARN; leave principalArns out to list every principal')
    .optional(),
  instanceIds: z
    .array(instanceIdSchema)
    .min(1, 'must name at least one instance id; leave instanceIds out to list every instance')
    .optional(),
  format: z.enum(['json', 'text', 'markdown']).optional(),
});

export type OnDemandEvent = z.output<typeof onDemandEventSchema>;

export function parseOnDemandEvent(event: unknown): OnDemandEvent {
  const parsed = onDemandEventSchema.safeParse(event ?? {});
  if (!parsed.success) {
    throw new InvalidEventError(firstIssue(parsed.error, 'event'), { cause: parsed.error });
  }
  return parsed.data;
}

/** How many unknown values an error message names before it only counts the rest. */
const NAMED = 3;
/** Characters an error message shows from each end of a long value: an ARN may have 2048. */
const SHOWN = 60;

/**
 * A value from the event, quoted on one line and cut short in the middle (generated names often differ
 * only at the end): error messages end up in logs and consoles.
 */
function quote(value: string): string {
  const short = value.length > 2 * SHOWN + 1 ? `${value.slice(0, SHOWN)}…${value.slice(-SHOWN)}` : value;
  // JSON escapes the C0 controls and quotes; the C1 controls and bidi overrides are left to escapeControls.
  return escapeControls(JSON.stringify(short));
}

/**
 * "event.principalArns: 2 principal ARN(s) not in account 111122223333: "…", "…"", or undefined when
 * every value is known. A name that differs only in case gets a hint: IAM names are unique regardless of
 * case, but ARNs compare exactly.
 */
function unknownValues(
  field: 'principalArns' | 'instanceIds',
  asked: readonly string[] | undefined,
  known: readonly string[],
  report: AuditReport,
): { message: string; values: string[] } | undefined {
  const knownSet = new Set(known);
  const values = [...new Set((asked ?? []).filter((v) => !knownSet.has(v)))];
  const first = values[0];
  if (first === undefined) return undefined;
  const what = field === 'principalArns' ? 'principal ARN(s)' : 'instance id(s)';
  const where =
    field === 'principalArns'
      ? `account ${report.account.id}`
      : `the managed instances of account ${report.account.id} (${report.account.region})`;
  const more = values.length > NAMED ? ` and ${values.length - NAMED} more` : '';
  const sameButCase =
    field === 'principalArns' ? known.find((k) => k.toLowerCase() === first.toLowerCase()) : undefined;
  const hint = sameButCase ? ` (ARNs are case-sensitive: did you mean ${quote(sameButCase)}?)` : '';
  // The listing was cut short: the value may exist and simply not have been read.
  const source = field === 'principalArns' ? 'iam' : 'instances';
  const unseen = report.gaps.some((g) => g.source === source)
    ? ` (the ${source} listing is incomplete: it may exist unseen)`
    : '';
  const named = values.slice(0, NAMED).map(quote).join(', ');
  return {
    message: `event.${field}: ${values.length} ${what} not in ${where}${unseen}: ${named}${more}${hint}`,
    values,
  };
}

/**
 * Keeps the named principals and instances, and the findings about them; counts stay account-wide.
 * A value the report does not have is an InvalidEventError: an empty list would read as "nothing to fix".
 */
export function narrowReport(report: AuditReport, event: OnDemandEvent): AuditReport {
  if (!event.principalArns && !event.instanceIds) return report;
  const unknownArns = unknownValues(
    'principalArns',
    event.principalArns,
    report.principals.map((p) => p.arn),
    report,
  );
  const unknownIds = unknownValues(
    'instanceIds',
    event.instanceIds,
    report.instances.map((i) => i.instanceId),
    report,
  );
  if (unknownArns || unknownIds) {
    throw new InvalidEventError([unknownArns?.message, unknownIds?.message].filter(Boolean).join('; '), {
      cause: {
        unknownPrincipalArns: unknownArns?.values ?? [],
        unknownInstanceIds: unknownIds?.values ?? [],
      },
    });
  }
  const arns = event.principalArns ? new Set(event.principalArns) : undefined;
  const ids = event.instanceIds ? new Set(event.instanceIds) : undefined;
  const principals = arns ? report.principals.filter((p) => arns.has(p.arn)) : ids ? [] : report.principals;
  const instances = ids
    ? report.instances.filter((i) => ids.has(i.instanceId))
    : arns
      ? []
      : report.instances;
  const keep = new Set([...principals.map((p) => p.id), ...instances.map((i) => i.instanceId)]);
  return {
    ...report,
    principals,
    instances,
    findings: report.findings.filter((f) => keep.has(f.resourceId)),
  };
}

/** Lambda's limit for a synchronous response is 6 MB; keep room for the envelope. */
export const RESPONSE_LIMIT = 6_000_000;
const HINT =
  'Narrow the run with principalArns or instanceIds, or run ssm-ssh-audit --live (or --input) for the full report.';

export async function runOnDemand(
  rawEvent: unknown,
  deps: { loadAccount: () => Promise<AccountSnapshot>; policy: CompliancePolicy; responseLimit?: number },
): Promise<AuditReport | string> {
  const event = parseOnDemandEvent(rawEvent);
  const limit = deps.responseLimit ?? RESPONSE_LIMIT;
  const report = narrowReport(audit(await deps.loadAccount(), deps.policy), event);
  const scope = { principalArns: event.principalArns, instanceIds: event.instanceIds };
  const fits = (text: string): boolean => Buffer.byteLength(JSON.stringify(text)) <= limit;
  switch (event.format ?? 'json') {
    case 'text':
    case 'markdown': {
      const render = event.format === 'text' ? renderText : renderMarkdown;
      const full = render(report, { scope });
      if (fits(full)) return full;
      // Too large to return: the most severe items, and a count of the rest.
      const summarize = summarizer(report, HINT);
      return largestFitting(
        report,
        (keep) => {
          const summary = summarize(keep);
          return `${summary.note}\n\n${render(summary, { scope })}`;
        },
        fits,
      );
    }
    default: {
      // The object itself: the console shows it, and callers get the schemaVersion 1 contract. Lambda
      // sends it as compact JSON, which is what is measured, before anything is built: a large
      // account's report is many times the function's memory.
      if (jsonBytesWithin(report, limit) <= limit) return JSON.parse(JSON.stringify(report)) as AuditReport;
      return largestFitting(
        report,
        summarizer(report, HINT),
        (summary) => jsonBytesWithin(summary, limit) <= limit,
      );
    }
  }
}
