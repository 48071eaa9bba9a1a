import { firstFew } from '../../src/util/first-few';

/** One-line messages name the first few items of a list, and say `...` only when some are left out. */
describe('firstFew', () => {
  it.each<[string, readonly string[], string]>([
    ['names nothing for an empty list', [], ''],
    ['names one item alone', ['i-1'], 'i-1'],
    ['names all three of three, with no "..."', ['i-1', 'i-2', 'i-3'], 'i-1, i-2, i-3'],
    ['names the first three of four, then "..."', ['i-1', 'i-2', 'i-3', 'i-4'], 'i-1, i-2, i-3, ...'],
  ])('%s', (_case, items, expected) => {
    // Given the items; When they are named; Then the text is as expected
    expect(firstFew(items)).toBe(expected);
  });

  it('names as many as asked for', () => {
    expect(firstFew(['a', 'b', 'c'], 2)).toBe('a, b, ...');
    expect(firstFew(['a', 'b'], 2)).toBe('a, b');
  });
});
