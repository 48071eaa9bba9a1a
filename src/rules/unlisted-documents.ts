import {
  invalidUnderReading,
  triNot,
  triOr,
  type CompiledPattern,
  type ResourceMatcher,
  type Tri,
} from '../iam';
import type { AccountSnapshot } from '../snapshot/types';

/**
 * The customer documents a snapshot does not list, as one resource known only in part: an ARN of the
 * form `arn:PARTITION:ssm:REGION:ACCOUNT:document/NAME`, in any account (a document may be shared from
 * another), with any name that is not listed and that AWS does not reserve for itself. A pattern can
 * match all of them (`document/*`), some (`document/Acme-*`, `document/Acme-Tunnel`) or none
 * (`document/AWS-*`, `instance/*`). "Some" is `maybe`: a statement with such a pattern may or may not
 * cover the unlisted document a principal would use, and the access to it stays undecided.
 */

/** The document name prefixes SSM reserves for AWS (CreateDocument rejects them). */
export const RESERVED_DOCUMENT_PREFIX = /^(aws|amazon|amzn)/i;

const VARIABLE = /\$\{[^}]*\}/g;
const WILDCARD = /[*?]/;

/**
 * One position of a wildcard pattern: a character, any one character (or one of `only`), or a run of
 * characters but those it excludes.
 */
type Token =
  | string
  | { readonly one: true; readonly only?: string }
  | { readonly run: true; readonly excluding: string };
type Single = Exclude<Token, { run: true }>;

const ANY_RUN: Token = { run: true, excluding: '' };
const ANY_ONE: Token = { one: true };

/** A segment of a pattern as an anchored regular expression: `*` any run, `?` any one character. */
function globRegex(segment: string): RegExp {
  const body = Array.from(segment, (c) =>
    c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'),
  ).join('');
  return new RegExp(`^${body}$`, 's');
}

/** A policy pattern as tokens: `*` any run of characters, `?` any one. */
export function globTokens(glob: string): Token[] {
  return Array.from(glob, (c) => (c === '*' ? ANY_RUN : c === '?' ? ANY_ONE : c));
}

/**
 * Whether two token patterns match some string in common: a walk over pairs of positions, one in
 * each, at most (a.length + 1) × (b.length + 1) of them. A run may exclude characters, which is how an
 * ARN's account and a document's name keep to their segment.
 */
export function tokensIntersect(a: readonly Token[], b: readonly Token[]): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const stack = [0];
  const takes = (run: Token, c: Token): boolean => {
    if (typeof run !== 'object' || !('run' in run)) return false;
    if (typeof c === 'string') return !run.excluding.includes(c);
    const only = 'one' in c ? c.only : undefined;
    return only === undefined || Array.from(only).some((o) => !run.excluding.includes(o));
  };
  /** Whether two single positions can be one character. */
  const meet = (x: Single, y: Single): boolean => {
    if (typeof x === 'string' && typeof y === 'string') return x === y;
    if (typeof x === 'string') return (y as { only?: string }).only?.includes(x) ?? true;
    if (typeof y === 'string') return x.only?.includes(y) ?? true;
    const yOnly = (y as { only?: string }).only;
    return x.only === undefined || yOnly === undefined || Array.from(x.only).some((o) => yOnly.includes(o));
  };
  while (stack.length) {
    const at = stack.pop() as number;
    if (seen.has(at)) continue;
    seen.add(at);
    const i = Math.floor(at / width);
    const j = at % width;
    if (i === a.length && j === b.length) return true;
    const x = a[i];
    const y = b[j];
    const next = (di: number, dj: number): void => {
      stack.push((i + di) * width + (j + dj));
    };
    const xRun = x !== undefined && typeof x === 'object' && 'run' in x;
    const yRun = y !== undefined && typeof y === 'object' && 'run' in y;
    // A run may end here, or take one more character of what the other side makes.
    if (xRun) {
      next(1, 0);
      if (y !== undefined && !yRun && takes(x, y)) next(0, 1);
    }
    if (yRun) {
      next(0, 1);
      if (x !== undefined && !xRun && takes(y, x)) next(1, 0);
    }
    if (x !== undefined && y !== undefined && !xRun && !yRun && meet(x as Single, y as Single)) next(1, 1);
  }
  return false;
}

/** Whether two wildcard patterns (`*` any run of characters, `?` any one) match some string in common. */
export function globsIntersect(a: string, b: string): boolean {
  return tokensIntersect(globTokens(a), globTokens(b));
}

/**
 * How a Resource or NotResource list reads on the unlisted customer documents of an account. The
 * answer is the same under both readings of pattern.ts: `globsIntersect` lets every `*` run past
 * colons, which is the broader of the two.
 */
export function unlistedDocumentMatcher(
  account: AccountSnapshot['account'],
  listed: ReadonlySet<string>,
): ResourceMatcher {
  // Any account (twelve digits: a customer document always has one), and any name, which holds no
  // colon and no `/`.
  const digit: Token = { one: true, only: '0123456789' };
  const everyDocument: Token[] = [
    ...Array.from(`arn:${account.partition}:ssm:${account.region}:`),
    ...Array.from({ length: 12 }, () => digit),
    ...Array.from(':document/'),
    { run: true, excluding: ':/' },
  ];
  const fixedSegments = ['arn', account.partition, 'ssm', account.region];
  const coverage = new WeakMap<CompiledPattern, Tri>();

  /**
   * Whether a pattern matches every unlisted document: the first segments match this partition, SSM
   * and region, the account is any, and the name is any. A trailing `*` of a short pattern runs on to
   * the end (see pattern.ts). Read from the text, segment by segment, not from sample ARNs, which a
   * pattern such as `*0` in the account could pass by chance.
   */
  const coversAll = (source: string): boolean => {
    if (source.includes('${')) return false;
    const segments = source.split(':');
    const anyRun = (segment: string): boolean => /^\*+$/.test(segment);
    for (let k = 0; k < Math.min(segments.length, 5); k++) {
      const segment = segments[k] as string;
      if (k === segments.length - 1) return anyRun(segment);
      if (k < 4 ? !globRegex(segment).test(fixedSegments[k] as string) : !anyRun(segment)) return false;
    }
    if (segments.length < 6) return false;
    // Any name: one run after a literal start of `document/`.
    const start = /^([^*?]*)\*+$/.exec(segments.slice(5).join(':'))?.[1];
    return start !== undefined && 'document/'.startsWith(start);
  };

  /** Whether the names a pattern can give are all listed or reserved. */
  const onlyKnownNames = (glob: string): boolean => {
    const slash = glob.lastIndexOf('/');
    if (slash < 0) return false;
    // Document names hold no `/`: the pattern's last one is the one after `document`.
    const name = glob.slice(slash + 1);
    if (RESERVED_DOCUMENT_PREFIX.test(name.split(WILDCARD)[0] as string)) return true;
    if (WILDCARD.test(name)) return false;
    // One name: known when the pattern can only mean this account's document of that name.
    return glob.split(':')[4] === account.id && listed.has(name);
  };

  const coverageOf = (pattern: CompiledPattern): Tri => {
    let found = coverage.get(pattern);
    if (found === undefined) {
      // A variable may stand for anything here: who asks does not change which documents exist.
      const glob = pattern.source.replace(VARIABLE, '*');
      if (pattern.matchesEverything) found = 'yes';
      else if (!tokensIntersect(globTokens(glob), everyDocument) || onlyKnownNames(glob)) found = 'no';
      else found = coversAll(pattern.source) ? 'yes' : 'maybe';
      coverage.set(pattern, found);
    }
    return found;
  };

  return (list, request, undetermined, reading) => {
    // As for any resource: strictly read, a pattern whose variable has no value matches nothing.
    if (invalidUnderReading(list, request.context, reading)) return 'no';
    let any: Tri = 'no';
    for (const pattern of list.patterns) {
      const c = pattern.resolvesIn(request.context) ? coverageOf(pattern) : 'no';
      if (c === 'maybe') undetermined.push(pattern.source);
      any = triOr(any, c);
    }
    return list.negated ? triNot(any) : any;
  };
}
