import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SNAPSHOT_FILES, type SnapshotFileKey, type SnapshotValues } from './parse-snapshot';

/**
 * Writes a snapshot directory in the AWS CLI's format, one file per key.
 *
 * The directory may hold an older snapshot (a nightly job writing to one place). A write that stops
 * part-way must not leave a mix of old and new files that loads as one complete snapshot:
 * - every file is first written to a staging directory inside `dir`, so a failure there (a full disk)
 *   leaves the old snapshot untouched;
 * - then account.json, a required file, is removed, the other files are moved into place, and
 *   account.json comes last: while files are being swapped, the directory does not load at all.
 * Snapshot files the new snapshot does not have are removed, so none of the old one is left over.
 */
export async function writeSnapshotDirectory(dir: string, values: SnapshotValues): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const keys = (Object.keys(SNAPSHOT_FILES) as SnapshotFileKey[]).filter((key) => values[key] !== undefined);
  const staging = await mkdtemp(join(dir, '.ssm-ssh-audit-writing-'));
  try {
    for (const key of keys) {
      await writeFile(join(staging, SNAPSHOT_FILES[key]), `${JSON.stringify(values[key], null, 2)}\n`);
    }
    await rm(join(dir, SNAPSHOT_FILES.account), { force: true });
    for (const key of Object.keys(SNAPSHOT_FILES) as SnapshotFileKey[]) {
      if (!keys.includes(key)) await rm(join(dir, SNAPSHOT_FILES[key]), { force: true });
    }
    const last = keys.filter((key) => key === 'account');
    for (const key of [...keys.filter((key) => key !== 'account'), ...last]) {
      await rename(join(staging, SNAPSHOT_FILES[key]), join(dir, SNAPSHOT_FILES[key]));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return keys.map((key) => join(dir, SNAPSHOT_FILES[key]));
}
