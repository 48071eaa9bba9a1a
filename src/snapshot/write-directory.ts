import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SNAPSHOT_FILES, type SnapshotFileKey, type SnapshotValues } from './parse-snapshot';

/** Writes a snapshot directory in the AWS CLI's format, one file per key. */
export async function writeSnapshotDirectory(dir: string, values: SnapshotValues): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const key of Object.keys(SNAPSHOT_FILES) as SnapshotFileKey[]) {
    if (values[key] === undefined) continue;
    const path = join(dir, SNAPSHOT_FILES[key]);
    await writeFile(path, `${JSON.stringify(values[key], null, 2)}\n`);
    written.push(path);
  }
  return written;
}
