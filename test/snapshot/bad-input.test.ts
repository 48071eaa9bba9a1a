import { join } from 'node:path';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';

/**
 * Snapshot directories with exactly one defect each (test/fixtures/bad-snapshots/). The loader must
 * refuse them with a SnapshotInputError whose one-line message names the file and, where there is
 * one, the field, so that a person knows what to fix.
 *
 * A field that is present with the wrong type must not be called "(missing)": the patterns for those
 * rows end with `$`, and a truly missing field has a row of its own.
 */
const ROOT = join(__dirname, '..', 'fixtures', 'bad-snapshots');

const table: readonly (readonly [string, string, RegExp])[] = [
  ['the directory does not exist', 'does-not-exist', /does-not-exist: no such directory$/],
  [
    'iam.json is missing',
    'missing-iam',
    /missing-iam[\\/]iam\.json: required file is missing \(write it with: aws iam get-account-authorization-details\)/,
  ],
  [
    'instances.json is truncated JSON',
    'truncated-instances',
    /truncated-instances[\\/]instances\.json: not valid JSON/,
  ],
  [
    'iam.json is an array instead of an object',
    'iam-array',
    /iam-array[\\/]iam\.json: \(top level\): .*expected object, received array$/,
  ],
  [
    'RoleDetailList[0].RoleName in iam.json is a number',
    'role-name-number',
    /role-name-number[\\/]iam\.json: RoleDetailList\[0\]\.RoleName: .*expected string, received number$/,
  ],
  [
    'RoleDetailList[0].Arn in iam.json is missing',
    'missing-role-arn',
    /missing-role-arn[\\/]iam\.json: RoleDetailList\[0\]\.Arn: .*expected string \(missing\)$/,
  ],
  [
    'account.json has an 11-digit account id',
    'bad-account-id',
    /bad-account-id[\\/]account\.json: Account: must be a 12-digit account id/,
  ],
  [
    'the optional tags.json is truncated JSON',
    'truncated-tags',
    /truncated-tags[\\/]tags\.json: not valid JSON/,
  ],
];

describe('loadSnapshotDirectory on a snapshot with one defect', () => {
  it.each(table)('rejects the snapshot when %s, naming the file and field', async (_defect, dir, message) => {
    // Given a snapshot directory with one defect
    const path = join(ROOT, dir);
    // When it is loaded
    const loading = loadSnapshotDirectory(path);
    // Then it is refused with a SnapshotInputError whose one-line message names the file and field
    await expect(loading).rejects.toThrow(message);
    const error = (await loading.catch((e: unknown) => e)) as Error;
    expect(error.name).toBe('SnapshotInputError');
    expect(error.message).not.toContain('\n');
  });
});
