import type { InstanceReport } from './types';

/**
 * Who may reach a NON_COMPLIANT instance, in words: the count of non-exempt principals, or, when it is
 * NON_COMPLIANT with none counted, the principals a cut-short iam.json did not list. "Reachable by 0
 * principal(s)" would contradict the verdict it explains.
 */
export function exposureText(i: InstanceReport): string {
  if (i.compliance === 'NON_COMPLIANT' && i.exposedTo === 0) {
    return 'principals missing from the incomplete IAM listing may reach it';
  }
  return `reachable by ${i.exposedTo} non-exempt principal(s)`;
}

/** The same for the "reachable by" column of the markdown and HTML reports. */
export function exposureCell(i: InstanceReport): string {
  if (i.compliance === 'NON_COMPLIANT' && i.exposedTo === 0) {
    return 'principals missing from the incomplete IAM listing';
  }
  return `${i.exposedTo} principal(s)`;
}
