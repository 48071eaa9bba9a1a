import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotInputError } from './errors';
import { parseSnapshot, SNAPSHOT_FILES, type SnapshotFileKey, type SnapshotTexts } from './parse-snapshot';
import type { AccountSnapshot } from './types';

/** Reads a snapshot directory of AWS CLI outputs. */
export async function loadSnapshotDirectory(dir: string): Promise<AccountSnapshot> {
  let info;
  try {
    info = await stat(dir);
  } catch (cause) {
    throw new SnapshotInputError(dir, 'no such directory', { cause });
  }
  if (!info.isDirectory()) throw new SnapshotInputError(dir, 'not a directory');

  const texts: SnapshotTexts = {};
  await Promise.all(
    (Object.keys(SNAPSHOT_FILES) as SnapshotFileKey[]).map(async (key) => {
      const path = join(dir, SNAPSHOT_FILES[key]);
      try {
        texts[key] = await readFile(path, 'utf8');
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw new SnapshotInputError(path, `cannot be read (${(cause as Error).message})`, { cause });
      }
    }),
  );
  try {
    return parseSnapshot(texts);
  } catch (error) {
    // Name the file with its directory, so the message points at something the user can open.
    if (error instanceof SnapshotInputError && !error.file.startsWith(dir)) {
      throw new SnapshotInputError(join(dir, error.file), error.message.slice(error.file.length + 2), {
        cause: error.cause,
      });
    }
    throw error;
  }
}
