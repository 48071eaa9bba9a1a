import type { AuditReport, PrincipalReport } from './types';

/**
 * Summaries of a report too large for where it must go (an SNS message, a synchronous Lambda
 * response): the most severe non-compliant items first, and counts of everything left out, so that
 * nothing is dropped without saying so.
 */
const SEVERITY: Record<PrincipalReport['sshOverSessionManager'], number> = {
  unknown: 0,
  allowed: 1,
  conditional: 2,
  denied: 3,
};

function severityOf(p: PrincipalReport): number {
  return Math.min(SEVERITY[p.sshOverSessionManager], SEVERITY[p.portForwarding]);
}

export type Summary = AuditReport & { omitted: Record<string, number>; note: string };

/**
 * How many gaps a report lists, and how many the audit found: a summary lists only some of them, and a
 * renderer that counted the listed ones would call a summary of 3,000 gaps incomplete by 10.
 */
export function gapCounts(report: AuditReport): { readonly listed: number; readonly total: number } {
  const omitted = (report as Partial<Summary>).omitted?.gaps ?? 0;
  return { listed: report.gaps.length, total: report.gaps.length + omitted };
}

/** "3" for a full list, "10 of 3000 listed" for a summary's. */
export function countText({ listed, total }: { readonly listed: number; readonly total: number }): string {
  return listed === total ? String(total) : `${listed} of ${total} listed`;
}

/**
 * The report reduced to its non-compliant items, the `keep` most severe of each kind, for any `keep`.
 * A search for the largest summary that fits asks for many: the items are filtered and sorted once,
 * and each summary only takes the first `keep` of them.
 */
export function summarizer(report: AuditReport, hint: string): (keep: number) => Summary {
  const principals = report.principals
    .filter((p) => p.compliance === 'NON_COMPLIANT')
    .sort((a, b) => severityOf(a) - severityOf(b) || a.arn.localeCompare(b.arn));
  const instances = report.instances
    .filter((i) => i.compliance === 'NON_COMPLIANT')
    .sort((a, b) => b.exposedTo - a.exposedTo);
  const rank = { critical: 0, high: 1, medium: 2, low: 3, informational: 4 } as const;
  const findings = [...report.findings].sort((a, b) => rank[a.severity] - rank[b.severity]);
  return (keep) => {
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
        `Summary: at most ${keep} of the most severe items of each kind are listed. Not listed: ` +
        `${omitted.nonCompliantPrincipals} of ${principals.length} non-compliant principals, ` +
        `${omitted.nonCompliantInstances} of ${instances.length} non-compliant instances, ` +
        `${omitted.findings} of ${report.findings.length} findings and ${omitted.gaps} of ${report.gaps.length} gaps; ` +
        `compliant principals and instances are counted in the summary, not listed. ${hint}`,
    };
  };
}

/**
 * The summary with the most items per kind that still passes `fits`; the summary with no items when
 * none fits. The search doubles the item count from 1 until a summary does not fit, then halves the
 * gap: it never builds a summary much more than twice the size of the one it returns. (A plain binary
 * search from the largest count would first render half of a report that may be hundreds of
 * megabytes, where a 256 KB message or a 6 MB response is wanted.)
 */
export function largestFitting<T>(
  report: AuditReport,
  make: (keep: number) => T,
  fits: (value: T) => boolean,
): T {
  const most = Math.max(
    report.principals.length,
    report.instances.length,
    report.findings.length,
    report.gaps.length,
    report.guardrail.statements.length,
  );
  let best = make(0);
  // Invariant: `low` items fit (with `best` their summary) and `high + 1` do not, or `high` is `most`.
  let low = 0;
  let high = most;
  for (let keep = 1; keep <= most; keep *= 2) {
    const candidate = make(keep);
    if (!fits(candidate)) {
      high = keep - 1;
      break;
    }
    low = keep;
    best = candidate;
  }
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    const candidate = make(mid);
    if (fits(candidate)) {
      low = mid;
      best = candidate;
    } else {
      high = mid - 1;
    }
  }
  return best;
}
