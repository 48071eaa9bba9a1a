/**
 * A small number for each distinct object, in the order they are first asked about: the identity of
 * an object inside a cache key, where nothing in the object itself is sure to be unique.
 */
export class Numbering<T extends object> {
  private readonly numbers = new WeakMap<T, number>();
  private next = 0;

  of(item: T): number {
    let number = this.numbers.get(item);
    if (number === undefined) {
      number = this.next++;
      this.numbers.set(item, number);
    }
    return number;
  }
}
