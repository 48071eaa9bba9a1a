import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli';
import { startFakeAws, wireAccount, type FakeAws } from '../snapshot/fake-aws';

/**
 * The progress line of --live and snapshot on a terminal: it is rewritten in place ("\r", erase
 * line), so whatever comes after it must not be appended to it. In-process, with stderr made to look
 * like a TTY, against the fake AWS endpoint on 127.0.0.1 (test/snapshot/fake-aws.ts).
 */
jest.setTimeout(20_000);

let work: string;
let fake: FakeAws;
const savedEnv = { ...process.env };
const savedTty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-progress-'));
  writeFileSync(join(work, 'empty'), '');
  fake = await startFakeAws(wireAccount());
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: fake.url,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_CONFIG_FILE: join(work, 'empty'),
    AWS_SHARED_CREDENTIALS_FILE: join(work, 'empty'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
});
afterAll(async () => {
  process.env = savedEnv;
  if (savedTty) Object.defineProperty(process.stderr, 'isTTY', savedTty);
  else delete (process.stderr as { isTTY?: boolean }).isTTY;
  await fake.close();
  rmSync(work, { recursive: true, force: true });
});

/** The ANSI sequence that erases the line the cursor is on. */
const ERASE_LINE = '\u001b[K';

/** Runs main, returning its exit code and everything it wrote to stderr and stdout. */
async function runMain(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const err = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(((
    chunk: string | Uint8Array,
    callback?: (error?: Error | null) => void,
  ) => {
    stdout += String(chunk);
    if (typeof callback === 'function') callback();
    return true;
  }) as typeof process.stdout.write);
  try {
    return { code: await main(args), stderr, stdout };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

describe('an error after the progress line, on a terminal', () => {
  it.each([
    ['--live', ['--live', '--region', 'us-east-1']],
    ['snapshot', ['snapshot', '--out', 'unused', '--region', 'us-east-1']],
  ])(
    '%s: the error line starts on a line of its own, not at the end of the progress line',
    async (_, args) => {
      // Given: IAM refuses, after the progress line has been drawn
      fake.setFaults({ 'iam:GetAccountAuthorizationDetails': { kind: 'access-denied', times: Infinity } });
      // When: the command runs on a terminal
      const { code, stderr } = await runMain(args);
      // Then: progress was shown, and the message is alone on its line (the progress line was erased)
      expect(code).toBe(2);
      expect(stderr).toContain('reading iam');
      const shown = stderr.split('\n').map((line) => line.split('\r').pop()?.replace(ERASE_LINE, ''));
      expect(shown).toContainEqual(
        expect.stringMatching(/^ssm-ssh-audit: iam:GetAccountAuthorizationDetails failed: AccessDenied: /),
      );
    },
  );
});
