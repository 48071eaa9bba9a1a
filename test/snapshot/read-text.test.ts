import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readText } from '../../src/snapshot/load-directory';

/**
 * The snapshot loader reads each file in one native step. Whatever the file holds, the text must be
 * exactly what `readFile(path, 'utf8')` gives, and nothing may be cut short when stat does not tell
 * the true size.
 */
describe('readText', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-text-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const contents: readonly (readonly [string, Buffer])[] = [
    ['an empty file', Buffer.alloc(0)],
    ['ASCII JSON', Buffer.from('{"Users":[]}\n')],
    ['a byte order mark and names outside ASCII', Buffer.from('\ufeff{"name":"Zoë 🚀 名前"}')],
    ['bytes that are not valid UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0xe2, 0x82, 0x7d])],
    ['a few megabytes', Buffer.from(`[${'"i-0123456789abcdef0",'.repeat(200_000)}0]`)],
  ];

  it.each(contents)('reads %s exactly as readFile does', async (_name, bytes) => {
    const file = join(dir, `file-${bytes.length}-${bytes[1] ?? 0}.json`);
    writeFileSync(file, bytes);
    expect(readText(file)).toBe(await readFile(file, 'utf8'));
  });

  const linux = existsSync('/proc/version') ? it : it.skip;
  linux('reads all of a file that holds more than its size says (a /proc file reports 0 bytes)', async () => {
    const text = readText('/proc/version');
    expect(text.length).toBeGreaterThan(0);
    expect(text).toBe(await readFile('/proc/version', 'utf8'));
  });

  const fifo = spawnSync('mkfifo', ['--help']).status === 0 ? it : it.skip;
  fifo('reads all of a named pipe, which has no size at all', () => {
    const pipe = join(dir, 'iam.json');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    // The writer makes its own text: reading blocks this process until the writer closes the pipe.
    const text = `'{"Users":[' + '{"UserName":"u"},'.repeat(50000) + '{}]}'`;
    spawn(process.execPath, ['-e', `require('fs').writeFileSync(process.argv[1], ${text})`, pipe], {
      stdio: 'ignore',
    });
    expect(readText(pipe)).toBe(`{"Users":[${'{"UserName":"u"},'.repeat(50_000)}{}]}`);
  });
});
