/**
 * What a narrowed report lists. The on-demand run may keep only some principals or instances (and the
 * findings about them) while its summary counts stay account-wide. The JSON report does not record the
 * narrowing (the caller asked for it, and the schemaVersion 1 fields stay as they are), so whoever
 * narrows a report hands its scope to the text and markdown renderers. With it they never say "none"
 * about a list that was filtered away, under a headline that counts the whole account.
 *
 * @example
 * renderText(narrowed, { scope: { principalArns: ['arn:aws:iam::111122223333:role/OpsAdmin'] } });
 */
export interface ReportScope {
  /** The principals asked for; when only instanceIds are given, no principal is listed. */
  readonly principalArns?: readonly string[] | undefined;
  /** The instances asked for; when only principalArns are given, no instance is listed. */
  readonly instanceIds?: readonly string[] | undefined;
}

type Kind = 'principals' | 'instances';

/** How many of a kind were asked for: undefined when the report is not narrowed at all. */
function requested(scope: ReportScope | undefined, kind: Kind): number | undefined {
  if (!scope || (!scope.principalArns && !scope.instanceIds)) return undefined;
  const asked = kind === 'principals' ? scope.principalArns : scope.instanceIds;
  return asked ? new Set(asked).size : 0;
}

/** The line that says a report is narrowed, or undefined for a full report. */
export function scopeNote(scope: ReportScope | undefined): string | undefined {
  const principals = requested(scope, 'principals');
  const instances = requested(scope, 'instances');
  if (principals === undefined || instances === undefined) return undefined;
  const asked = [
    ...(principals ? [`${principals} requested principal(s)`] : []),
    ...(instances ? [`${instances} requested instance(s)`] : []),
  ].join(' and ');
  return `Narrowed to ${asked}: the lists show only those and the findings about them; the counts are account-wide.`;
}

export interface Section {
  readonly heading: string;
  /** False when the report was narrowed to the other kind: the section has nothing to list. */
  readonly listed: boolean;
  /** What to say when nothing is listed, without a trailing full stop. */
  readonly empty: string;
}

/**
 * The heading of a list section ("Non-compliant principals") with its count, and what to say when it
 * is empty: "none" for a full report, "none of the 2 requested principals" for a narrowed one, and
 * "not requested" for a kind the narrowing left out entirely.
 */
export function section(title: string, kind: Kind, count: number, scope: ReportScope | undefined): Section {
  const asked = requested(scope, kind);
  if (asked === undefined) return { heading: `${title} (${count})`, listed: true, empty: 'none' };
  if (asked === 0) {
    const other = kind === 'principals' ? 'instances' : 'principals';
    return {
      heading: title,
      listed: false,
      empty: `not requested: this report is narrowed to the requested ${other}`,
    };
  }
  return {
    heading: `${title} among the ${asked} requested (${count})`,
    listed: true,
    empty: `none of the ${asked} requested ${kind}`,
  };
}
