import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotInputError } from './errors';
import { parseSnapshot, SNAPSHOT_FILES, type SnapshotFileKey, type SnapshotTexts } from './parse-snapshot';
import type { AccountSnapshot } from './types';

/**
 * A whole file as UTF-8 text, read to its end whatever kind of file it is. Synchronously on purpose:
 * the loader has nothing else to do meanwhile, and `readFileSync(path, 'utf8')` reads and decodes in one
 * native step. `readFile` from fs/promises reads half a megabyte at a time and decodes piece by piece,
 * which builds the text twice over (pieces, then the flat copy JSON.parse needs); reading into a Buffer
 * first leaves megabytes of buffers for the garbage collector. For the inventories of a large account
 * either costs more than the read itself.
 */
export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

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
        texts[key] = readText(path);
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
