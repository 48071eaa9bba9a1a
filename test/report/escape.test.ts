import { escapeControls, mapStrings } from '../../src/report/escape';

describe('escapeControls', () => {
  it.each<[string, string, string]>([
    ['ESC of an OSC window title, ended by BEL', '\u001b]0;pwned\u0007', '\\u001b]0;pwned\\u0007'],
    ['CR, which rewrites the line', 'ok\rNON', 'ok\\u000dNON'],
    ['LF and TAB', 'a\nb\tc', 'a\\u000ab\\u0009c'],
    [
      'DEL and the C1 CSI (U+009B), which some terminals obey like ESC [',
      '\u007f\u009b2J',
      '\\u007f\\u009b2J',
    ],
    [
      'the bidi overrides U+202A–U+202E',
      '\u202a\u202b\u202c\u202d\u202e',
      '\\u202a\\u202b\\u202c\\u202d\\u202e',
    ],
    ['the bidi isolates U+2066–U+2069', '\u2066\u2067\u2068\u2069', '\\u2066\\u2067\\u2068\\u2069'],
    [
      'nothing in ordinary text, accents and symbols included',
      'Amazon Linux 2023 – Ubuntu ✓ é',
      'Amazon Linux 2023 – Ubuntu ✓ é',
    ],
  ])('writes %s as visible escapes', (_case, input, expected) => {
    expect(escapeControls(input)).toBe(expected);
  });
});

describe('mapStrings', () => {
  it('maps every string at any depth and leaves keys, numbers and booleans alone', () => {
    // Given
    const value = { 'k\u0007': ['a\u0007', { n: 1, b: true, s: 'b\u0007', none: null }] };

    // When
    const mapped = mapStrings(value, escapeControls);

    // Then
    expect(mapped).toEqual({ 'k\u0007': ['a\\u0007', { n: 1, b: true, s: 'b\\u0007', none: null }] });
    expect(value['k\u0007'][0]).toBe('a\u0007'); // the input is not changed
  });

  it('copies nothing when nothing changes, and maps a shared list once, keeping it shared', () => {
    // Given two principals sharing one reach list (as the audit builds them), and one clean object
    const reach = ['i-0a1b2c3d4e5f60718', 'mi-0a1b2c3d4e5f6071\u001b'];
    const clean = { arn: 'arn:aws:iam::111122223333:role/OpsAdmin' };
    const report = { principals: [{ reach }, { reach }], clean };

    // When
    const mapped = mapStrings(report, escapeControls);

    // Then
    expect(mapped.clean).toBe(clean);
    expect(mapped.principals[0]?.reach).toBe(mapped.principals[1]?.reach);
    expect(mapped.principals[0]?.reach).toEqual(['i-0a1b2c3d4e5f60718', 'mi-0a1b2c3d4e5f6071\\u001b']);
  });
});
