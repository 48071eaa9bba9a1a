import type { RequestContext } from './context';
import type { Tri } from './tri';

/**
 * Wildcard patterns with policy variables, compiled once and matched many times.
 *
 * IAM uses three flavours of pattern:
 * - `glob`: `*` is any run of characters and `?` any one character (Action, StringLike);
 * - `arn`: the same, but matched segment by segment on `arn:partition:service:region:account:resource`,
 *   so a wildcard in the first five segments never runs past a colon, except a trailing `*` in a
 *   pattern that stops before the resource segment (Resource, ArnLike);
 * - `exact`: no wildcards (StringEquals), only variables.
 *
 * Policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'default'}`) are substituted from the
 * request context before matching. `${*}`, `${?}` and `${$}` stand for the literal characters. When a
 * variable's value is unknown, the result can only be `maybe` (when the pattern could match some
 * value) or `no` (when it could not match any): never a definite yes.
 */
export type PatternFlavour = 'glob' | 'arn' | 'exact';

/**
 * How to read what the IAM User Guide leaves open, where the audit must not pick one answer:
 * - `strict` (what both engines of docs/differential-testing.md do): a `*` before the resource part
 *   stays inside its segment, and a NotResource pattern whose variable has no value matches nothing,
 *   so its statement applies to every resource;
 * - `broad`: a segment-final `*` of a short ARN pattern may run past colons ("can expand to match beyond
 *   colon boundaries", Resource page), and such a NotResource statement does not apply ("might cause
 *   the entire statement to be invalid", Variables page).
 * Where the two readings give different verdicts, AWS's answer is unknown (see engine.ts).
 */
export type Reading = 'strict' | 'broad';

type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'star' }
  | { readonly kind: 'one' }
  | { readonly kind: 'variable'; readonly key: string; readonly fallback: string | undefined };

export interface PatternOptions {
  readonly flavour: PatternFlavour;
  /** Case-insensitive matching (actions). */
  readonly ignoreCase?: boolean;
  /** Whether `${...}` is a policy variable. False for policies whose Version is not 2012-10-17. */
  readonly variables?: boolean;
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\/]/g;

function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIALS, '\\$&');
}

/** The longest unbroken literal run a pattern's regular expression gets: well under V8's 32,767. */
const LITERAL_RUN = 8_192;

/** Whether the character at `at` of escaped text is itself escaped (preceded by an odd run of `\\`). */
function escapedAt(text: string, at: number): boolean {
  let backslashes = 0;
  for (let k = at - 1; k >= 0 && text[k] === '\\'; k--) backslashes++;
  return backslashes % 2 === 1;
}

// A key may hold spaces inside (IAM tag keys may: `${aws:PrincipalTag/cost center}`), not at its ends.
const VARIABLE_BODY = /^\s*([^,\s}](?:[^,}]*[^,\s}])?)\s*(?:,\s*'([^']*)'\s*)?$/;

function tokenize(source: string, wildcards: boolean, variables: boolean): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = (): void => {
    if (text) tokens.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (variables && ch === '$' && source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2);
      if (end > 0) {
        const body = source.slice(i + 2, end);
        if (body === '*' || body === '?' || body === '$') {
          text += body;
          i = end;
          continue;
        }
        const parsed = VARIABLE_BODY.exec(body);
        if (parsed) {
          flush();
          tokens.push({ kind: 'variable', key: parsed[1] as string, fallback: parsed[2] });
          i = end;
          continue;
        }
      }
    }
    if (wildcards && ch === '*') {
      flush();
      tokens.push({ kind: 'star' });
    } else if (wildcards && ch === '?') {
      flush();
      tokens.push({ kind: 'one' });
    } else {
      text += ch;
    }
  }
  flush();
  return tokens;
}

/**
 * The condition keys that the policy variables of a text name, read as the matcher reads them: a key
 * may hold inner spaces (`${aws:ResourceTag/cost center}`), and `${*}`, `${?}` and `${$}` name none.
 */
export function policyVariableKeys(source: string): string[] {
  return tokenize(source, false, true).flatMap((t) => (t.kind === 'variable' ? [t.key] : []));
}

/** What a variable resolved to: a literal, "could be anything", or "this pattern cannot match". */
type Resolution = { readonly text: string } | 'unknown' | 'unmatchable';

function resolveVariable(
  token: { key: string; fallback: string | undefined },
  context: RequestContext,
): Resolution {
  const state = context.lookup(token.key);
  if (state.state === 'present') {
    // A multi-valued key cannot be substituted into a single string: treat it as undetermined.
    if (state.values.length === 1) return { text: state.values[0] as string };
    return 'unknown';
  }
  if (state.state === 'absent')
    return token.fallback !== undefined ? { text: token.fallback } : 'unmatchable';
  return 'unknown';
}

const REGEX_CACHE_LIMIT = 512;

export class CompiledPattern {
  /** The pattern as written in the policy. */
  readonly source: string;
  readonly hasVariables: boolean;
  /** True when the pattern matches every value (a lone `*`). */
  readonly matchesEverything: boolean;
  /** The exact text it matches when it has no wildcard and no variable (case-sensitive patterns only). */
  readonly literal: string | undefined;
  /**
   * An ARN pattern with fewer than six segments and a `*` that ends one of its first segments, such as
   * `arn:aws:ec2:*:instance/*`. IAM's Resource page says a segment-final `*` "can expand to match
   * beyond colon boundaries" and stops there: under that broad reading such a pattern matches ARNs
   * the strict reading (each `*` inside its segment) does not. See `Reading`.
   */
  readonly ambiguous: boolean;
  private readonly tokens: readonly Token[];
  private readonly flavour: PatternFlavour;
  /** An `arn` pattern with fewer than six segments (fewer than five literal colons). */
  private readonly shortArn: boolean;
  private readonly flags: string;
  private staticRegex: RegExp | undefined;
  private broadRegex: RegExp | undefined;
  private readonly resolvedCache = new Map<string, RegExp>();

  constructor(source: string, options: PatternOptions) {
    this.source = source;
    this.flavour = options.flavour;
    // `s`: a wildcard stands for any characters, line breaks included (tag values may hold them).
    this.flags = options.ignoreCase ? 'is' : 's';
    this.tokens = tokenize(source, options.flavour !== 'exact', options.variables ?? true);
    this.hasVariables = this.tokens.some((t) => t.kind === 'variable');
    this.matchesEverything = this.tokens.length === 1 && this.tokens[0]?.kind === 'star';
    this.literal =
      !options.ignoreCase && this.tokens.every((t) => t.kind === 'text')
        ? this.tokens.map((t) => (t as { text: string }).text).join('')
        : undefined;
    // Counted once: a pattern with variables builds its expression on every match.
    this.shortArn =
      this.flavour === 'arn' &&
      this.tokens.reduce((n, t) => n + (t.kind === 'text' ? t.text.split(':').length - 1 : 0), 0) < 5;
    this.ambiguous = this.shortArn && this.tokens.some((t, i) => t.kind === 'star' && this.segmentFinal(i));
  }

  /** Whether the token at `index` is followed by a colon: the last character of its segment. */
  private segmentFinal(index: number): boolean {
    const next = this.tokens[index + 1];
    return next?.kind === 'text' && next.text.startsWith(':');
  }

  /**
   * Whether every policy variable of the pattern has a value in the context, or a default: one that
   * has neither makes the pattern match nothing (see `Reading` for what that does to NotResource).
   */
  resolvesIn(context: RequestContext): boolean {
    for (const token of this.tokens) {
      if (token.kind === 'variable' && resolveVariable(token, context) === 'unmatchable') return false;
    }
    return true;
  }

  /** Matches a value, substituting policy variables from the context. */
  match(value: string, context: RequestContext, reading: Reading = 'strict'): Tri {
    const broad = reading === 'broad' && this.ambiguous;
    if (this.matchesEverything) return 'yes';
    // Its anchored expression, without flags, matches this text and nothing else.
    if (this.literal !== undefined) return value === this.literal ? 'yes' : 'no';
    if (!this.hasVariables) {
      // Compiled on first use: most patterns of a large account are never asked about.
      if (broad) {
        this.broadRegex ??= new RegExp(
          this.regexSource(() => 'unknown', true),
          this.flags,
        );
        return this.broadRegex.test(value) ? 'yes' : 'no';
      }
      this.staticRegex ??= new RegExp(
        this.regexSource(() => 'unknown'),
        this.flags,
      );
      return this.staticRegex.test(value) ? 'yes' : 'no';
    }
    let unknown = false;
    let unmatchable = false;
    const source = this.regexSource((token) => {
      const resolution = resolveVariable(token, context);
      if (resolution === 'unknown') unknown = true;
      if (resolution === 'unmatchable') unmatchable = true;
      return resolution;
    }, broad);
    if (unmatchable) return 'no';
    const matched = this.cachedRegex(source).test(value);
    if (!matched) return 'no';
    return unknown ? 'maybe' : 'yes';
  }

  /** The unanchored regular expression source, for combining several patterns into one. */
  regexBody(): string {
    return this.regexSource(() => 'unknown').slice(1, -1);
  }

  private cachedRegex(source: string): RegExp {
    let regex = this.resolvedCache.get(source);
    if (!regex) {
      if (this.resolvedCache.size >= REGEX_CACHE_LIMIT) this.resolvedCache.clear();
      regex = new RegExp(source, this.flags);
      this.resolvedCache.set(source, regex);
    }
    return regex;
  }

  /**
   * The anchored regular expression for this pattern. In `arn` flavour, wildcards in the first five
   * segments stay inside their segment; in the resource segment, and for a trailing `*` of a pattern
   * that has fewer than six segments, they may run past colons; with `broad`, so may every
   * segment-final `*` (see `ambiguous`).
   */
  private regexSource(
    resolve: (token: { key: string; fallback: string | undefined }) => Resolution,
    broad = false,
  ): string {
    const arn = this.flavour === 'arn';
    let segment = 0;
    const shortPattern = this.shortArn;
    let out = '^';
    // V8 refuses a regular expression with an unbroken literal run of more than 32,767 characters.
    // Policy text and the values of policy variables (a user name, a tag) can add up to more, so a
    // long run is broken with an empty group, which matches what it matched before.
    let run = 0;
    const literal = (text: string): void => {
      let escaped = escapeRegex(text);
      while (run + escaped.length > LITERAL_RUN) {
        let cut = LITERAL_RUN - run;
        // Never between a backslash and the character it escapes.
        if (cut > 0 && escaped[cut - 1] === '\\' && !escapedAt(escaped, cut - 1)) cut -= 1;
        out += `${escaped.slice(0, cut)}(?:)`;
        escaped = escaped.slice(cut);
        run = 0;
      }
      out += escaped;
      run += escaped.length;
    };
    const other = (text: string): void => {
      out += text;
      run = 0;
    };
    this.tokens.forEach((token, index) => {
      const inResource = !arn || segment >= 5;
      const trailing = shortPattern && index === this.tokens.length - 1;
      const across = trailing || (broad && token.kind === 'star' && this.segmentFinal(index));
      const any = inResource || across ? '.*' : '[^:]*';
      switch (token.kind) {
        case 'text':
          literal(token.text);
          if (arn) segment += token.text.split(':').length - 1;
          break;
        case 'star':
          other(any);
          break;
        case 'one':
          other(inResource ? '.' : '[^:]');
          break;
        case 'variable': {
          const resolution = resolve(token);
          // A value the context does not know may be any text, colons included, as a known one is
          // substituted whatever it holds: in any segment it stands for anything, or a "no" here
          // could be a "yes" for some value.
          if (resolution === 'unknown' || resolution === 'unmatchable') other('.*');
          else literal(resolution.text);
          break;
        }
      }
    });
    return out + '$';
  }
}

export function compilePattern(source: string, options: PatternOptions): CompiledPattern {
  return new CompiledPattern(source, options);
}
