import { z } from 'zod';
import type { CompliancePolicy } from '../config/compliance-policy';
import { instanceIdSchema } from '../config/compliance-policy-schema';
import { renderJson, renderMarkdown, renderText, type AuditReport } from '../report';
import { largestFitting, summarizer } from '../report/summary';
import { audit } from '../rules/audit';
import type { AccountSnapshot } from '../snapshot/types';
import { firstIssue, InvalidEventError } from './config-event';

/**
 * The on-demand run, for the Lambda console's Test button. `{}` audits everything and returns the
 * JSON report; optional fields narrow it to some principals or instances, or ask for text/markdown.
 */
export const onDemandEventSchema = z.strictObject({
  principalArns: z.array(z.string().startsWith('arn:')).optional(),
  instanceIds: z.array(instanceIdSchema).optional(),
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

/** Keeps the named principals and instances, and the findings about them; counts stay account-wide. */
export function narrowReport(report: AuditReport, event: OnDemandEvent): AuditReport {
  const arns = event.principalArns ? new Set(event.principalArns) : undefined;
  const ids = event.instanceIds ? new Set(event.instanceIds) : undefined;
  if (!arns && !ids) return report;
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
  const fits = (text: string): boolean => Buffer.byteLength(JSON.stringify(text)) <= limit;
  switch (event.format ?? 'json') {
    case 'text':
    case 'markdown': {
      const render = event.format === 'text' ? renderText : renderMarkdown;
      const full = render(report);
      if (fits(full)) return full;
      // Too large to return: the most severe items, and a count of the rest.
      const summarize = summarizer(report, HINT);
      return largestFitting(
        report,
        (keep) => {
          const summary = summarize(keep);
          return `${summary.note}\n\n${render(summary)}`;
        },
        fits,
      );
    }
    default: {
      // The object itself: the console shows it, and callers get the schemaVersion 1 contract.
      const json = renderJson(report);
      if (Buffer.byteLength(json) <= limit) return JSON.parse(json) as AuditReport;
      return largestFitting(
        report,
        summarizer(report, HINT),
        (summary) => Buffer.byteLength(JSON.stringify(summary)) <= limit,
      );
    }
  }
}
