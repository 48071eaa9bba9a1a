import type { InstanceReport } from './types';

/** Who may reach an instance that is NON_COMPLIANT with no listed principal counted. */
export const MISSING_PRINCIPALS = 'principals missing from the incomplete IAM listing';

/** NON_COMPLIANT though no listed principal is counted: only the unlisted ones may reach it. */
export const reachedOnlyByUnlisted = (i: InstanceReport): boolean =>
  i.compliance === 'NON_COMPLIANT' && i.exposedTo === 0;

/**
 * Who may reach a NON_COMPLIANT instance, in words: the count of non-exempt principals, or, when it is
 * NON_COMPLIANT with none counted, the principals a cut-short iam.json did not list. "Reachable by 0
 * principal(s)" would contradict the verdict it explains.
 */
export function exposureText(i: InstanceReport): string {
  return reachedOnlyByUnlisted(i)
    ? `${MISSING_PRINCIPALS} may reach it`
    : `reachable by ${i.exposedTo} non-exempt principal(s)`;
}

/** The same for the "reachable by" column of the markdown and HTML reports. */
export function exposureCell(i: InstanceReport): string {
  return reachedOnlyByUnlisted(i) ? MISSING_PRINCIPALS : `${i.exposedTo} principal(s)`;
}
