import {
  firstMembers,
  partitionBy,
  refine,
  separatePartition,
  wholePartition,
} from '../../src/rules/partition';

/** The groups as lists of item indices, which is what a partition means whatever its numbering. */
function groupsOf(group: Int32Array): number[][] {
  const out: number[][] = [];
  group.forEach((g, i) => (out[g] ??= []).push(i));
  return out;
}

describe('partitions of items, refined one distinction at a time', () => {
  it.each([
    [
      'two values cut one group in two',
      [0, 0, 0, 0],
      [0, 1, 0, 1],
      2,
      [
        [0, 2],
        [1, 3],
      ],
    ],
    [
      'a constant vector changes nothing',
      [0, 0, 1, 1],
      [1, 1, 1, 1],
      2,
      [
        [0, 1],
        [2, 3],
      ],
    ],
    [
      'equal values in different groups stay apart',
      [0, 1, 0, 1],
      [2, 2, 2, 2],
      3,
      [
        [0, 2],
        [1, 3],
      ],
    ],
    ['both cuts together give the common refinement', [0, 0, 1, 1], [0, 1, 0, 1], 2, [[0], [1], [2], [3]]],
    [
      'values may exceed the lookup table (large vectors use a map)',
      [0, 0, 0],
      [5_000_000, 7, 5_000_000],
      5_000_001,
      [[0, 2], [1]],
    ],
    [
      'items of different groups stay apart in the map too, even where group + value would collide',
      [0, 1, 1, 0],
      [1, 0, 0, 1],
      5_000_001,
      [
        [0, 3],
        [1, 2],
      ],
    ],
  ])('%s', (_name, start, vector, values, expected) => {
    const before = { group: Int32Array.from(start), groups: Math.max(...start) + 1 };
    const after = refine(before, vector, values);
    expect(groupsOf(after.group)).toEqual(expected);
    expect(after.groups).toBe(expected.length);
  });

  it('numbers groups in order of first appearance', () => {
    expect([...refine(wholePartition(4), [3, 1, 3, 0], 4).group]).toEqual([0, 1, 0, 2]);
  });

  it('groups by a key, and knows the two extremes', () => {
    expect(groupsOf(partitionBy(['a', 'b', 'a'], (x) => x).group)).toEqual([[0, 2], [1]]);
    expect(groupsOf(wholePartition(3).group)).toEqual([[0, 1, 2]]);
    expect(groupsOf(separatePartition(3).group)).toEqual([[0], [1], [2]]);
    expect(wholePartition(0).groups).toBe(0);
  });

  it('names the first item of each group', () => {
    expect(firstMembers(partitionBy(['b', 'a', 'b', 'c', 'a'], (x) => x))).toEqual([0, 1, 3]);
    expect(firstMembers(wholePartition(0))).toEqual([]);
  });
});
