/** A snapshot file that is missing, unreadable or of the wrong shape. The message names the file. */
export class SnapshotInputError extends Error {
  override readonly name = 'SnapshotInputError';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}
