import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BIN, EXAMPLE, ROOT, runCli } from './run-cli';

/**
 * End to end: the real `ssm-ssh-audit` binary (bin/ -> dist/, built by `npm test`'s pretest step),
 * as a user runs it.
 */
const EXAMPLE_POLICY = join(ROOT, 'examples', 'policy.yaml');

const run = runCli;

interface Expected {
  complete: boolean;
  principals: Record<string, Record<string, unknown>>;
  instances: Record<string, Record<string, unknown>>;
  guardrailExists: boolean;
  findingRules: Record<string, number>;
}

let work: string;
beforeAll(() => {
  expect(existsSync(join(ROOT, 'dist', 'cli.js'))).toBe(true);
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-e2e-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A copy of the example account with one file changed. */
function variant(name: string, change: (dir: string) => void): string {
  const dir = join(work, name);
  cpSync(EXAMPLE, dir, { recursive: true });
  change(dir);
  return dir;
}

describe('ssm-ssh-audit on the bundled example account', () => {
  it('prints the text report: headline counts, principals to fix, exposed instances, the unaudited-sessions statement', () => {
    const { code, stdout, stderr } = run(['--input', EXAMPLE, '--policy', EXAMPLE_POLICY]);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const order = [
      '8 of 16 principals and 4 of 7 instances NON_COMPLIANT',
      'Non-compliant principals (8)',
      'Exposed instances (4)',
      'Unaudited sessions',
      'Remediation',
    ];
    const positions = order.map((text) => stdout.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(stdout).toContain('does not record SSH or port-forwarding sessions');
    expect(stdout).toContain('statement "SSHOnlyWithMFA" of inline policy SSHWithMFA');
    // eslint-disable-next-line no-control-regex
    expect(stdout).not.toMatch(/\u001b\[/);
  });

  it('writes the JSON contract (schemaVersion 1) with the conclusions of examples/README.md', () => {
    const { code, stdout } = run(['--input', EXAMPLE, '--policy', EXAMPLE_POLICY, '--format', 'json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    const expected = JSON.parse(
      readFileSync(join(ROOT, 'test', 'fixtures', 'examples', 'expected.json'), 'utf8'),
    ) as Expected;
    expect(report.schemaVersion).toBe(1);
    expect(report.account).toEqual({ id: '111122223333', region: 'eu-west-1' });
    expect(report.complete).toBe(expected.complete);
    expect(report.gaps).toEqual([]);
    const principals = Object.fromEntries(
      report.principals.map((p: Record<string, unknown>) => [
        p.arn,
        Object.fromEntries(
          Object.keys(expected.principals[p.arn as string] ?? { missing: 1 }).map((k) => [k, p[k]]),
        ),
      ]),
    );
    expect(principals).toEqual(expected.principals);
    const instances = Object.fromEntries(
      report.instances.map((i: Record<string, unknown>) => [
        i.instanceId,
        Object.fromEntries(
          Object.keys(expected.instances[i.instanceId as string] ?? { missing: 1 }).map((k) => [k, i[k]]),
        ),
      ]),
    );
    expect(instances).toEqual(expected.instances);
    expect(report.guardrail.exists).toBe(expected.guardrailExists);
    const rules: Record<string, number> = {};
    for (const f of report.findings) rules[f.rule] = (rules[f.rule] ?? 0) + 1;
    expect(rules).toEqual(expected.findingRules);
    for (const p of report.principals) {
      expect(['user', 'role']).toContain(p.type);
      expect(p.reasons.length).toBeGreaterThan(0);
    }
  });

  it('names the deciding statements as reasons: policy, attachment, Sid or index, effect, condition', () => {
    const report = JSON.parse(run(['--input', EXAMPLE, '--format', 'json']).stdout);
    const erin = report.principals.find((p: { name: string }) => p.name === 'erin.walsh');
    expect(erin.reasons).toContainEqual(
      expect.objectContaining({
        policyName: 'SSHWithMFA',
        attachment: 'inline',
        attachedTo: 'arn:aws:iam::111122223333:user/erin.walsh',
        sid: 'SSHOnlyWithMFA',
        effect: 'Allow',
        decision: 'conditional',
        undeterminedKeys: ['aws:MultiFactorAuthPresent'],
      }),
    );
    const jordan = report.principals.find((p: { name: string }) => p.name === 'jordan.lee');
    expect(jordan.reasons).toContainEqual(
      expect.objectContaining({ sid: 'VisualEditor1', effect: 'Deny', denial: 'explicit' }),
    );
  });

  it('writes markdown for a ticket', () => {
    const { code, stdout } = run(['--input', EXAMPLE, '--policy', EXAMPLE_POLICY, '--format', 'markdown']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^# SSH over Session Manager audit: account 111122223333/);
    expect(stdout).toContain('| principal | access | statement to change |');
    expect(stdout).toContain('## Unaudited sessions');
  });

  it('writes the report to --output and nothing to stdout', () => {
    const out = join(work, 'report.json');
    const { code, stdout, stderr } = run(['--input', EXAMPLE, '--format', 'json', '--output', out]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain(`report written to ${out}`);
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
  });

  it('keeps an input error on one line when the input puts a line break into the message', () => {
    // Given a snapshot directory whose name carries a line break and a forged second message, and no iam.json
    const dir = join(work, 'snap\nssm-ssh-audit: all clear');
    cpSync(EXAMPLE, dir, { recursive: true });
    rmSync(join(dir, 'iam.json'));
    // When audited
    const result = run(['--input', dir]);
    // Then one line says what is wrong, with the line break shown, not obeyed
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^ssm-ssh-audit: .*iam\.json: required file is missing/),
      '',
    ]);
    expect(result.stderr).toContain('snap\\u000assm-ssh-audit: all clear');
  });

  it.each([
    ['a directory that does not exist', () => join(work, 'no-such-directory', 'report.json'), 'ENOENT'],
    ['a full disk', () => '/dev/full', 'ENOSPC'],
  ])('says in one line that --output cannot be written to %s, with exit code 2', (_, path, code) => {
    const out = path();
    const result = run(['--input', EXAMPLE, '--format', 'json', '--output', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`ssm-ssh-audit: --output ${out}: cannot be written (${code})\n`);
  });

  it('replaces an existing --output file with the whole report, and writes through a symbolic link', () => {
    // Given an older, longer report in place, readable by its owner only, and a link to another report
    const out = join(work, 'replaced.json');
    writeFileSync(out, 'x'.repeat(1_000_000), { mode: 0o600 });
    const target = join(work, 'target.json');
    writeFileSync(target, 'old');
    const link = join(work, 'link.json');
    symlinkSync(target, link);
    // When the CLI writes to each
    expect(run(['--input', EXAMPLE, '--format', 'json', '--output', out]).code).toBe(0);
    expect(run(['--input', EXAMPLE, '--format', 'json', '--output', link]).code).toBe(0);
    // Then the file holds exactly the new report, nothing of the old one after it
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
    // And it is still readable by its owner only
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // And the link is still a link, and its target holds the report
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).schemaVersion).toBe(1);
  });

  it('gives a first --output file the mode of any new file, and leaves no other file beside it', () => {
    // Given a directory with no report yet, and a file made there as any program makes one
    const dir = join(work, 'first');
    mkdirSync(dir);
    const plain = join(dir, 'plain');
    writeFileSync(plain, '');
    const out = join(dir, 'report.json');
    // When the CLI writes its report there
    expect(run(['--input', EXAMPLE, '--format', 'json', '--output', out]).code).toBe(0);
    // Then the report has the same mode as that file (0666 less the umask), and nothing else was left
    expect(statSync(out).mode & 0o7777).toBe(statSync(plain).mode & 0o7777);
    expect(readdirSync(dir).sort()).toEqual(['plain', 'report.json']);
  });

  it('writes through a hard-linked output file, so every name for it sees the new report', () => {
    const out = join(work, 'hard.json');
    writeFileSync(out, 'old');
    const other = join(work, 'hard-other.json');
    linkSync(out, other);
    expect(run(['--input', EXAMPLE, '--format', 'json', '--output', out]).code).toBe(0);
    expect(JSON.parse(readFileSync(other, 'utf8')).schemaVersion).toBe(1);
  });

  it('writes names outside ASCII intact, to a file and to stdout alike', () => {
    // Given a user whose name takes two to four bytes a character in UTF-8. IAM names are ASCII, so this
    // is a hand-edited iam.json: the name stands in for the text outside ASCII a report does carry (the
    // values in a condition block it cites, a hybrid node's platform name), in a field every line has
    const name = 'zoë.日本-🔑';
    const dir = variant('unicode', (d) => {
      const iam = JSON.parse(readFileSync(join(d, 'iam.json'), 'utf8'));
      iam.UserDetailList[0].UserName = name;
      iam.UserDetailList[0].Arn = iam.UserDetailList[0].Arn.replace(/[^/]+$/, name);
      writeFileSync(join(d, 'iam.json'), JSON.stringify(iam));
    });
    const out = join(work, 'unicode.json');
    // When the report goes to a file and to stdout
    expect(run(['--input', dir, '--format', 'json', '--output', out]).code).toBe(0);
    const { stdout } = run(['--input', dir, '--format', 'json']);
    // Then both hold the name as it was, and are the same report
    const fromFile = JSON.parse(readFileSync(out, 'utf8'));
    expect(fromFile.principals.map((p: { name: string }) => p.name)).toContain(name);
    expect({ ...JSON.parse(stdout), generatedAt: 0 }).toEqual({ ...fromFile, generatedAt: 0 });
  });

  it('writes a report of several megabytes of names outside ASCII whole, to a file and to stdout alike', () => {
    // Given 3,000 users whose names take two to four bytes a character (hand-edited, as above): a report
    // far beyond one megabyte, so its pieces cross the boundaries of every write
    const names = Array.from({ length: 3000 }, (_, i) => `${i}.${'zoë.日本-🔑'.repeat(5)}`);
    const dir = variant('unicode-large', (d) => {
      const iam = JSON.parse(readFileSync(join(d, 'iam.json'), 'utf8'));
      const model = iam.UserDetailList[0];
      iam.UserDetailList = names.map((name, i) => ({
        ...model,
        UserName: name,
        UserId: `AIDAUNICODE${String(i).padStart(10, '0')}`,
        Arn: model.Arn.replace(/[^/]+$/, name),
      }));
      writeFileSync(join(d, 'iam.json'), JSON.stringify(iam));
    });
    const out = join(work, 'unicode-large.json');
    // When the report goes to a file and to stdout
    expect(run(['--input', dir, '--format', 'json', '--output', out]).code).toBe(0);
    const piped = spawnSync(process.execPath, [BIN, '--input', dir, '--format', 'json'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(piped.status).toBe(0);
    // Then both are the whole report, with every name as it was
    const text = readFileSync(out, 'utf8');
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 << 20);
    const fromFile = JSON.parse(text);
    const users = fromFile.principals.filter((p: { type: string }) => p.type === 'user');
    expect(users.map((p: { name: string }) => p.name).sort()).toEqual([...names].sort());
    expect({ ...JSON.parse(piped.stdout), generatedAt: 0 }).toEqual({ ...fromFile, generatedAt: 0 });
  });

  it('exits 1 with --fail-on-findings when anything is NON_COMPLIANT, 0 without it', () => {
    expect(run(['--input', EXAMPLE, '--fail-on-findings']).code).toBe(1);
    expect(run(['--input', EXAMPLE]).code).toBe(0);
  });
});

/**
 * --output on a disk that misbehaves: the real binary with test/cli/faulty-disk.js preloaded, which
 * makes node:fs fail as a full disk or a directory we may not write does (see that file).
 */
describe('ssm-ssh-audit --output when writing fails', () => {
  const FAULTY_DISK = join(__dirname, 'faulty-disk.js');

  function runOnFaultyDisk(args: string[], env: Record<string, string>) {
    const result = spawnSync(process.execPath, ['--require', FAULTY_DISK, BIN, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', ...env },
    });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  /** A directory of its own for one test, so that what it holds afterwards can be listed. */
  function freshDirectory(name: string): string {
    const dir = join(work, name);
    mkdirSync(dir);
    return dir;
  }

  it('keeps the previous report byte for byte, and leaves no other file, when the disk fills up', () => {
    // Given a previous report (the text one) in a directory of its own
    const dir = freshDirectory('full-disk');
    const out = join(dir, 'report.json');
    expect(run(['--input', EXAMPLE, '--output', out]).code).toBe(0);
    const previous = readFileSync(out);
    // When the JSON report is written over it on a disk with room for 1,000 more bytes
    const result = runOnFaultyDisk(['--input', EXAMPLE, '--format', 'json', '--output', out], {
      FAULTY_DISK_ROOM: '1000',
    });
    // Then it fails with exit code 2 and one line naming the error
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`ssm-ssh-audit: --output ${out}: cannot be written (ENOSPC)\n`);
    // And the previous report is there as it was, and nothing else is
    expect(readFileSync(out).equals(previous)).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('gives the previous report its name back, and leaves no other file, when the new one cannot take it', () => {
    // Given a previous report (the text one) in a directory of its own
    const dir = freshDirectory('new-name-fails');
    const out = join(dir, 'report.json');
    expect(run(['--input', EXAMPLE, '--output', out]).code).toBe(0);
    const previous = readFileSync(out);
    // When the whole JSON report is written, but renaming it to report.json fails (EIO)
    const result = runOnFaultyDisk(['--input', EXAMPLE, '--format', 'json', '--output', out], {
      FAULTY_DISK_NEW_NAME_FAILS: out,
    });
    // Then it fails with exit code 2 and one line, and the previous report is there as it was, alone
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`ssm-ssh-audit: --output ${out}: cannot be written (EIO)\n`);
    expect(readFileSync(out).equals(previous)).toBe(true);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('says where the previous report is when it cannot get its name back either', () => {
    // Given a previous report (the text one) in a directory of its own
    const dir = freshDirectory('name-fails');
    const out = join(dir, 'report.json');
    expect(run(['--input', EXAMPLE, '--output', out]).code).toBe(0);
    const previous = readFileSync(out);
    // When the whole JSON report is written, but no rename to report.json works (EIO)
    const result = runOnFaultyDisk(['--input', EXAMPLE, '--format', 'json', '--output', out], {
      FAULTY_DISK_NAME_FAILS: out,
    });
    // Then it fails with exit code 2 and one line naming the hidden file that holds the previous report
    expect(result.code).toBe(2);
    const prefix = `ssm-ssh-audit: --output ${out}: cannot be written (EIO); the previous report is at `;
    expect(result.stderr.startsWith(prefix)).toBe(true);
    const kept = result.stderr.slice(prefix.length).trimEnd();
    expect(readFileSync(kept).equals(previous)).toBe(true);
    // And nothing else is left: the new report's file is removed
    expect(readdirSync(dir)).toEqual([basename(kept)]);
  });

  it('leaves no file at all when the disk fills up while a first report is written', () => {
    // Given a directory with no report yet
    const dir = freshDirectory('full-disk-first');
    const out = join(dir, 'report.json');
    // When the report is written on a disk with room for 1,000 bytes
    const result = runOnFaultyDisk(['--input', EXAMPLE, '--format', 'json', '--output', out], {
      FAULTY_DISK_ROOM: '1000',
    });
    // Then it fails with exit code 2, and leaves neither a partial report nor any other file
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`ssm-ssh-audit: --output ${out}: cannot be written (ENOSPC)\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('lets a reader find the whole previous report until the new one is whole, then keeps its mode', () => {
    // Given a previous report, readable by its owner and group only
    const dir = freshDirectory('reader');
    const out = join(dir, 'report.json');
    expect(run(['--input', EXAMPLE, '--output', out]).code).toBe(0);
    chmodSync(out, 0o640);
    const previous = readFileSync(out, 'utf8');
    const seen = join(work, 'reader-seen.json');
    // When the JSON report replaces it, and what a reader finds at that path is noted at every write
    const result = runOnFaultyDisk(['--input', EXAMPLE, '--format', 'json', '--output', out], {
      FAULTY_DISK_WATCH: out,
      FAULTY_DISK_SEEN: seen,
    });
    expect(result.code).toBe(0);
    // Then during the writes a reader found the previous report, whole, and nothing else
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toEqual([previous]);
    // And afterwards the new report, with the same mode, and no other file beside it
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
    expect(statSync(out).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it('writes in place a report it may write in a directory where it may not create a file', () => {
    // Given a previous report in a directory that refuses new names (it cannot hold a second file)
    const dir = freshDirectory('read-only-dir');
    const out = join(dir, 'report.json');
    writeFileSync(out, 'old');
    // When the report is written there
    const result = runOnFaultyDisk(['--input', EXAMPLE, '--format', 'json', '--output', out], {
      FAULTY_DISK_READ_ONLY_DIR: dir,
    });
    // Then it is written, through the file itself
    expect(result.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).schemaVersion).toBe(1);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });
});

describe('ssm-ssh-audit start-up', () => {
  it('does not load the AWS SDK, middy, Powertools or zod to audit a snapshot on disk', () => {
    // Given the CLI run on the example account in-process
    const script = `
      require(${JSON.stringify(join(ROOT, 'dist', 'cli.js'))})
        .main(['--input', ${JSON.stringify(EXAMPLE)}, '--format', 'json', '--output', '/dev/null'])
        .then((code) => {
          const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/(@aws-sdk|@smithy|@middy|@aws-lambda-powertools|zod)\\//.test(f));
          process.stdout.write(JSON.stringify({ code, loaded }));
        });`;
    const result = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' });
    // Then it audited, and none of those modules was required
    expect(JSON.parse(result.stdout)).toEqual({ code: 0, loaded: [] });
  });
});

describe('ssm-ssh-audit on bad input', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['a missing directory', () => ['--input', join(work, 'nope')], /nope: no such directory/],
    [
      'a missing iam.json',
      () => ['--input', variant('no-iam', (d) => rmSync(join(d, 'iam.json')))],
      /iam\.json: required file is missing/,
    ],
    [
      'truncated JSON in instances.json',
      () => [
        '--input',
        variant('truncated', (d) =>
          writeFileSync(join(d, 'instances.json'), '{"InstanceInformationList": [{"InstanceId": "i-0'),
        ),
      ],
      /instances\.json: not valid JSON/,
    ],
    [
      'the wrong top-level shape',
      () => ['--input', variant('array', (d) => writeFileSync(join(d, 'iam.json'), '[]'))],
      /iam\.json: \(top level\): .*expected object/,
    ],
    [
      'a field of the wrong type',
      () => [
        '--input',
        variant('wrong-type', (d) => {
          const iam = JSON.parse(readFileSync(join(d, 'iam.json'), 'utf8'));
          iam.RoleDetailList[2].RoleName = 42;
          writeFileSync(join(d, 'iam.json'), JSON.stringify(iam));
        }),
      ],
      /iam\.json: RoleDetailList\[2\]\.RoleName: .*expected string, received number/,
    ],
    [
      'a second user alice.nguyen at another path (IAM holds one user of a name)',
      () => [
        '--input',
        variant('user-at-two-paths', (d) => {
          const iam = JSON.parse(readFileSync(join(d, 'iam.json'), 'utf8'));
          const alice = iam.UserDetailList[0];
          iam.UserDetailList.push({
            ...alice,
            Path: '/x/',
            UserId: 'AIDAXQ2T7LKMB3EXAMPLE',
            Arn: 'arn:aws:iam::111122223333:user/x/alice.nguyen',
            AttachedManagedPolicies: [],
            GroupList: [],
            UserPolicyList: [],
          });
          writeFileSync(join(d, 'iam.json'), JSON.stringify(iam));
        }),
      ],
      /iam\.json: UserDetailList\[7\]\.UserName: "alice\.nguyen" is listed twice \(also UserDetailList\[0\] as "arn:aws:iam::111122223333:user\/alice\.nguyen", which IAM does not tell apart: a name is unique in its account whatever its path\)$/,
    ],
    [
      'an EC2 instance with the ResourceType of a hybrid node',
      () => [
        '--input',
        variant('ec2-as-hybrid', (d) => {
          const instances = JSON.parse(readFileSync(join(d, 'instances.json'), 'utf8'));
          instances.InstanceInformationList[0].ResourceType = 'ManagedInstance';
          writeFileSync(join(d, 'instances.json'), JSON.stringify(instances));
        }),
      ],
      /instances\.json: InstanceInformationList\[0\]: ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-0a1b2c3d4e5f60718" is an EC2 instance's \(hybrid nodes have mi- ids\); nothing says which is true$/,
    ],
    [
      'an invalid compliance policy',
      () => ['--input', EXAMPLE, '--policy', join(ROOT, 'package.json')],
      /package\.json: \(top level\): Unrecognized keys/,
    ],
    ['an unknown option', () => ['--input', EXAMPLE, '--frmat', 'json'], /Unknown option '--frmat'/],
    [
      'an unknown format',
      () => ['--input', EXAMPLE, '--format', 'xml'],
      /--format must be one of text, json, markdown/,
    ],
  ];

  it.each(cases)(
    'rejects %s with a one-line error, exit code 2 and no stack trace',
    (_name, args, message) => {
      const { code, stdout, stderr } = run(args());
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const first = stderr.split('\n')[0] as string;
      expect(first).toMatch(/^ssm-ssh-audit: /);
      expect(first).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it('still audits when one policy inside the snapshot is corrupt: that principal is unknown, the rest decided', () => {
    const dir = variant('corrupt-policy', (d) => {
      const iam = JSON.parse(readFileSync(join(d, 'iam.json'), 'utf8'));
      const ops = iam.RoleDetailList.find((r: { RoleName: string }) => r.RoleName === 'OpsAdmin');
      ops.RolePolicyList = [
        {
          PolicyName: 'Truncated',
          PolicyDocument: encodeURIComponent('{"Version":"2012-10-17","Statement":[{"Effect":"Allow"'),
        },
      ];
      ops.AttachedManagedPolicies = [];
      writeFileSync(join(d, 'iam.json'), JSON.stringify(iam));
    });
    const { code, stdout, stderr } = run(['--input', dir, '--format', 'json']);
    expect(code).toBe(0);
    expect(stderr).toContain('incomplete');
    const report = JSON.parse(stdout);
    expect(report.complete).toBe(false);
    expect(report.gaps).toEqual([
      expect.objectContaining({ message: expect.stringContaining('policy "Truncated"') }),
    ]);
    const byName = Object.fromEntries(report.principals.map((p: { name: string }) => [p.name, p]));
    expect(byName.OpsAdmin).toMatchObject({ sshOverSessionManager: 'unknown', compliance: 'NON_COMPLIANT' });
    expect(byName['alice.nguyen']).toMatchObject({ sshOverSessionManager: 'allowed' });
    expect(byName['henry.patel']).toMatchObject({ sshOverSessionManager: 'denied', compliance: 'COMPLIANT' });
  });

  it('prints a stack trace only with --debug', () => {
    const { code, stderr } = run(['--input', join(work, 'nope'), '--debug']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/\n\s+at /);
  });
});
