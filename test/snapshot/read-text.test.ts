import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FileTooLargeError,
  loadSnapshotDirectory,
  MAX_TEXT_BYTES,
  readText,
} from '../../src/snapshot/load-directory';

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

  fifo('holds about the text it read from a pipe, not a megabyte for each 64 KiB read', () => {
    const pipe = join(dir, 'tags.json');
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    const megabytes = 32;
    const script = `require('fs').writeFileSync(process.argv[1], 'x'.repeat(${megabytes} << 20))`;
    spawn(process.execPath, ['-e', script, pipe], { stdio: 'ignore' });
    const before = process.memoryUsage().arrayBuffers;
    const text = readText(pipe);
    const held = process.memoryUsage().arrayBuffers - before;
    expect(text).toHaveLength(megabytes << 20);
    // The pieces and the scratch buffer: about the text's size, nowhere near 16 times it.
    expect(held).toBeLessThan(3 * (megabytes << 20));
  });

  fifo.each([
    ['reads a pipe of exactly the limit whole', 0],
    ['refuses a pipe one byte over the limit', 1],
  ])('%s (a pipe tells no size: the bytes are counted as they come)', (_case, over) => {
    const limit = 1 << 20;
    const pipe = join(dir, `limit-${over}.json`);
    expect(spawnSync('mkfifo', [pipe]).status).toBe(0);
    const script = `require('fs').writeFileSync(process.argv[1], 'x'.repeat(${limit + over}))`;
    spawn(process.execPath, ['-e', script, pipe], { stdio: 'ignore' });
    if (over === 0) expect(readText(pipe, limit)).toHaveLength(limit);
    else expect(() => readText(pipe, limit)).toThrow(FileTooLargeError);
  });

  it('refuses a regular file larger than the limit without reading it', () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, '[1,2,3,4,5,6,7,8,9,10]');
    expect(() => readText(file, 10)).toThrow(FileTooLargeError);
    expect(readText(file, 22)).toBe('[1,2,3,4,5,6,7,8,9,10]');
  });

  const zero = existsSync('/dev/zero') ? it : it.skip;
  zero('refuses an endless device once it has read past the limit, instead of exhausting memory', () => {
    expect(() => readText('/dev/zero', 3 << 20)).toThrow(/larger than 3145728 bytes/);
  });

  it('names the file when a snapshot file is larger than any text can be', async () => {
    const snapshot = join(dir, 'snapshot');
    cpSync(join(__dirname, '..', '..', 'examples', 'account'), snapshot, { recursive: true });
    // A sparse file: its size says more than V8 can hold, and nothing is written to disk.
    const fd = openSync(join(snapshot, 'tags.json'), 'w');
    ftruncateSync(fd, MAX_TEXT_BYTES + 1);
    closeSync(fd);
    await expect(loadSnapshotDirectory(snapshot)).rejects.toThrow(
      /tags\.json: cannot be read \(larger than 536870888 bytes, the most that can be read as text\)$/,
    );
  });
});
