/**
 * How many bytes a report takes as JSON, found without building the whole text when it is too large.
 *
 * A large account's report is a hundred megabytes and more (principals that reach thousands of
 * instances list them all). An SNS message holds 256 KB and a synchronous Lambda response 6 MB: to
 * learn that such a report does not fit, building it once costs hundreds of megabytes of memory, and a
 * search for the largest summary that fits would build many. The Lambda functions have 512 MB.
 */

/** JSON.stringify writes what toJSON returns instead of the value itself. */
function hasToJSON(value: object): boolean {
  return typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

/** Plain data the walk may take apart: arrays, and objects of Object.prototype (or none). */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  if (hasToJSON(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** What JSON.stringify writes for a member value, or undefined when it leaves the member out. */
function omitted(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/**
 * The UTF-8 length of `JSON.stringify(value)` when it is at most `limit`; otherwise some number greater
 * than `limit`. Arrays and plain objects are measured member by member, and the walk stops as soon as
 * the count passes the limit, so a report of any size costs about `limit` bytes of work; the largest
 * piece ever built is one member's text (one principal with its reach list).
 */
export function jsonBytesWithin(value: unknown, limit: number): number {
  let total = 0;
  // Returns false once the count has passed the limit.
  const walk = (v: unknown, depth: number): boolean => {
    if (depth > 0 && Array.isArray(v) && !hasToJSON(v)) {
      total += 2; // []
      for (let i = 0; i < v.length; i++) {
        if (i > 0) total += 1;
        const item: unknown = v[i];
        // JSON.stringify writes null for what it cannot write in an array.
        if (omitted(item)) total += 4;
        else if (!walk(item, depth - 1)) return false;
        if (total > limit) return false;
      }
      return total <= limit;
    }
    if (depth > 0 && isPlainRecord(v)) {
      total += 2; // {}
      let first = true;
      for (const key of Object.keys(v)) {
        const member = v[key];
        if (omitted(member)) continue;
        if (!first) total += 1;
        first = false;
        total += Buffer.byteLength(JSON.stringify(key)) + 1;
        if (!walk(member, depth - 1)) return false;
        if (total > limit) return false;
      }
      return total <= limit;
    }
    const text = JSON.stringify(v) as string | undefined;
    total += text === undefined ? 4 : Buffer.byteLength(text);
    return total <= limit;
  };
  // Three levels reach the report's lists and their items; deeper values are measured whole.
  walk(value, 3);
  return total;
}

/** The UTF-8 length of the pieces together when it is at most `limit`; otherwise some greater number. */
export function chunkBytesWithin(chunks: Iterable<string>, limit: number): number {
  let total = 0;
  for (const chunk of chunks) {
    // A UTF-16 code unit is at least one byte: a piece longer than the room left cannot fit.
    total += chunk.length > limit - total ? chunk.length : Buffer.byteLength(chunk);
    if (total > limit) return total;
  }
  return total;
}
