/**
 * The request context as a static audit knows it.
 *
 * Every condition key is in one of three states:
 * - `present` with known values: conditions on it are evaluated exactly;
 * - `absent`, known not to be in the request (for example a tag the instance does not carry, when its
 *   tags were collected): AWS's missing-key rules apply;
 * - `unknown`, the usual case for request keys such as `aws:MultiFactorAuthPresent` or `aws:SourceIp`:
 *   any condition on it is undetermined, whatever its operator.
 *
 * Condition key names are case-insensitive in IAM, so lookups are too.
 */
export type KeyState =
  | { readonly state: 'present'; readonly values: readonly string[] }
  | { readonly state: 'absent' }
  | { readonly state: 'unknown' };

export interface RequestContext {
  lookup(key: string): KeyState;
}

export interface RequestContextOptions {
  /** Keys with known values. A multi-valued key (such as `aws:TagKeys`) takes an array. */
  readonly values?: Readonly<Record<string, string | readonly string[]>>;
  /** Keys known to be absent from the request. */
  readonly absent?: readonly string[];
  /**
   * Key prefixes under which every key not listed in `values` is known to be absent, for example
   * `aws:ResourceTag/` once an instance's full tag set has been collected.
   */
  readonly absentPrefixes?: readonly string[];
  /** The state of every other key. Defaults to `unknown`: a static audit does not know the request. */
  readonly otherKeys?: 'unknown' | 'absent';
}

/** The states without values, shared by every context (and by contexts written elsewhere). */
export const UNKNOWN: KeyState = Object.freeze({ state: 'unknown' });
export const ABSENT: KeyState = Object.freeze({ state: 'absent' });

/**
 * Builds a request context.
 *
 * @example
 * requestContext({ values: { 'aws:username': 'alice' }, absentPrefixes: ['ssm:resourceTag/'] })
 */
export function requestContext(options: RequestContextOptions = {}): RequestContext {
  // Built on the first lookup: an audit makes a context per principal and per instance, and most are
  // never asked about a single key.
  let present: Map<string, KeyState> | undefined;
  let absent: Set<string> | undefined;
  let absentPrefixes: string[] | undefined;
  const fallback = options.otherKeys === 'absent' ? ABSENT : UNKNOWN;
  return {
    lookup(key: string): KeyState {
      if (!present) {
        present = new Map();
        for (const [k, value] of Object.entries(options.values ?? {})) {
          const values = typeof value === 'string' ? [value] : [...value];
          present.set(k.toLowerCase(), Object.freeze({ state: 'present', values: Object.freeze(values) }));
        }
        absent = new Set((options.absent ?? []).map((k) => k.toLowerCase()));
        absentPrefixes = (options.absentPrefixes ?? []).map((p) => p.toLowerCase());
      }
      const lower = key.toLowerCase();
      const known = present.get(lower);
      if (known) return known;
      if (absent?.has(lower)) return ABSENT;
      for (const prefix of absentPrefixes ?? []) if (lower.startsWith(prefix)) return ABSENT;
      return fallback;
    },
  };
}

/**
 * Layers several contexts: the first one that knows a key (present or absent) answers for it. Used to
 * put a resource's context (its tags) over a principal's (its name, ARN and tags) without copying.
 */
export function combineContexts(...contexts: readonly RequestContext[]): RequestContext {
  return {
    lookup(key: string): KeyState {
      for (const context of contexts) {
        const state = context.lookup(key);
        if (state.state !== 'unknown') return state;
      }
      return UNKNOWN;
    },
  };
}
