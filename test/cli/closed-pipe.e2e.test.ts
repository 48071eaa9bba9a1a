import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, rmSync } from 'node:fs';

import { exampleAccountWithGeneratedAdmins } from '../handlers/support';
import { BIN, ROOT } from './run-cli';

/**
 * The built CLI writing into a pipe whose reader goes away, as in `ssm-ssh-audit ... | head -c 100`:
 * a real child process, a real pipe, and a report far bigger than the pipe buffer (64 KiB on Linux),
 * so the CLI is still writing when the pipe is closed.
 */

/** The status a shell shows for a program that SIGPIPE stopped: 128 + 13. */
const CLOSED_PIPE = 141;

let big: string;
beforeAll(() => {
  // The example account plus 400 roles with AdministratorAccess: every format is over 100 KB.
  big = exampleAccountWithGeneratedAdmins(400).dir;
});
afterAll(() => rmSync(big, { recursive: true, force: true }));

type Reader = '| head -c 100' | 'closed at once';

/**
 * Runs the CLI with its stdout on a pipe to `reader`, and waits for the CLI to end.
 * - `| head -c 100`: a shell pipeline into head, which reads 100 bytes and exits. head, not a Node
 *   stream, because a stream reads up to a megabyte ahead before a 'data' listener can stop it, and
 *   a report that fits in what was read would be written whole.
 * - `closed at once`: this process closes its end of the pipe right after the spawn, before the CLI
 *   has started, so its first write fails; here the CLI's own exit code and signal can be seen.
 */
function runInto(
  reader: Reader,
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  if (reader === '| head -c 100') {
    const result = spawnSync(
      'bash',
      ['-c', '"$NODE" "$0" "$@" | head -c 100 > /dev/null; exit "${PIPESTATUS[0]}"', BIN, ...args],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE: process.execPath } },
    );
    return Promise.resolve({ code: result.status, signal: result.signal, stderr: result.stderr });
  }
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, stderr }));
  });
}

describe('ssm-ssh-audit writing to a pipe that its reader closes early', () => {
  const cases: [string, Reader, () => string[]][] = [
    ['a JSON report', '| head -c 100', () => ['--input', big, '--format', 'json']],
    ['a text report', '| head -c 100', () => ['--input', big]],
    ['a markdown report', '| head -c 100', () => ['--input', big, '--format', 'markdown']],
    ['an HTML report', '| head -c 100', () => ['--input', big, '--format', 'html']],
    [
      'a report with findings and --fail-on-findings',
      '| head -c 100',
      () => ['--input', big, '--format', 'json', '--fail-on-findings'],
    ],
    ['a JSON report', 'closed at once', () => ['--input', big, '--format', 'json']],
    ['the --help text', 'closed at once', () => ['--help']],
  ];

  it.each(cases)('stops quietly with exit status 141 on %s into a pipe %s', async (_name, reader, args) => {
    // When the reader closes the pipe while the CLI still has output to write
    const { code, signal, stderr } = await runInto(reader, args());
    // Then the CLI ends by itself with the status of a closed pipe, and says nothing on stderr
    expect({ code, signal, stderr }).toEqual({ code: CLOSED_PIPE, signal: null, stderr: '' });
  });
});

/** /dev/full refuses every write with ENOSPC; it exists on Linux, where these tests run. */
const withDevFull = existsSync('/dev/full') ? it : it.skip;

describe('ssm-ssh-audit writing to a stdout that fails for another reason', () => {
  withDevFull('reports a full device (ENOSPC on /dev/full) as a one-line error, not as a closed pipe', () => {
    // Given stdout on a device that refuses every write
    const full = openSync('/dev/full', 'w');
    try {
      // When the CLI writes its report there
      const result = spawnSync(process.execPath, [BIN, '--input', big, '--format', 'json'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', full, 'pipe'],
      });
      // Then it fails with one line naming the error, as for an --output that cannot be written, and not
      // with the quiet status of a closed pipe
      expect(result.status).toBe(2);
      expect(result.stderr).toBe('ssm-ssh-audit: stdout cannot be written (ENOSPC)\n');
    } finally {
      closeSync(full);
    }
  });
});
