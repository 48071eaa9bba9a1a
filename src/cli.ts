import {
  accessSync,
  closeSync,
  constants as fsConstants,
  fchmodSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import {
  CompliancePolicyError,
  DEFAULT_COMPLIANCE_POLICY,
  parseCompliancePolicy,
  type CompliancePolicy,
} from './config/compliance-policy';
import { renderHtml, renderJsonChunks, renderMarkdown, renderText, type AuditReport } from './report';
import { escapeControls } from './report/escape';
import { audit } from './rules/audit';
import { SnapshotInputError } from './snapshot/errors';
import { loadSnapshotDirectory } from './snapshot/load-directory';
import type { SnapshotValues } from './snapshot/parse-snapshot';
import type { AccountSnapshot } from './snapshot/types';

/**
 * The `ssm-ssh-audit` command. Exit codes: 0 after a completed audit, 1 with --fail-on-findings when
 * anything is NON_COMPLIANT or any finding is reported (a low-severity or account-level finding
 * counts even when every principal and instance is COMPLIANT or exempt), 2 for bad input or usage, 3
 * for an internal error, 141 when the reader of stdout closes the pipe early (`| head`; quietly). The
 * report goes to stdout or --output; logs go to stderr only.
 */
const USAGE = `Usage: ssm-ssh-audit --input DIR [options]
       ssm-ssh-audit --live [--region R] [--profile P] [options]
       ssm-ssh-audit snapshot --out DIR [--region R] [--profile P]

Audits who can open SSH and port-forwarding sessions through AWS Systems Manager Session Manager.
Session Manager cannot log those sessions: they are unaudited.

Options:
  --input DIR            snapshot directory of AWS CLI outputs (iam.json, instances.json, account.json, ...)
  --live                 read the account directly with the AWS SDK (read-only calls) instead of --input
  --region R, --profile P  for --live and snapshot: the region and the shared-config profile
  --max-attempts N       for --live and snapshot: attempts per AWS call, retries included (default 8)
  --out DIR              for snapshot: the directory to write
  --policy FILE          compliance policy, JSON or YAML (default: nobody may use SSH or port forwarding)
  --format FORMAT        text (default), json, markdown or html
  --output FILE          write the report to FILE instead of stdout
  --fail-on-findings     exit 1 when anything is NON_COMPLIANT or any finding is reported
  --color / --no-color   force colour in the text report (default: only on a terminal)
  --debug                print stack traces for errors
  --help, --version
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The report could not be written to --output or stdout (no such directory, a full disk): exit 2. */
export class OutputError extends Error {
  override readonly name = 'OutputError';
}

const FORMATS = ['text', 'json', 'markdown', 'html'] as const;
type Format = (typeof FORMATS)[number];

interface AwsOptions {
  region: string | undefined;
  profile: string | undefined;
  maxAttempts: number | undefined;
}

interface AuditOptions extends AwsOptions {
  command: 'audit';
  input: string | undefined;
  live: boolean;
  policy: string | undefined;
  format: Format;
  output: string | undefined;
  failOnFindings: boolean;
  color: boolean | undefined;
}

interface SnapshotOptions extends AwsOptions {
  command: 'snapshot';
  out: string;
}

type Options = AuditOptions | SnapshotOptions | { command: 'help' } | { command: 'version' };

function parseOptions(argv: readonly string[]): Options {
  const args = [...argv];
  const snapshot = args[0] === 'snapshot';
  if (snapshot) args.shift();
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        input: { type: 'string', short: 'i' },
        live: { type: 'boolean', default: false },
        out: { type: 'string' },
        region: { type: 'string' },
        profile: { type: 'string' },
        'max-attempts': { type: 'string' },
        policy: { type: 'string', short: 'p' },
        format: { type: 'string', short: 'f', default: 'text' },
        output: { type: 'string', short: 'o' },
        'fail-on-findings': { type: 'boolean', default: false },
        color: { type: 'boolean' },
        'no-color': { type: 'boolean' },
        debug: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (cause) {
    throw new UsageError((cause as Error).message, { cause });
  }
  const v = parsed.values;
  if (v.help) return { command: 'help' };
  if (v.version) return { command: 'version' };
  let maxAttempts: number | undefined;
  if (v['max-attempts'] !== undefined) {
    maxAttempts = Number(v['max-attempts']);
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
      throw new UsageError(`--max-attempts must be a whole number from 1 to 20 (got "${v['max-attempts']}")`);
    }
  }
  const aws = { region: v.region, profile: v.profile, maxAttempts };
  if (snapshot) {
    if (!v.out) throw new UsageError('snapshot needs --out DIR, the directory to write');
    return { command: 'snapshot', out: v.out, ...aws };
  }
  if (v.input && v.live) throw new UsageError('--input and --live exclude each other');
  if (!v.input && !v.live) {
    throw new UsageError('--input DIR (a snapshot directory of AWS CLI outputs) or --live is required');
  }
  if (!FORMATS.includes(v.format as Format)) {
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${v.format}")`);
  }
  return {
    command: 'audit',
    input: v.input,
    live: v.live === true,
    policy: v.policy,
    format: v.format as Format,
    output: v.output,
    failOnFindings: v['fail-on-findings'] === true,
    color: v['no-color'] ? false : v.color,
    ...aws,
  };
}

async function loadPolicy(file: string | undefined): Promise<CompliancePolicy> {
  if (!file) return DEFAULT_COMPLIANCE_POLICY;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new CompliancePolicyError(
      `${file}: cannot be read (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      { cause },
    );
  }
  return parseCompliancePolicy(text, file);
}

function render(report: AuditReport, format: Format, color: boolean): Iterable<string> {
  if (format === 'json') return renderJsonChunks(report);
  if (format === 'markdown') return [renderMarkdown(report)];
  if (format === 'html') return [renderHtml(report)];
  return [renderText(report, { color })];
}

/**
 * Gathers the pieces of a report into writes of about a megabyte, so no single string has to hold the
 * report: each piece is encoded straight into one reused buffer. Large pieces (shared reach lists) are
 * encoded once, even when the same one is written many times, and go out as they are.
 *
 * With `reuse`, each gathered buffer is a view of that one buffer, valid until the next is asked for
 * (for synchronous writes); without it, each is a copy (for streams, which keep what they are given).
 */
function* gathered(chunks: Iterable<string>, reuse: boolean): Generator<Buffer> {
  const LARGE = 1 << 16;
  const encoded = new Map<string, Buffer>();
  const buffer = Buffer.allocUnsafe(1 << 20);
  let used = 0;
  const flush = (): Buffer => {
    const out = reuse ? buffer.subarray(0, used) : Buffer.from(buffer.subarray(0, used));
    used = 0;
    return out;
  };
  for (const chunk of chunks) {
    if (chunk.length >= LARGE) {
      if (used > 0) yield flush();
      let bytes = encoded.get(chunk);
      if (!bytes) {
        bytes = Buffer.from(chunk);
        encoded.set(chunk, bytes);
      }
      yield bytes;
      continue;
    }
    // A UTF-16 code unit takes at most three bytes in UTF-8: make sure the piece fits.
    if (used + chunk.length * 3 > buffer.length) yield flush();
    used += buffer.write(chunk, used);
  }
  if (used > 0) yield flush();
}

/**
 * The reader of stdout went away before the report was written (`ssm-ssh-audit ... | head`). That is
 * the reader's choice, not a failure of the audit, so main ends quietly with EXIT_CLOSED_PIPE.
 */
export class ClosedPipeError extends Error {
  override readonly name = 'ClosedPipeError';
}

/**
 * 128 + SIGPIPE (13): the status a shell reports for git, cat or grep when a closed pipe stops them.
 * Not 0, because the report was not delivered: under `set -o pipefail` a truncated audit must not pass
 * for a clean one, nor for a pass of --fail-on-findings. Node ignores SIGPIPE, so the process cannot
 * die of the signal itself; it exits with the status the signal would have left.
 */
export const EXIT_CLOSED_PIPE = 141;

/**
 * Writes to a stream (stdout, which may be a pipe), honouring backpressure, and resolves only once the
 * stream has taken every byte. A stream reports a failed write with an 'error' event, often on a later
 * tick and after write() has returned; with no listener that event would crash the process with a
 * stack trace, so it is caught here and thrown instead: EPIPE as a ClosedPipeError, anything else as
 * it is.
 */
async function writeToStream(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  let failure: Error | undefined;
  const onError = (error: Error): void => {
    failure ??= error;
  };
  stream.on('error', onError);
  try {
    for (const data of gathered(chunks, false)) {
      if (failure) break;
      if (!stream.write(data)) await once(stream, 'drain');
    }
    // An empty write calls back after every write before it: an error of the last one surfaces here.
    if (!failure) {
      await new Promise<void>((resolve, reject) =>
        stream.write('', (error) => (error ? reject(error) : resolve())),
      );
    }
  } catch (error) {
    failure ??= error as Error;
  } finally {
    stream.off('error', onError);
  }
  if (!failure) return;
  if ((failure as NodeJS.ErrnoException).code === 'EPIPE') {
    throw new ClosedPipeError('the reader of the report closed the pipe', { cause: failure });
  }
  // A full disk or a device that refuses writes: the same one-line error as for --output (exit 2).
  throw new OutputError(
    `stdout cannot be written (${(failure as NodeJS.ErrnoException).code ?? failure.message})`,
    { cause: failure },
  );
}

/**
 * How --output is written. A new report must never leave a truncated file where the previous one was
 * (a full disk, a failed render): so when we may, it is written whole to a new file next to FILE and
 * renamed over it only then. That is the case for a missing FILE and for a regular file with one link
 * that we may write and replace; the new file gets the old one's permission bits (`mode`), or a new
 * file's default. Anything else is written through in place, or refused by open, as it always was: a
 * symbolic link (its target gets the report), a device (/dev/stdout), a hard-linked file (every name
 * must see the new report), a read-only file (refused). Returns undefined for those.
 */
function replacement(file: string): { mode?: number } | undefined {
  let info: Stats;
  try {
    info = lstatSync(file);
  } catch {
    // No file yet, or a path that open will refuse with its own error.
    return {};
  }
  if (!info.isFile() || info.nlink !== 1) return undefined;
  try {
    accessSync(file, fsConstants.W_OK);
  } catch {
    return undefined;
  }
  // rename(2), EPERM: in a sticky directory (/tmp) only root or the owner of the file or of the directory
  // may replace the file; anyone else may still write it in place, as before.
  const dir = statSync(dirname(file));
  const euid = process.geteuid?.();
  if (dir.mode & 0o1000 && euid !== undefined && ![0, info.uid, dir.uid].includes(euid)) return undefined;
  return { mode: info.mode & 0o7777 };
}

/**
 * Writes every piece with plain synchronous writes: the audit has nothing else to do meanwhile, and a
 * stream's per-write bookkeeping costs more than the copy itself for a report of a hundred megabytes.
 */
function writeAll(fd: number, chunks: Iterable<string>): void {
  for (const bytes of gathered(chunks, true)) {
    // A write may be partial (a full disk, a signal); go on from where it stopped.
    for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at);
  }
}

/** Writes through FILE itself, truncated first: what cannot be replaced (see replacement). */
function writeInPlace(file: string, chunks: Iterable<string>): void {
  const fd = openSync(file, 'w');
  try {
    writeAll(fd, chunks);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes the report to FILE: whole to a new file in the same directory (so that the rename is atomic),
 * renamed over FILE only once every byte is written and the file closed; or in place, for what may not
 * be replaced. On any failure the new file is removed and FILE is left as it was.
 */
function writeToFile(file: string, chunks: Iterable<string>): void {
  const replace = replacement(file);
  if (!replace) return writeInPlace(file, chunks);
  // Hidden, and unique to this run (pid and a random part) so that it collides with nothing; named after
  // the tool, not after FILE, so that a long name of FILE's cannot make it too long.
  const temp = join(dirname(file), `.ssm-ssh-audit-${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  let fd: number;
  try {
    // Created with FILE's bits (less the umask; fchmod below makes them exact), so that a report kept
    // from other readers is never open to them, not even before the fchmod.
    fd = openSync(temp, 'wx', replace.mode ?? 0o666);
  } catch (error) {
    // A directory we may not add to, holding a file we may write: write that file in place, as before.
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return writeInPlace(file, chunks);
    throw error;
  }
  try {
    try {
      if (replace.mode !== undefined) fchmodSync(fd, replace.mode);
      writeAll(fd, chunks);
    } finally {
      closeSync(fd);
    }
    moveIntoPlace(temp, file, replace.mode !== undefined);
  } catch (error) {
    try {
      unlinkSync(temp);
    } catch {
      // Already gone: the error that matters is the one being thrown.
    }
    throw error;
  }
}

/**
 * Gives the whole new report (`temp`) FILE's name. An existing FILE is first moved aside to a free name,
 * not replaced by the rename: on ext4 a rename over a file forces the new file's blocks out to disk
 * (auto_da_alloc), which for a report of a hundred megabytes takes longer than writing it, while a
 * rename to a free name does not. Should the new report not take FILE's name, the old one gets it
 * back; FILE is missing only between the two renames.
 */
function moveIntoPlace(temp: string, file: string, exists: boolean): void {
  if (!exists) return renameSync(temp, file);
  const aside = `${temp}.old`;
  renameSync(file, aside);
  try {
    renameSync(temp, file);
  } catch (error) {
    try {
      renameSync(aside, file);
    } catch {
      // The old report stays under its hidden name: the error says where, so that it is not lost.
      Object.assign(error as object, { previousReportAt: aside });
    }
    throw error;
  }
  try {
    unlinkSync(aside);
  } catch {
    // The new report is in place; a leftover hidden copy of the old one is no reason to fail the run.
  }
}

/**
 * A --profile that neither shared file defines. The SDK does not say so: it asks for a region, then
 * reports that no provider had credentials (or, on EC2, goes on with the instance's role). The AWS
 * CLI refuses such a profile by name; so does this.
 */
function refuseUnknownProfile(profile: string): void {
  const home = homedir();
  // As the SDK reads them: a path given as ~/... is under the home directory.
  const files = [
    process.env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    process.env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  ].map((file) => (file.startsWith('~/') ? join(home, file.slice(2)) : file));
  const names = new Set<string>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // A file that cannot be read defines no profile; the SDK would not read it either.
    }
    for (const match of text.matchAll(/^\s*\[\s*(?:profile\s+)?([^\]]*?)\s*\]/gm))
      names.add(match[1] as string);
  }
  if (!names.has(profile)) {
    throw new UsageError(`--profile ${profile}: no such profile in ${files.join(' or ')}`);
  }
}

/**
 * Reads the account live. The SDK is imported here, lazily, so that an audit of a snapshot on disk
 * never pays for loading it.
 */
async function collectLive(options: AwsOptions): Promise<SnapshotValues> {
  // The SDK warns at length on stderr that Node 20 is deprecated; errors must stay one line, and the
  // Lambda functions run on nodejs22.x anyway.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (options.profile !== undefined) refuseUnknownProfile(options.profile);
  const { createCollectorClients, resolvedRegion } = await import('./snapshot/aws-clients');
  const { collectSnapshot } = await import('./snapshot/collect-live');
  const clients = createCollectorClients(options);
  let region: string;
  try {
    region = await resolvedRegion(clients);
  } catch (cause) {
    // The SDK also refuses a region that is there but is no region (a typo in --region or AWS_REGION):
    // asking for --region then would send the user looking in the wrong place.
    const message = (cause as Error).message;
    if (/^Region is missing/.test(message)) {
      throw new UsageError('no AWS region: pass --region or set AWS_REGION', { cause });
    }
    throw new UsageError(`the AWS region is not valid: ${message}`, { cause });
  }
  const tty = process.stderr.isTTY === true;
  try {
    return await collectSnapshot(clients, {
      region,
      onProgress: (p) => {
        if (!tty) return;
        process.stderr.write(
          `\r\u001b[Kreading ${p.phase}: ${p.pages} page(s), ${p.principals} principal(s), ${p.instances} instance(s)`,
        );
        if (p.phase === 'done') process.stderr.write('\n');
      },
    });
  } catch (error) {
    // The progress line has no line break until 'done': erase it, so that the error line that follows
    // is not appended to it.
    if (tty) process.stderr.write('\r\u001b[K');
    throw error;
  }
}

const EXPECTED_ERRORS = [
  'UsageError',
  'OutputError',
  'SnapshotInputError',
  'CompliancePolicyError',
  'CollectionError',
];

/** Phase timings on stderr as one JSON line when SSM_SSH_AUDIT_TIMINGS=1, for the benchmark. */
function reportTimings(timings: Record<string, number>): void {
  if (process.env.SSM_SSH_AUDIT_TIMINGS !== '1') return;
  const rounded = Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 10) / 10]));
  process.stderr.write(`${JSON.stringify({ timings: rounded })}\n`);
}

async function runAudit(options: AuditOptions): Promise<number> {
  const t0 = performance.now();
  const policy = await loadPolicy(options.policy);
  let snapshot: AccountSnapshot;
  if (options.live) {
    const { parseSnapshotValues } = await import('./snapshot/parse-snapshot');
    snapshot = parseSnapshotValues(await collectLive(options));
  } else {
    snapshot = await loadSnapshotDirectory(options.input as string);
  }
  const t1 = performance.now();
  const report = audit(snapshot, policy);
  const t2 = performance.now();
  const toFile = options.output !== undefined;
  const color = options.color ?? (!toFile && process.stdout.isTTY === true && !process.env.NO_COLOR);
  const chunks = render(report, options.format, color);
  if (toFile) {
    try {
      writeToFile(options.output as string, chunks);
    } catch (cause) {
      // Where the previous report was left, when it could not get FILE's name back (see moveIntoPlace).
      const kept = (cause as { previousReportAt?: string }).previousReportAt;
      throw new OutputError(
        `--output ${options.output}: cannot be written (${(cause as NodeJS.ErrnoException).code ?? cause})` +
          (kept ? `; the previous report is at ${kept}` : ''),
        { cause },
      );
    }
    process.stderr.write(`ssm-ssh-audit: report written to ${options.output}\n`);
  } else {
    await writeToStream(process.stdout, chunks);
  }
  reportTimings({ loadMs: t1 - t0, evaluateMs: t2 - t1, renderMs: performance.now() - t2 });
  if (!report.complete) {
    process.stderr.write(`ssm-ssh-audit: the report is incomplete (${report.gaps.length} gap(s))\n`);
  }
  // Anything non-compliant: a principal, an instance, or an account-level or agent finding.
  const nonCompliant =
    report.summary.nonCompliantPrincipals + report.summary.nonCompliantInstances + report.findings.length > 0;
  return options.failOnFindings && nonCompliant ? 1 : 0;
}

async function runSnapshot(options: SnapshotOptions): Promise<number> {
  const values = await collectLive(options);
  const { writeSnapshotDirectory } = await import('./snapshot/write-directory');
  let written: string[];
  try {
    written = await writeSnapshotDirectory(options.out, values);
  } catch (cause) {
    // Not a fault of ours: a path through a file, no permission, a full disk. One line and exit 2, as
    // for --output.
    throw new OutputError(
      `--out ${options.out}: cannot be written (${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message})`,
      { cause },
    );
  }
  process.stderr.write(`ssm-ssh-audit: wrote ${written.length} file(s) to ${options.out}\n`);
  return 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const options = parseOptions(argv);
    switch (options.command) {
      case 'help':
        await writeToStream(process.stdout, [USAGE]);
        return 0;
      case 'version': {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { version } = require('../package.json') as { version: string };
        await writeToStream(process.stdout, [`${version}\n`]);
        return 0;
      }
      case 'snapshot':
        return await runSnapshot(options);
      case 'audit':
        return await runAudit(options);
    }
  } catch (error) {
    const e = error as Error;
    // Not an error to report: the reader stopped reading, as `| head` does. Nothing on stderr.
    if (e.name === 'ClosedPipeError') return EXIT_CLOSED_PIPE;
    if (debug) process.stderr.write(`${e.stack ?? e}\n`);
    if (EXPECTED_ERRORS.includes(e.name)) {
      // One line, whatever the input put into the message (a key or an id with a line break in it).
      process.stderr.write(`ssm-ssh-audit: ${escapeControls(e.message)}\n`);
      if (e.name === 'UsageError') process.stderr.write('Run ssm-ssh-audit --help for usage.\n');
      return 2;
    }
    process.stderr.write(
      `ssm-ssh-audit: internal error: ${escapeControls(e.message)}${debug ? '' : ' (run with --debug for details)'}\n`,
    );
    return 3;
  }
}

export { SnapshotInputError };
