/**
 * Escapes for text that comes from input. Much of a report is not ours to trust: a hybrid managed node
 * reports its own PlatformName, PlatformType and AgentVersion, and IAM names, policy names and error
 * messages end up in reason and gap messages. A terminal obeys the control characters in such text
 * (`\u001b]0;title\u0007` retitles the window, `\u001b[2J` clears it), and the bidi overrides make it
 * read differently from what it is.
 */

// C0 controls (TAB, LF and CR among them), DEL, the C1 controls, and the bidi embeddings, overrides
// (U+202A–U+202E) and isolates (U+2066–U+2069).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control and bidi-override character written as a visible escape.
 *
 * @example
 * escapeControls('Linux\u001b[2J') // 'Linux\\u001b[2J'
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * `value` with `f` applied to every string in it, at any depth (object keys stay as they are). What
 * does not change is not copied, and a shared array (principals with the same reach share one list of
 * instance ids) is mapped once and stays shared, so a clean report costs a walk and no copies.
 */
export function mapStrings<T>(
  value: T,
  f: (text: string) => string,
  /** Keys whose values are left as they are: what the caller never prints as text. */
  skip: ReadonlySet<string> = new Set(),
): T {
  const done = new Map<object, unknown>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return f(v);
    if (typeof v !== 'object' || v === null) return v;
    if (done.has(v)) return done.get(v);
    let result: unknown = v;
    if (Array.isArray(v)) {
      let copy: unknown[] | undefined;
      v.forEach((item: unknown, i) => {
        const mapped = walk(item);
        if (mapped !== item) (copy ??= v.slice())[i] = mapped;
      });
      if (copy) result = copy;
    } else {
      let copy: Record<string, unknown> | undefined;
      for (const [key, item] of Object.entries(v)) {
        if (skip.has(key)) continue;
        const mapped = walk(item);
        if (mapped !== item) (copy ??= { ...v })[key] = mapped;
      }
      if (copy) result = copy;
    }
    done.set(v, result);
    return result;
  };
  return walk(value) as T;
}
