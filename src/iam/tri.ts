/**
 * Three-valued logic for static evaluation.
 *
 * A static audit often cannot know whether a statement applies: the request context (MFA, source IP,
 * calling service) is not known ahead of time. `maybe` carries that uncertainty through every
 * combination instead of guessing, so that "conditional" access is reported as such.
 */
export type Tri = 'yes' | 'no' | 'maybe';

/** Logical AND: `no` dominates, then `maybe`. */
export function triAnd(a: Tri, b: Tri): Tri {
  if (a === 'no' || b === 'no') return 'no';
  if (a === 'maybe' || b === 'maybe') return 'maybe';
  return 'yes';
}

/** Logical OR: `yes` dominates, then `maybe`. */
export function triOr(a: Tri, b: Tri): Tri {
  if (a === 'yes' || b === 'yes') return 'yes';
  if (a === 'maybe' || b === 'maybe') return 'maybe';
  return 'no';
}

export function triNot(a: Tri): Tri {
  return a === 'yes' ? 'no' : a === 'no' ? 'yes' : 'maybe';
}

export function triFromBoolean(value: boolean): Tri {
  return value ? 'yes' : 'no';
}

/** `exists x in items: test(x)` in three-valued logic, stopping at the first definite `yes`. */
export function triSome<T>(items: readonly T[], test: (item: T) => Tri): Tri {
  let result: Tri = 'no';
  for (const item of items) {
    const r = test(item);
    if (r === 'yes') return 'yes';
    if (r === 'maybe') result = 'maybe';
  }
  return result;
}

/** `for all x in items: test(x)` in three-valued logic, stopping at the first definite `no`. */
export function triEvery<T>(items: readonly T[], test: (item: T) => Tri): Tri {
  let result: Tri = 'yes';
  for (const item of items) {
    const r = test(item);
    if (r === 'no') return 'no';
    if (r === 'maybe') result = 'maybe';
  }
  return result;
}
