'use strict';
/**
 * Preloaded into the CLI (`node --require`) by the end-to-end tests of --output, to make the disk
 * misbehave as a real one does without mounting a small filesystem. It replaces functions of node:fs,
 * which the compiled CLI calls through the module object. Set by environment variables:
 *
 * - FAULTY_DISK_ROOM=N: writes to files (not to stdin, stdout or stderr) succeed until N bytes in all,
 *   the last one in part, then fail with ENOSPC, as on a disk that fills up.
 * - FAULTY_DISK_WATCH=FILE, FAULTY_DISK_SEEN=OUT: before every write to a file, what a reader would
 *   find at FILE is noted (its text, or null when FILE is missing); at exit OUT gets the distinct ones
 *   seen, in order, as JSON.
 * - FAULTY_DISK_READ_ONLY_DIR=DIR: DIR refuses new names as a directory we may not write does (EACCES
 *   to create, remove or rename a file in it), while its files can still be written.
 * - FAULTY_DISK_NEW_NAME_FAILS=FILE: renaming the new report (a .tmp file) to FILE fails with EIO, as
 *   on a disk that turns read-only or fails in between; other renames, to FILE or not, work.
 * - FAULTY_DISK_NAME_FAILS=FILE: every rename to FILE fails with EIO.
 */
const fs = require('node:fs');
const { dirname, resolve } = require('node:path');

const { writeSync, openSync, unlinkSync, renameSync, existsSync, readFileSync } = fs;

function failure(code, syscall, path) {
  const messages = { ENOSPC: 'no space left on device', EACCES: 'permission denied', EIO: 'i/o error' };
  const errnos = { ENOSPC: -28, EACCES: -13, EIO: -5 };
  const error = new Error(`${code}: ${messages[code]}, ${syscall}${path ? ` '${path}'` : ''}`);
  return Object.assign(error, { code, syscall, errno: errnos[code], path });
}

let room = process.env.FAULTY_DISK_ROOM === undefined ? Infinity : Number(process.env.FAULTY_DISK_ROOM);
const watched = process.env.FAULTY_DISK_WATCH;
const seen = [];

fs.writeSync = function faultyWriteSync(fd, buffer, offset, length, ...rest) {
  if (fd <= 2) return writeSync.call(fs, fd, buffer, offset, length, ...rest);
  if (watched) {
    const now = existsSync(watched) ? readFileSync(watched, 'utf8') : null;
    if (seen.length === 0 || seen[seen.length - 1] !== now) seen.push(now);
  }
  const start = typeof offset === 'number' ? offset : 0;
  const wanted = typeof length === 'number' ? length : buffer.length - start;
  if (room === 0) throw failure('ENOSPC', 'write');
  const written = writeSync.call(fs, fd, buffer, start, Math.min(wanted, room), ...rest);
  room -= written;
  return written;
};

if (watched) {
  // With the functions saved above, so that this write is neither counted nor refused.
  process.on('exit', () => {
    const fd = openSync.call(fs, process.env.FAULTY_DISK_SEEN, 'w');
    writeSync.call(fs, fd, JSON.stringify(seen));
    fs.closeSync(fd);
  });
}

const readOnlyDir = process.env.FAULTY_DISK_READ_ONLY_DIR && resolve(process.env.FAULTY_DISK_READ_ONLY_DIR);
const inReadOnlyDir = (path) => readOnlyDir !== undefined && dirname(resolve(String(path))) === readOnlyDir;

fs.openSync = function faultyOpenSync(path, ...rest) {
  if (inReadOnlyDir(path) && !existsSync(path)) throw failure('EACCES', 'open', path);
  return openSync.call(fs, path, ...rest);
};
fs.unlinkSync = function faultyUnlinkSync(path) {
  if (inReadOnlyDir(path)) throw failure('EACCES', 'unlink', path);
  return unlinkSync.call(fs, path);
};
const newNameFails =
  process.env.FAULTY_DISK_NEW_NAME_FAILS && resolve(process.env.FAULTY_DISK_NEW_NAME_FAILS);
const nameFails = process.env.FAULTY_DISK_NAME_FAILS && resolve(process.env.FAULTY_DISK_NAME_FAILS);
fs.renameSync = function faultyRenameSync(from, to) {
  if (inReadOnlyDir(from) || inReadOnlyDir(to)) throw failure('EACCES', 'rename', from);
  if (newNameFails && resolve(String(to)) === newNameFails && String(from).endsWith('.tmp'))
    throw failure('EIO', 'rename', from);
  if (nameFails && resolve(String(to)) === nameFails) throw failure('EIO', 'rename', from);
  return renameSync.call(fs, from, to);
};
