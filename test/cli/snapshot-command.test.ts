import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeAws, wireAccount, type FakeAws } from '../snapshot/fake-aws';
import { BIN, ROOT } from './run-cli';

/**
 * The real `ssm-ssh-audit` binary (bin/ -> dist/, built by `npm test`'s pretest step) reading an
 * account live, against the fake AWS endpoint of the wire tests (test/snapshot/fake-aws.ts) that runs
 * in this jest process. The child process finds it only through AWS_ENDPOINT_URL, the SDK's standard
 * variable, so these tests also prove that all four clients honour it. The child gets no AWS_*
 * variable from this environment, empty config and credentials files, and IMDS disabled: it can only
 * reach 127.0.0.1.
 */
jest.setTimeout(30_000);

const EXPECTED = join(ROOT, 'test', 'fixtures', 'wire', 'expected');
const PAGED = { iamPageSize: 5, instancePageSize: 2, documentPageSize: 3, tagPageSize: 3 };

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let work: string;
let fake: FakeAws;

/** Runs the binary asynchronously: the fake server lives in this process and must keep serving. */
function run(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: join(work, 'empty-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'empty-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...extraEnv,
  });
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** stderr without the SDK's Node-version deprecation warning (a multi-line process warning on Node < 22). */
function ownLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line.startsWith('ssm-ssh-audit:'));
}

const readJson = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'cli.js'))).toBe(true);
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-snapshot-cli-'));
  writeFileSync(join(work, 'empty-config'), '');
  writeFileSync(join(work, 'empty-credentials'), '');
  fake = await startFakeAws(wireAccount(), PAGED);
});
afterAll(async () => {
  await fake.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(() => {
  fake.setFaults({});
  fake.requests.length = 0;
});

describe('ssm-ssh-audit snapshot --out DIR', () => {
  it('writes the seven files the AWS CLI would, and exits 0', async () => {
    // Given: the wire account behind AWS_ENDPOINT_URL
    const out = join(work, 'snapshot');
    // When: the snapshot command runs
    const { code, stderr } = await run(['snapshot', '--out', out, '--region', 'us-east-1']);
    // Then: it exits 0, says what it wrote, and the files equal the wire test's expected files
    expect({ code, lines: ownLines(stderr) }).toEqual({
      code: 0,
      lines: [`ssm-ssh-audit: wrote 7 file(s) to ${out}`],
    });
    const files = readdirSync(EXPECTED).sort();
    expect(readdirSync(out).sort()).toEqual(files);
    for (const file of files) {
      expect({ file, json: readJson(join(out, file)) }).toEqual({
        file,
        json: readJson(join(EXPECTED, file)),
      });
    }
  });

  it('sends every API to AWS_ENDPOINT_URL: STS, IAM, SSM and EC2 all reach the fake, signed with the env credentials', async () => {
    // When: the snapshot command runs
    const { code } = await run([
      'snapshot',
      '--out',
      join(work, 'snapshot-endpoints'),
      '--region',
      'us-east-1',
    ]);
    // Then: each of the four clients sent its requests to the fake, signed for its own service
    expect(code).toBe(0);
    expect(new Set(fake.requests.map((r) => r.service))).toEqual(new Set(['sts', 'iam', 'ssm', 'ec2']));
    expect(Object.keys(fake.counts()).sort()).toEqual(
      [
        'ec2:DescribeTags',
        'iam:GetAccountAuthorizationDetails',
        'ssm:DescribeInstanceInformation',
        'ssm:GetDocument',
        'ssm:GetServiceSetting',
        'ssm:ListDocuments',
        'ssm:ListTagsForResource',
        'sts:GetCallerIdentity',
      ].sort(),
    );
    expect(fake.requests.every((r) => r.accessKeyId === 'AKIDEXAMPLE' && r.region === 'us-east-1')).toBe(
      true,
    );
  });

  it('retries a throttled SSM call with its own adaptive retry strategy, and still exits 0', async () => {
    // Given: the first DescribeInstanceInformation is throttled (HTTP 400 ThrottlingException)
    fake.setFaults({ 'ssm:DescribeInstanceInformation': { kind: 'throttle', times: 1 } });
    const out = join(work, 'snapshot-throttled');
    // When: the snapshot command runs with its default retry settings
    const { code } = await run(['snapshot', '--out', out, '--region', 'us-east-1']);
    // Then: the call was repeated and the files are complete
    expect(code).toBe(0);
    expect(
      fake.requests.filter((r) => r.api === 'ssm:DescribeInstanceInformation').map((r) => r.status),
    ).toEqual([400, 200, 200]);
    expect(readJson(join(out, 'instances.json'))).toEqual(readJson(join(EXPECTED, 'instances.json')));
  });

  it('with a --profile that neither shared file defines, says so by name instead of asking for a region or credentials', async () => {
    // When: a live audit and a snapshot name a profile the (empty) config and credentials files lack
    for (const args of [
      ['--live', '--profile', 'nope'],
      ['--live', '--profile', 'nope', '--region', 'us-east-1'],
      ['snapshot', '--out', join(work, 'unused'), '--profile', 'nope', '--region', 'us-east-1'],
    ]) {
      const { code, stdout, stderr } = await run(args);
      // Then: exit 2, one line naming the profile and the files looked in, and no request sent
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(ownLines(stderr)).toEqual([
        `ssm-ssh-audit: --profile nope: no such profile in ${join(work, 'empty-config')} or ${join(work, 'empty-credentials')}`,
      ]);
    }
    expect(fake.requests).toHaveLength(0);
  });

  it('with a --profile that the credentials file defines, reads the account with it', async () => {
    const credentials = join(work, 'profile-credentials');
    writeFileSync(
      credentials,
      '[auditor]\naws_access_key_id = AKIDAUDITOR\naws_secret_access_key = secret\n',
    );
    const { code } = await run(
      ['--live', '--profile', 'auditor', '--region', 'us-east-1', '--format', 'json'],
      {
        AWS_SHARED_CREDENTIALS_FILE: credentials,
      },
    );
    expect(code).toBe(0);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.every((r) => r.accessKeyId === 'AKIDAUDITOR')).toBe(true);
  });

  it('with a --profile in a credentials file given as ~/..., reads the account with it, as the SDK finds it there', async () => {
    // Given: the credentials file named relative to the home directory, as the SDK and the AWS CLI allow
    writeFileSync(
      join(work, 'home-credentials'),
      '[auditor]\naws_access_key_id = AKIDAUDITOR\naws_secret_access_key = secret\n',
    );
    // When: a live audit names the profile
    const { code, stderr } = await run(
      ['--live', '--profile', 'auditor', '--region', 'us-east-1', '--format', 'json'],
      { HOME: work, AWS_SHARED_CREDENTIALS_FILE: '~/home-credentials' },
    );
    // Then: the profile is found and its credentials sign the requests
    expect(stderr).not.toContain('no such profile');
    expect(code).toBe(0);
    expect(fake.requests.length).toBeGreaterThan(0);
    expect(fake.requests.every((r) => r.accessKeyId === 'AKIDAUDITOR')).toBe(true);
  });

  it('with GetAccountAuthorizationDetails denied, exits 2 with one line naming the API, and writes nothing', async () => {
    // Given: IAM answers AccessDenied (HTTP 403)
    fake.setFaults({ 'iam:GetAccountAuthorizationDetails': { kind: 'access-denied', times: Infinity } });
    const out = join(work, 'snapshot-denied');
    // When: the snapshot command runs
    const { code, stdout, stderr } = await run(['snapshot', '--out', out, '--region', 'us-east-1']);
    // Then: exit 2, one message line, no stack trace, no directory
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = ownLines(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ssm-ssh-audit: iam:GetAccountAuthorizationDetails failed: AccessDenied: User: arn:aws:iam::111122223333:user\/auditor is not authorized to perform: iam:GetAccountAuthorizationDetails .*\(HTTP 403\)$/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
    // And: AccessDenied was not retried
    expect(fake.count('iam:GetAccountAuthorizationDetails')).toBe(1);
  });
  it('with an --out that cannot be written, exits 2 with one line naming it, not an internal error', async () => {
    // Given: --out names a directory inside a regular file
    const file = join(work, 'not-a-directory');
    writeFileSync(file, '');
    const out = join(file, 'snapshot');
    // When: the snapshot command runs
    const { code, stderr } = await run(['snapshot', '--out', out, '--region', 'us-east-1']);
    // Then: exit 2, as for --output, with one line that names the directory and the reason
    expect({ code, lines: ownLines(stderr) }).toEqual({
      code: 2,
      lines: [`ssm-ssh-audit: --out ${out}: cannot be written (ENOTDIR)`],
    });
  });
});

describe('ssm-ssh-audit --live', () => {
  it('audits the account directly and gives the same report as --input on the snapshot directory', async () => {
    // Given: a snapshot directory written by the snapshot command
    const out = join(work, 'snapshot-for-live');
    expect((await run(['snapshot', '--out', out, '--region', 'us-east-1'])).code).toBe(0);
    // When: the account is audited live, and the directory is audited
    const live = await run(['--live', '--region', 'us-east-1', '--format', 'json']);
    const input = await run(['--input', out, '--format', 'json']);
    // Then: both exit 0 and agree, principal by principal and in everything but generatedAt
    expect([live.code, input.code]).toEqual([0, 0]);
    const liveReport = JSON.parse(live.stdout) as {
      generatedAt: string;
      complete: boolean;
      principals: { name: string; sshOverSessionManager: string; portForwarding: string }[];
    };
    const inputReport = JSON.parse(input.stdout) as typeof liveReport;
    const answers = (r: typeof liveReport) =>
      Object.fromEntries(r.principals.map((p) => [p.name, [p.sshOverSessionManager, p.portForwarding]]));
    expect(answers(liveReport)).toEqual({
      reader: ['denied', 'denied'],
      dev: ['allowed', 'denied'],
      carol: ['denied', 'denied'],
      OpsRole: ['allowed', 'allowed'],
      GuardedRole: ['denied', 'allowed'],
    });
    expect(answers(inputReport)).toEqual(answers(liveReport));
    expect({ ...liveReport, generatedAt: '' }).toEqual({ ...inputReport, generatedAt: '' });
    expect(liveReport.complete).toBe(true);
  });

  it.each([['not a region'], ['us-east-1.example.com']])(
    'with --region %j, which is no region, says the region is not valid instead of asking for --region',
    async (region) => {
      // When: a live audit runs with a region the SDK refuses
      const { code, stdout, stderr } = await run(['--live', '--region', region]);
      // Then: exit 2, and the message names the region given, not "pass --region"
      expect(code).toBe(2);
      expect(stdout).toBe('');
      const lines = ownLines(stderr);
      expect(lines).toEqual([expect.stringContaining(`region="${region}" is not a valid`)]);
      expect(lines[0]).not.toMatch(/pass --region/);
      expect(fake.requests).toHaveLength(0);
    },
  );

  it('with GetAccountAuthorizationDetails denied, exits 2 with the same one-line message and prints no report', async () => {
    // Given: IAM answers AccessDenied
    fake.setFaults({ 'iam:GetAccountAuthorizationDetails': { kind: 'access-denied', times: Infinity } });
    // When: a live audit runs
    const { code, stdout, stderr } = await run(['--live', '--region', 'us-east-1', '--format', 'json']);
    // Then: exit 2 and one line naming the API
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(ownLines(stderr)).toEqual([
      expect.stringMatching(/^ssm-ssh-audit: iam:GetAccountAuthorizationDetails failed: AccessDenied: /),
    ]);
  });
});
