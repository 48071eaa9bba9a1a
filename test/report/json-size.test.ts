import fc from 'fast-check';
import { jsonBytesWithin } from '../../src/report/json-size';

const bytes = (text: string): number => Buffer.byteLength(text);

/** Values as a report holds them, and what JSON.stringify treats specially: undefined, NaN, Dates. */
const member = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    undefined,
    Number.NaN,
    -0,
    new Date(0),
    () => 1,
    Object.assign([1, 2], { toJSON: () => 'a' }),
  ),
  fc.string({ unit: 'binary' }),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    member,
    fc.array(tie('node'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('node'), { maxKeys: 5 }),
  ),
})).node;

describe('jsonBytesWithin', () => {
  it('is the UTF-8 length of JSON.stringify for any value within the limit', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(jsonBytesWithin(v, Number.MAX_SAFE_INTEGER)).toBe(bytes(JSON.stringify(v) ?? 'null'));
      }),
      { numRuns: 2000 },
    );
  });

  it('is greater than the limit exactly when JSON.stringify is', () => {
    fc.assert(
      fc.property(value, fc.nat({ max: 200 }), (v, limit) => {
        const size = bytes(JSON.stringify(v) ?? 'null');
        const measured = jsonBytesWithin(v, limit);
        if (size <= limit) expect(measured).toBe(size);
        else expect(measured).toBeGreaterThan(limit);
      }),
      { numRuns: 2000 },
    );
  });

  it.each<[string, unknown]>([
    [
      'a member whose toJSON returns undefined, which JSON.stringify leaves out',
      { a: { toJSON: () => undefined }, b: 1 },
    ],
    [
      'a member whose toJSON returns a function',
      { a: { toJSON: () => () => 1 }, b: [{ toJSON: () => Symbol('s') }] },
    ],
    ['a toJSON that writes the key it is called with', { principal: { toJSON: (key: string) => key } }],
  ])('measures %s exactly', (_name, v) => {
    const size = bytes(JSON.stringify(v));
    expect(jsonBytesWithin(v, Number.MAX_SAFE_INTEGER)).toBe(size);
    expect(jsonBytesWithin(v, size)).toBe(size);
    expect(jsonBytesWithin(v, size - 1)).toBeGreaterThan(size - 1);
  });

  it('stops at the limit instead of serializing a list of a million items', () => {
    // Given a list whose every item is the same large text: the whole would be ~1 GB
    const item = 'x'.repeat(1000);
    const huge = { principals: new Array<string>(1_000_000).fill(item) };
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      // When it is measured against 10 KB
      expect(jsonBytesWithin(huge, 10_000)).toBeGreaterThan(10_000);
      // Then only the items up to the limit were serialized
      expect(stringify.mock.calls.length).toBeLessThan(20);
    } finally {
      stringify.mockRestore();
    }
  });
});
