import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

/** The built `ssm-ssh-audit` binary (bin/ -> dist/, built by `npm test`'s pretest step), as a user runs it. */
export const ROOT = resolve(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'ssm-ssh-audit.js');
export const EXAMPLE = join(ROOT, 'examples', 'account');

/** Runs the CLI to the end, without colour, and returns its exit code and output. */
export function runCli(args: readonly string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
