/** A readonly shape made writable, for objects built field by field before they are handed out. */
export type Writable<T> = { -readonly [K in keyof T]: T[K] };
