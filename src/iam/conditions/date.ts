import type { ConditionOperator } from './operator';
import { orderedOperators } from './ordered';

/** W3C ISO 8601 forms: YYYY, YYYY-MM, YYYY-MM-DD, then hh:mm, hh:mm:ss or hh:mm:ss.s, then a zone. */
const ISO_8601 =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?)?)?$/;

/**
 * A date as IAM accepts it: the W3C ISO 8601 forms (`2026`, `2026-01`, `2026-01-01`,
 * `2026-01-01T00:00:00Z`, with an offset or fractional seconds) or epoch seconds. A time without a zone
 * is read as UTC, so the answer never depends on the machine's time zone. Returns milliseconds since
 * the epoch, or undefined for anything else.
 */
export function parseIamDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+$/.test(trimmed) && trimmed.length !== 4) return Number(trimmed) * 1000;
  const m = ISO_8601.exec(trimmed);
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', frac = '', zone = 'Z'] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h) > 24 || Number(mi) > 59 || Number(s) > 60) {
    return undefined;
  }
  const ms = Math.round(Number(`0.${frac || '0'}`) * 1000);
  let time = Date.UTC(Number(y), month - 1, day, Number(h), Number(mi), Number(s), ms);
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return time;
}

export const dateOperators: readonly ConditionOperator[] = orderedOperators('Date', parseIamDate);
