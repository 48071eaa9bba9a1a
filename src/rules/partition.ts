/**
 * Partitions of a list of items (instances, instance classes) into groups, refined one distinction at
 * a time. Grouping by integer vectors instead of by signature strings keeps the cost to one array
 * pass per distinction, with no string built per item.
 */
export interface Partition {
  /** `group[i]` is the group of item i; groups are numbered from 0 in order of first appearance. */
  readonly group: Int32Array;
  readonly groups: number;
}

/** Every item in one group. */
export function wholePartition(items: number): Partition {
  return { group: new Int32Array(items), groups: items > 0 ? 1 : 0 };
}

/** Every item in a group of its own. */
export function separatePartition(items: number): Partition {
  const group = new Int32Array(items);
  for (let i = 0; i < items; i++) group[i] = i;
  return { group, groups: items };
}

/** Items grouped by a key each: equal keys, one group. */
export function partitionBy<T>(items: readonly T[], key: (item: T) => string | number): Partition {
  const ids = new Map<string | number, number>();
  const group = new Int32Array(items.length);
  items.forEach((item, i) => {
    const k = key(item);
    let id = ids.get(k);
    if (id === undefined) {
      id = ids.size;
      ids.set(k, id);
    }
    group[i] = id;
  });
  return { group, groups: ids.size };
}

/** The first item of each group, by group: groups are numbered in order of first appearance. */
export function firstMembers(partition: Partition): number[] {
  const first: number[] = [];
  partition.group.forEach((g, i) => {
    if (g === first.length) first.push(i);
  });
  return first;
}

/**
 * The common refinement of a partition and a vector of values in [0, values): two items stay in one
 * group only when they were in one group and have the same value.
 */
export function refine(partition: Partition, vector: ArrayLike<number>, values: number): Partition {
  const n = partition.group.length;
  const group = new Int32Array(n);
  let next = 0;
  const size = partition.groups * values;
  if (size <= 1 << 22) {
    const ids = new Int32Array(size).fill(-1);
    for (let i = 0; i < n; i++) {
      const pair = (partition.group[i] as number) * values + (vector[i] as number);
      let id = ids[pair] as number;
      if (id < 0) {
        id = next++;
        ids[pair] = id;
      }
      group[i] = id;
    }
  } else {
    const ids = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const pair = (partition.group[i] as number) * values + (vector[i] as number);
      let id = ids.get(pair);
      if (id === undefined) {
        id = next++;
        ids.set(pair, id);
      }
      group[i] = id;
    }
  }
  return { group, groups: next };
}
