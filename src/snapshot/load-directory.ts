import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SnapshotInputError } from './errors';
import { parseSnapshot, SNAPSHOT_FILES, type SnapshotFileKey, type SnapshotTexts } from './parse-snapshot';
import type { AccountSnapshot } from './types';

/**
 * A whole file as UTF-8 text. A regular file is read with one request into a buffer of its size and
 * decoded at once: `readFile(path, 'utf8')` reads half a megabyte at a time and decodes piece by piece,
 * which builds the text twice over (pieces, then the copy JSON.parse needs) and for the inventories
 * of a large account costs more than reading them. A file that is not regular, or that grew after it
 * was measured, is read to its end the ordinary way, so nothing is cut short.
 */
export async function readText(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const info = await handle.stat();
    if (info.isFile()) {
      const bytes = Buffer.allocUnsafe(info.size + 1);
      let length = 0;
      while (length < bytes.length) {
        const { bytesRead } = await handle.read(bytes, length, bytes.length - length, length);
        if (bytesRead === 0) break;
        length += bytesRead;
      }
      // One byte more than the size was asked for: getting it means the file grew meanwhile.
      if (length <= info.size) return bytes.toString('utf8', 0, length);
    }
    // Through the same handle: a named pipe cannot be opened a second time. The reads above gave their
    // positions, so this one starts at the beginning.
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
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
        texts[key] = await readText(path);
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
