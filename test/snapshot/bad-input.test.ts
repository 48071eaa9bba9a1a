import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseSnapshot, SNAPSHOT_FILES, type SnapshotTexts } from '../../src/snapshot/parse-snapshot';
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
    '--input names a file of a snapshot instead of its directory',
    'missing-iam/account.json',
    /missing-iam[\\/]account\.json: not a directory$/,
  ],
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
    'iam.json lists one user name at two paths, which IAM holds once',
    'user-name-at-two-paths',
    /user-name-at-two-paths[\\/]iam\.json: UserDetailList\[1\]\.UserName: "readonly\.user" is listed twice \(also UserDetailList\[0\] as "arn:aws:iam::111122223333:user\/readonly\.user", which IAM does not tell apart: a name is unique in its account whatever its path\)$/,
  ],
  [
    'instances.json gives an EC2 instance id the ResourceType of a hybrid node',
    'ec2-instance-typed-managed-instance',
    /ec2-instance-typed-managed-instance[\\/]instances\.json: InstanceInformationList\[0\]: ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-db37b28f9b7b7819a" is an EC2 instance's \(hybrid nodes have mi- ids\); nothing says which is true$/,
  ],
  [
    'instances.json gives a hybrid node id the ResourceType of an EC2 instance',
    'hybrid-node-typed-ec2-instance',
    /hybrid-node-typed-ec2-instance[\\/]instances\.json: InstanceInformationList\[0\]: ResourceType "EC2Instance" says an EC2 instance, but InstanceId "mi-0c1d2e3f405162738" is a hybrid node's \(EC2 instances have i- ids\); nothing says which is true$/,
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

/**
 * `aws ... > file` leaves an empty file when the command fails: a denied optional read, or
 * SSM-SessionManagerRunShell that was never created. The message says that, and what to do, instead
 * of "not valid JSON (Unexpected end of JSON input)".
 */
describe('parseSnapshot on an empty file', () => {
  const EXAMPLE = join(__dirname, '..', '..', 'examples', 'account');
  const texts = (): SnapshotTexts => ({
    iam: readFileSync(join(EXAMPLE, 'iam.json'), 'utf8'),
    instances: readFileSync(join(EXAMPLE, 'instances.json'), 'utf8'),
    account: readFileSync(join(EXAMPLE, 'account.json'), 'utf8'),
  });

  it.each(['', '\n', '\ufeff', ' \r\n'])(
    'names a required file that holds %j and the command that writes it',
    (text) => {
      expect(() => parseSnapshot({ ...texts(), iam: text })).toThrow(
        /^iam\.json: is empty: did the command that writes it fail\? Write it with: aws iam get-account-authorization-details$/,
      );
    },
  );

  it('tells how to record the failed read of an optional file', () => {
    expect(() => parseSnapshot({ ...texts(), sessionPreferences: '' })).toThrow(
      /^session-preferences\.json: is empty: .* aws ssm get-document --name SSM-SessionManagerRunShell; or, if that command failed, put its error in the file as \{"Error": /,
    );
  });
});

/**
 * Windows PowerShell 5.1's `>` writes UTF-16. Read as UTF-8 that was "not valid JSON (Unexpected token
 * '�', "��{\u0000\u000a..."": the message now says what the file is and how to write it.
 */
describe('parseSnapshot on a UTF-16 file', () => {
  const EXAMPLE = join(__dirname, '..', '..', 'examples', 'account');
  const utf8 = readFileSync(join(EXAMPLE, 'instances.json'), 'utf8');
  const asUtf8 = (bytes: Buffer): string => bytes.toString('utf8');
  const le = Buffer.from(utf8, 'utf16le');
  const be = Buffer.from(le).swap16();
  it.each([
    ['UTF-16LE with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), le])],
    ['UTF-16BE with a byte-order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), be])],
    ['UTF-16LE without one', le],
    ['UTF-16BE without one', be],
  ])('names %s as UTF-16', (_kind, bytes) => {
    expect(() =>
      parseSnapshot({
        iam: readFileSync(join(EXAMPLE, 'iam.json'), 'utf8'),
        account: readFileSync(join(EXAMPLE, 'account.json'), 'utf8'),
        instances: asUtf8(bytes),
      }),
    ).toThrow(/^instances\.json: is UTF-16 text \(as Windows PowerShell 5\.1 writes with >\), not UTF-8: /);
  });
});

/**
 * Notepad's "UTF-8 with BOM" and PowerShell 7's `Out-File -Encoding utf8BOM` start a UTF-8 file with
 * a byte-order mark, which JSON.parse refuses. The text after it is the AWS CLI's output all the same: the snapshot
 * loads as if the mark were not there.
 */
describe('parseSnapshot on UTF-8 files that start with a byte-order mark', () => {
  const EXAMPLE = join(__dirname, '..', '..', 'examples', 'account');
  const plain = (): SnapshotTexts => ({
    iam: readFileSync(join(EXAMPLE, 'iam.json'), 'utf8'),
    instances: readFileSync(join(EXAMPLE, 'instances.json'), 'utf8'),
    account: readFileSync(join(EXAMPLE, 'account.json'), 'utf8'),
    tags: readFileSync(join(EXAMPLE, 'tags.json'), 'utf8'),
  });

  it.each(['iam', 'instances', 'account', 'tags'] as const)(
    'reads %s with a byte-order mark exactly as without one',
    (key) => {
      // Given the example account, with one file written by an editor that adds a byte-order mark
      const texts = plain();
      const marked = { ...texts, [key]: `\ufeff${texts[key] as string}` };
      // When both are parsed
      // Then they give the same snapshot
      expect(parseSnapshot(marked)).toEqual(parseSnapshot(texts));
    },
  );
});

/**
 * The AWS CLI's output with one field that AWS always writes taken out or given a value AWS never
 * writes. The loader refuses it, naming the file and the field, rather than read the gap as "none"
 * (a tag with no value, a role with no managed policy) or fail later on an undefined.
 */
describe('parseSnapshot on AWS CLI output with a field AWS always writes missing or out of range', () => {
  const EXAMPLE = join(__dirname, '..', '..', 'examples', 'account');
  type Json = Record<string, unknown>;
  const read = (file: string): Json => JSON.parse(readFileSync(join(EXAMPLE, file), 'utf8')) as Json;
  const list = (value: Json, key: string): Json[] => value[key] as Json[];

  const cases: readonly (readonly [string, keyof SnapshotTexts, (file: Json) => void, RegExp])[] = [
    [
      'iam.json without the Policies list of get-account-authorization-details',
      'iam',
      (iam) => delete iam.Policies,
      /^iam\.json: Policies: .*expected array \(missing\)$/,
    ],
    [
      'a role tag without its Value (an IAM Tag has a required Value)',
      'iam',
      (iam) =>
        delete (list(iam, 'RoleDetailList').find((r) => r.RoleName === 'OpsAdmin')!.Tags as Json[])[0]!.Value,
      /^iam\.json: RoleDetailList\[1\]\.Tags\[0\]\.Value: .*expected string \(missing\)$/,
    ],
    [
      'an attached managed policy without its PolicyArn',
      'iam',
      (iam) => delete (list(iam, 'RoleDetailList')[1]!.AttachedManagedPolicies as Json[])[0]!.PolicyArn,
      /^iam\.json: RoleDetailList\[1\]\.AttachedManagedPolicies\[0\]\.PolicyArn: .*expected string \(missing\)$/,
    ],
    [
      'a managed node without its InstanceId',
      'instances',
      (instances) => delete list(instances, 'InstanceInformationList')[0]!.InstanceId,
      /^instances\.json: InstanceInformationList\[0\]\.InstanceId: .*expected string \(missing\)$/,
    ],
    [
      'a tag of describe-tags without its ResourceId',
      'tags',
      (tags) => delete list(tags, 'Tags')[0]!.ResourceId,
      /^tags\.json: Tags\[0\]\.ResourceId: .*expected string \(missing\)$/,
    ],
    [
      'an activation tier other than standard or advanced, the two values of /ssm/managed-instance/activation-tier',
      'activationTier',
      (tier) => ((tier.ServiceSetting as Json).SettingValue = 'premium'),
      /^activation-tier\.json: ServiceSetting\.SettingValue: .*"standard"\|"advanced"/,
    ],
  ];

  it.each(cases)('refuses %s, naming the file and field', (_defect, key, edit, message) => {
    // Given the example account's files, with one of them edited
    const texts: SnapshotTexts = {
      iam: readFileSync(join(EXAMPLE, 'iam.json'), 'utf8'),
      instances: readFileSync(join(EXAMPLE, 'instances.json'), 'utf8'),
      account: readFileSync(join(EXAMPLE, 'account.json'), 'utf8'),
      activationTier: readFileSync(join(EXAMPLE, 'activation-tier.json'), 'utf8'),
      tags: readFileSync(join(EXAMPLE, 'tags.json'), 'utf8'),
    };
    const value = read(SNAPSHOT_FILES[key]);
    edit(value);
    texts[key] = JSON.stringify(value);
    // When it is parsed / Then it is refused with a SnapshotInputError naming the file and field
    let error: Error | undefined;
    try {
      parseSnapshot(texts);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.name).toBe('SnapshotInputError');
    expect(error?.message).toMatch(message);
  });
});
