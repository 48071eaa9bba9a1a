/**
 * JSON.parse keeps the last of two members with the same name, silently: in a compliance policy,
 * `{"exemptPrincipals": [], "exemptPrincipals": ["*"]}` would exempt everyone, where the same text read
 * as YAML is refused ("Map keys must be unique"). Nothing says which of the two was meant, so text
 * that repeats a key in one object is refused, as the YAML reader refuses it.
 *
 * @example parseJsonUniqueKeys('{"a": 1, "a": 2}') // throws SyntaxError: key "a" appears twice in one object
 */
export function parseJsonUniqueKeys(text: string): unknown {
  const value: unknown = JSON.parse(text);
  assertUniqueKeys(text);
  return value;
}

/** Throws that SyntaxError when `text`, which JSON.parse has accepted, repeats a key in one object. */
export function assertUniqueKeys(text: string): void {
  const key = repeatedKey(text);
  if (key !== undefined) throw new SyntaxError(`key ${JSON.stringify(key)} appears twice in one object`);
}

/** The first key repeated within one object of `text`, which JSON.parse has already accepted. */
function repeatedKey(text: string): string | undefined {
  // One entry per open object (its keys so far) or array (null).
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') open.push(new Set());
    else if (c === '[') open.push(null);
    else if (c === '}' || c === ']') open.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const keys = open[open.length - 1];
      if (keys) {
        let next = end + 1;
        while (/\s/.test(text[next] ?? '')) next++;
        if (text[next] === ':') {
          const key = JSON.parse(text.slice(i, end + 1)) as string;
          if (keys.has(key)) return key;
          keys.add(key);
        }
      }
      i = end;
    }
  }
  return undefined;
}
