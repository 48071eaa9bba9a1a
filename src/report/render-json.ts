import type { AuditReport } from './types';

const LISTS = new Set(['principals', 'instances', 'findings', 'gaps']);

const FIELD = '"sshReachableInstances":0';

/**
 * One list item as JSON, in pieces. Principals that reach the same instances share one id list (the
 * audit builds each distinct list once), so each list is serialized once, and handed on as the same
 * string every time instead of being copied into each principal's line.
 */
function itemPieces(item: unknown, lists: WeakMap<object, string>): string[] {
  const list = (item as { sshReachableInstances?: unknown }).sshReachableInstances;
  if (!Array.isArray(list) || list.length < 16) return [JSON.stringify(item)];
  let json = lists.get(list);
  if (json === undefined) {
    json = JSON.stringify(list);
    lists.set(list, json);
  }
  // Quotes inside string values are escaped, so this exact text can only be the field itself.
  const text = JSON.stringify({ ...(item as object), sshReachableInstances: 0 });
  const at = text.indexOf(FIELD) + FIELD.length - 1;
  return [text.slice(0, at), json, text.slice(at + 1)];
}

/**
 * The machine-readable report, schemaVersion 1 (DESIGN.md), in pieces: the top level indented, and
 * each principal, instance, finding and gap compact on a line of its own. That stays readable and
 * greppable, keeps large reports a fraction of their fully indented size, and lets a caller write
 * them without building one string larger than V8 allows.
 */
export function* renderJsonChunks(report: AuditReport): Generator<string> {
  const lists = new WeakMap<object, string>();
  yield '{\n';
  const entries = Object.entries(report);
  for (let n = 0; n < entries.length; n++) {
    const [key, value] = entries[n] as [string, unknown];
    const comma = n < entries.length - 1 ? ',' : '';
    if (LISTS.has(key) && Array.isArray(value)) {
      if (value.length === 0) {
        yield `  ${JSON.stringify(key)}: []${comma}\n`;
        continue;
      }
      yield `  ${JSON.stringify(key)}: [\n`;
      for (let i = 0; i < value.length; i++) {
        const pieces = itemPieces(value[i], lists);
        yield '    ';
        yield* pieces;
        yield i < value.length - 1 ? ',\n' : '\n';
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

export function renderJson(report: AuditReport): string {
  return [...renderJsonChunks(report)].join('');
}
