/**
 * The first few of a list for a one-line message, and `...` when there are more: enough to find them,
 * short enough to read.
 *
 * @example
 * firstFew(['i-1', 'i-2', 'i-3', 'i-4']) // 'i-1, i-2, i-3, ...'
 */
export function firstFew(items: readonly string[], shown = 3): string {
  return `${items.slice(0, shown).join(', ')}${items.length > shown ? ', ...' : ''}`;
}
