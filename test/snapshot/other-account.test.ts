import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { SnapshotInputError } from '../../src/snapshot/errors';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * account.json's Account builds the instance and document ARNs that policies are matched against. An
 * account.json of another account than iam.json (written with another profile, or files put together
 * by hand) matched none of the account's own Resource patterns, and the audit reported principals
 * that the account's policies allow COMPLIANT, with complete: true. Such a snapshot is refused.
 */
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'account');
const read = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(EXAMPLE, file), 'utf8')) as Record<string, unknown>;

describe('a snapshot whose files are of two accounts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'other-account-'));
    cpSync(EXAMPLE, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is refused, naming the first IAM entity of another account', async () => {
    writeFileSync(
      join(dir, 'account.json'),
      JSON.stringify({
        Account: '222233334444',
        Arn: 'arn:aws:sts::222233334444:assumed-role/Audit/me',
        Region: 'eu-west-1',
      }),
    );
    const load = loadSnapshotDirectory(dir);
    await expect(load).rejects.toThrow(SnapshotInputError);
    await expect(loadSnapshotDirectory(dir)).rejects.toThrow(
      `${join(dir, 'iam.json')}: UserDetailList[0].Arn: "arn:aws:iam::111122223333:user/alice.nguyen" is in account 111122223333, but account.json says the snapshot is of account 222233334444`,
    );
  });

  it('is refused when account.json contradicts itself', () => {
    expect(() =>
      parseSnapshotValues({
        iam: read('iam.json'),
        instances: read('instances.json'),
        account: { ...read('account.json'), Account: '222233334444' },
      }),
    ).toThrow(
      'account.json: Arn: "arn:aws:sts::111122223333:assumed-role/GitHubActionsReadOnly/GitHubActions" is in account 111122223333, not in the Account 222233334444',
    );
  });

  it('names a customer managed policy of another account; AWS managed policies are of the account "aws"', () => {
    const iam = read('iam.json');
    const policies = iam.Policies as { Arn: string }[];
    const i = policies.findIndex((p) => p.Arn.includes(':111122223333:'));
    const other = policies.map((p, j) =>
      j === i ? { ...p, Arn: p.Arn.replace('111122223333', '999988887777') } : p,
    );
    expect(policies.some((p) => p.Arn.startsWith('arn:aws:iam::aws:policy/'))).toBe(true);
    expect(() =>
      parseSnapshotValues({
        iam: { ...iam, Policies: other },
        instances: read('instances.json'),
        account: read('account.json'),
      }),
    ).toThrow(
      new RegExp(
        `^iam\\.json: Policies\\[${i}\\]\\.Arn: .* is in account 999988887777, but account\\.json says`,
      ),
    );
    expect(() =>
      parseSnapshotValues({ iam, instances: read('instances.json'), account: read('account.json') }),
    ).not.toThrow();
  });
});
