import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { SnapshotInputError } from '../../src/snapshot/errors';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import { parseSnapshotValues, SNAPSHOT_FILES, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import { writeSnapshotDirectory } from '../../src/snapshot/write-directory';

/**
 * `ssm-ssh-audit snapshot --out DIR` over a directory that already holds a snapshot (a nightly job
 * writing to the same place). A write that stops part-way (a full disk, a killed process) must not
 * leave a directory that loads as one complete snapshot while it mixes files of the old and the new.
 */

jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
  return { ...actual, writeFile: jest.fn(actual.writeFile), rename: jest.fn(actual.rename) };
});
const actual = jest.requireActual<typeof import('node:fs/promises')>('node:fs/promises');
const writeFile = fsPromises.writeFile as unknown as jest.Mock;
const rename = fsPromises.rename as unknown as jest.Mock;

const WIRE = join(__dirname, '..', 'fixtures', 'wire', 'expected');

/** The wire account's seven files, as parsed JSON: the snapshot already in the directory. */
function oldSnapshot(): SnapshotValues {
  const values: SnapshotValues = {};
  for (const [key, file] of Object.entries(SNAPSHOT_FILES)) {
    values[key as keyof typeof SNAPSHOT_FILES] = JSON.parse(readFileSync(join(WIRE, file), 'utf8'));
  }
  return values;
}

/** The same account a day later: no roles any more, and one instance fewer. */
function newSnapshot(): SnapshotValues {
  const old = oldSnapshot() as Record<string, Record<string, unknown[]>>;
  return {
    ...old,
    iam: { ...old.iam, RoleDetailList: [] },
    instances: { InstanceInformationList: (old.instances?.InstanceInformationList ?? []).slice(1) },
  };
}

const enospc = (): Error =>
  Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

let work: string;
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-write-'));
  writeFile.mockImplementation(actual.writeFile);
  rename.mockImplementation(actual.rename);
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('writing a snapshot over an existing one', () => {
  it('replaces every file when nothing fails', async () => {
    // Given: yesterday's snapshot in DIR
    const dir = join(work, 'snap');
    await writeSnapshotDirectory(dir, oldSnapshot());
    // When: today's is written over it
    await writeSnapshotDirectory(dir, newSnapshot());
    // Then: DIR holds today's snapshot, and only its seven files
    expect(await loadSnapshotDirectory(dir)).toEqual(parseSnapshotValues(newSnapshot()));
    expect(readdirSync(dir).sort()).toEqual(Object.values(SNAPSHOT_FILES).sort());
  });

  it.each([
    ['writing', 'instances.json'],
    ['writing', 'tags.json'],
    ['moving into place', 'instances.json'],
    ['moving into place', 'tags.json'],
  ] as const)(
    'a failure %s %s leaves a directory that loads as the old snapshot or not at all, never as a mix',
    async (step, file) => {
      // Given: yesterday's snapshot in DIR, and a disk that fills up at one step of today's write
      const dir = join(work, 'snap');
      await writeSnapshotDirectory(dir, oldSnapshot());
      const mock = step === 'writing' ? writeFile : rename;
      const real = step === 'writing' ? actual.writeFile : actual.rename;
      mock.mockImplementation((...args: [string, string]) =>
        basename(String(args[0])) === file
          ? Promise.reject(enospc())
          : (real as typeof actual.rename)(...args),
      );
      // When: today's snapshot is written over it
      await expect(writeSnapshotDirectory(dir, newSnapshot())).rejects.toThrow(/ENOSPC/);
      // Then: the directory is refused, or is yesterday's snapshot whole; and nothing is left behind
      let loaded;
      try {
        loaded = await loadSnapshotDirectory(dir);
      } catch (error) {
        expect(error).toBeInstanceOf(SnapshotInputError);
      }
      if (loaded) expect(loaded).toEqual(parseSnapshotValues(oldSnapshot()));
      expect(readdirSync(dir).every((f) => Object.values(SNAPSHOT_FILES).includes(f as never))).toBe(true);
    },
  );
});

describe('writing a snapshot that lacks an optional file over one that has it', () => {
  it('removes the old file, so that the directory does not pass yesterday’s tags for today’s', async () => {
    // Given: yesterday's snapshot in DIR, with its tags.json
    const dir = join(work, 'snap');
    await writeSnapshotDirectory(dir, oldSnapshot());
    // When: today's snapshot, which has no tags, is written over it
    const today = { ...newSnapshot(), tags: undefined };
    const written = await writeSnapshotDirectory(dir, today);
    // Then: tags.json is gone, and loading DIR makes the missing tags a gap, as for today's snapshot
    expect(written.map((file) => basename(file))).not.toContain(SNAPSHOT_FILES.tags);
    expect(readdirSync(dir)).not.toContain(SNAPSHOT_FILES.tags);
    const loaded = await loadSnapshotDirectory(dir);
    expect(loaded.tags).toBeUndefined();
    expect(loaded.gaps).toContainEqual({
      source: 'tags',
      message: expect.stringContaining('tags.json is not in the snapshot') as string,
    });
    expect(loaded).toEqual(parseSnapshotValues(today));
  });
});
