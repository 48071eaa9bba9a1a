/**
 * How many bytes a report takes as JSON, found without building the whole text when it is too large.
 *
 * A large account's report is a hundred megabytes and more (principals that reach thousands of
 * instances list them all). An SNS message holds 256 KB and a synchronous Lambda response 6 MB: to
 * learn that such a report does not fit, building it once costs hundreds of megabytes of memory, and a
 * search for the largest summary that fits would build many. The Lambda functions have 512 MB.
 */

/**
 * Plain data the walk may take apart: arrays, and objects of Object.prototype (or none), that have no
 * toJSON. JSON.stringify calls a toJSON with the member's key and writes what it returns (or leaves the
 * member out): such a value is measured as JSON.stringify writes it in its place.
 */
function isPlainData(value: unknown): value is Record<string, unknown> | unknown[] {
  if (typeof value !== 'object' || value === null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The UTF-8 length of `JSON.stringify(value)` when it is at most `limit`; otherwise some number greater
 * than `limit`. Arrays and plain objects are measured member by member, and the walk stops as soon as
 * the count passes the limit, so a report of any size costs about `limit` bytes of work; the largest
 * piece ever built is one member's text (one principal with its reach list).
 */
export function jsonBytesWithin(value: unknown, limit: number): number {
  let total = 0;
  /**
   * Counts the text of `v`, the member `key` (`keyBytes` long as JSON) of its holder; false when
   * JSON.stringify leaves it out (undefined, a function, a symbol, or a toJSON that returns one).
   */
  const add = (key: string, keyBytes: number, v: unknown, depth: number): boolean => {
    if (depth <= 0 || !isPlainData(v)) {
      // Written in its place, so that a toJSON gets its key and an omission shows as `{}`.
      const text = JSON.stringify({ [key]: v });
      if (text === '{}') return false;
      total += Buffer.byteLength(text) - keyBytes - 3; // {"key":...}
      return true;
    }
    total += 2; // [] or {}
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length && total <= limit; i++) {
        if (i > 0) total += 1;
        // JSON.stringify writes null for what it cannot write in an array.
        if (!add(String(i), String(i).length + 2, v[i], depth - 1)) total += 4;
      }
      return true;
    }
    let first = true;
    for (const k of Object.keys(v)) {
      if (total > limit) break;
      const keyBytes = Buffer.byteLength(JSON.stringify(k));
      if (!add(k, keyBytes, v[k], depth - 1)) continue;
      total += (first ? 0 : 1) + keyBytes + 1;
      first = false;
    }
    return true;
  };
  // Three levels reach the report's lists and their items; deeper values are measured whole.
  if (!add('', 2, value, 3)) return 4;
  return total;
}
