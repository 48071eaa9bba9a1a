#!/usr/bin/env node
/**
 * `npm run bench`: the scale benchmark of the whole CLI.
 *
 * For each scale it generates a large account (bench/generate-account.js) in a temporary directory,
 * then measures, each in its own child process:
 * - the parse floor: a bare node process that reads and JSON.parses the same seven files;
 * - the CLI: `node bin/ssm-ssh-audit.js --input DIR --format json --output FILE`, from process start to
 *   exit, with its peak RSS and (when it prints them under SSM_SSH_AUDIT_TIMINGS=1) its phase times;
 *   the floor and the CLI run in turn, one run each, so that both meet the same load;
 * - the ratio CLI / floor: how far the audit is from the cost of merely reading its input.
 * Times are wall clock around spawnSync, best of --runs. It builds nothing: run `npm run build` first.
 *
 * Peak RSS comes from GNU time (/usr/bin/time -f %M) when it works, else from bench/measure-rss.js, which
 * runs dist/cli.js in-process and reports process.resourceUsage().maxRSS (BENCH_RSS=node forces it).
 *
 * Usage: node bench/run.js [--scales 0.25,0.5,1,2] [--runs 3] [--timeout 300] [--seed 42] [--keep]
 *        node bench/run.js --check   (scale 1, one run; exit 1 when the ratio is above 3, the peak RSS
 *                                     above 512 MB, or the CLI or the parse floor fails)
 */
'use strict';
const { spawnSync } = require('node:child_process');
const {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
} = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');
const { generateAccount } = require('./generate-account');

const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'bin', 'ssm-ssh-audit.js');
const MEASURE_RSS = join(__dirname, 'measure-rss.js');
const FILES = [
  'iam.json',
  'instances.json',
  'account.json',
  'activation-tier.json',
  'session-preferences.json',
  'session-documents.json',
  'tags.json',
];
/** Past this, a scale gets one CLI run instead of --runs. */
const SLOW_RUN_MS = 120_000;
const CHECK_MAX_RATIO = 3;
const CHECK_MAX_RSS_MB = 512;

const FLOOR_SCRIPT = `
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
for (const f of ${JSON.stringify(FILES)}) JSON.parse(readFileSync(join(process.argv[1], f), 'utf8'));
`;

function options() {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        scales: { type: 'string', default: '0.25,0.5,1,2' },
        runs: { type: 'string', default: '3' },
        timeout: { type: 'string', default: '300' },
        seed: { type: 'string', default: '42' },
        check: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
      },
    });
  } catch (e) {
    usage(e.message);
  }
  const v = parsed.values;
  const scales = v.check ? [1] : v.scales.split(',').map(Number);
  const runs = v.check ? 1 : Number(v.runs);
  const timeoutMs = Number(v.timeout) * 1000;
  const seed = Number(v.seed);
  if (!scales.length || scales.some((s) => !(s > 0)))
    usage(`--scales must list positive numbers (got "${v.scales}")`);
  if (!Number.isInteger(runs) || runs < 1) usage(`--runs must be a positive integer (got "${v.runs}")`);
  if (!(timeoutMs > 0)) usage(`--timeout must be a positive number of seconds (got "${v.timeout}")`);
  if (!Number.isInteger(seed)) usage(`--seed must be an integer (got "${v.seed}")`);
  return { scales, runs, timeoutMs, seed, check: v.check, keep: v.keep };
}

function usage(message) {
  console.error(`bench: ${message}`);
  console.error(
    'Usage: node bench/run.js [--scales 0.25,0.5,1,2] [--runs 3] [--timeout SECONDS] [--keep] [--check]',
  );
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------------
// Measuring child processes

/** GNU time writes the peak RSS (KB) of its child with -f %M; use it when it is there and works. */
function detectGnuTime(dir) {
  const time = '/usr/bin/time';
  // BENCH_RSS=node forces the in-process fallback (bench/measure-rss.js).
  if (process.env.BENCH_RSS === 'node' || !existsSync(time)) return undefined;
  const out = join(dir, 'time-probe.txt');
  const probe = spawnSync(time, ['-f', '%M', '-o', out, process.execPath, '-e', '0'], { encoding: 'utf8' });
  if (probe.status !== 0 || !existsSync(out)) return undefined;
  return /^\d+\s*$/.test(readFileSync(out, 'utf8')) ? time : undefined;
}

/**
 * Runs `node ARGS` once: wall-clock milliseconds around spawnSync, the exit, stderr and peak RSS (KB).
 * With GNU time the child is wrapped by it; otherwise `rssArgs` (the measure-rss.js wrapper) is run.
 */
function runNode(args, { gnuTime, rssArgs, rssFile, env, timeoutMs }) {
  let command = process.execPath;
  let argv = args;
  if (gnuTime) {
    rmSync(rssFile, { force: true });
    command = gnuTime;
    argv = ['-f', '%M', '-o', rssFile, process.execPath, ...args];
  } else if (rssArgs) {
    argv = rssArgs;
  }
  const t = process.hrtime.bigint();
  const child = spawnSync(command, argv, {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const stderr = child.stderr ?? '';
  let rssKB;
  if (gnuTime) {
    const text = existsSync(rssFile) ? readFileSync(rssFile, 'utf8') : '';
    // GNU time prefixes "Command exited with non-zero status N" when the child fails.
    const m = /(\d+)\s*$/.exec(text);
    if (m) rssKB = Number(m[1]);
  } else if (rssArgs) {
    const m = /\{"maxRSSKB":(\d+)\}\s*$/.exec(stderr);
    if (m) rssKB = Number(m[1]);
  }
  const timedOut = child.error?.code === 'ETIMEDOUT';
  let failure;
  if (timedOut) failure = `killed after the ${timeoutMs / 1000} s timeout`;
  else if (child.error) failure = child.error.message;
  else if (child.signal) failure = `killed by ${child.signal}: ${lastMessage(stderr)}`;
  else if (child.status !== 0) failure = `exit ${child.status}: ${lastMessage(stderr)}`;
  return { ms, status: child.status, failure, stderr, rssKB, timings: parseTimings(stderr) };
}

function lastMessage(stderr) {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('{"maxRSSKB"') && !l.startsWith('{"timings"'));
  const message =
    lines.find((l) => l.startsWith('FATAL ERROR') || l.startsWith('ssm-ssh-audit:')) ??
    lines[lines.length - 1] ??
    '(no message)';
  return message.length > 160 ? `${message.slice(0, 157)}...` : message;
}

/** `{"timings":{"loadMs":..,"evaluateMs":..,"renderMs":..}}` on a line of stderr, if the CLI prints it. */
function parseTimings(stderr) {
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{"timings"')) continue;
    try {
      return JSON.parse(line).timings;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The report's `summary`, read from the start of the file: reports grow large, and parsing a whole
 * one here would measure this script rather than the CLI.
 */
function readSummary(file) {
  if (!existsSync(file)) return undefined;
  const fd = openSync(file, 'r');
  const head = Buffer.alloc(4 * 1024 * 1024);
  const n = readSync(fd, head, 0, head.length, 0);
  closeSync(fd);
  const text = head.subarray(0, n).toString('utf8');
  const start = text.indexOf('"summary"');
  if (start >= 0) {
    const open = text.indexOf('{', start);
    let depth = 0;
    for (let i = open; i < text.length; i++) {
      if (text[i] === '{') depth++;
      else if (text[i] === '}' && --depth === 0) {
        try {
          return JSON.parse(text.slice(open, i + 1));
        } catch {
          break;
        }
      }
    }
  }
  if (statSync(file).size < 256 * 1024 * 1024) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')).summary;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Formatting

const fmtMs = (ms) =>
  ms === undefined ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
const fmtMB = (kb) => (kb === undefined ? 'n/a' : `${Math.round(kb / 1024)} MB`);
const fmtNum = (n) => (n === undefined ? 'n/a' : n.toLocaleString('en-US'));
const fmtRatio = (r) => (r === undefined || !Number.isFinite(r) ? 'n/a' : `${r.toFixed(2)}×`);

function table(headers, rows) {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

const best = (results) =>
  results.filter((r) => !r.failure).reduce((a, b) => (a === undefined || b.ms < a.ms ? b : a), undefined);
const maxRss = (results) =>
  results.reduce(
    (m, r) => (r.rssKB !== undefined && (m === undefined || r.rssKB > m) ? r.rssKB : m),
    undefined,
  );

// ---------------------------------------------------------------------------------------------------
// The benchmark

function benchScale(scale, o, work, gnuTime, log) {
  const dir = join(work, `scale-${scale}`);
  const report = join(work, `report-${scale}.json`);
  const rssFile = join(work, 'rss.txt');
  let t = process.hrtime.bigint();
  const generated = generateAccount(dir, { scale, seed: o.seed });
  const generateMs = Number(process.hrtime.bigint() - t) / 1e6;
  log(`scale ${scale}: generated ${(generated.bytes / 1e6).toFixed(1)} MB in ${fmtMs(generateMs)}`);

  const cliArgs = [BIN, '--input', dir, '--format', 'json', '--output', report];
  const cliOptions = {
    gnuTime,
    rssArgs: gnuTime ? undefined : [MEASURE_RSS, ...cliArgs.slice(1)],
    rssFile,
    env: { SSM_SSH_AUDIT_TIMINGS: '1' },
    timeoutMs: o.timeoutMs,
  };
  // The floor and the CLI take turns, one run each, so that both meet the same load on a shared
  // machine and each is the best of as many runs as the other.
  const floorRuns = [];
  const cliRuns = [];
  const notes = [];
  let summary;
  let reportBytes;
  for (let i = 0; i < o.runs; i++) {
    const floorRun = runNode(['-e', FLOOR_SCRIPT, dir], { gnuTime, rssFile, timeoutMs: o.timeoutMs });
    floorRuns.push(floorRun);
    log(
      `scale ${scale}: parse floor run ${i + 1}: ${fmtMs(floorRun.ms)}${floorRun.failure ? ` FAILED (${floorRun.failure})` : ''}`,
    );
    rmSync(report, { force: true });
    const run = runNode(cliArgs, cliOptions);
    cliRuns.push(run);
    log(`scale ${scale}: CLI run ${i + 1}: ${fmtMs(run.ms)}${run.failure ? ` FAILED (${run.failure})` : ''}`);
    if (i === 0 && !run.failure) {
      summary = readSummary(report);
      reportBytes = existsSync(report) ? statSync(report).size : undefined;
    }
    if (run.failure) {
      if (i + 1 < o.runs) notes.push('the CLI failed, so it was not run again');
      break;
    }
    if (run.ms > SLOW_RUN_MS && i + 1 < o.runs) {
      notes.push(
        `one run of each instead of ${o.runs}: the first CLI run took ${fmtMs(run.ms)} (> ${SLOW_RUN_MS / 1000} s)`,
      );
      break;
    }
  }
  rmSync(report, { force: true });
  if (!o.keep) rmSync(dir, { recursive: true, force: true });

  const floor = best(floorRuns);
  const cli = best(cliRuns);
  const failed = cliRuns.find((r) => r.failure);
  return {
    scale,
    generated,
    floor,
    floorRuns: floorRuns.length,
    cli,
    cliRuns: cliRuns.length,
    failure: cli ? undefined : failed?.failure,
    failedAfterMs: cli ? undefined : failed?.ms,
    rssKB: maxRss(cliRuns),
    floorRssKB: maxRss(floorRuns),
    timings: (cli ?? failed)?.timings,
    ratio: cli && floor ? cli.ms / floor.ms : undefined,
    summary,
    reportBytes,
    notes,
  };
}

function scaleTable(r) {
  const timings = r.timings
    ? ['loadMs', 'evaluateMs', 'renderMs'].map((k) => fmtMs(r.timings[k])).join(' / ')
    : 'n/a';
  const s = r.summary ?? {};
  const c = r.generated.counts;
  const rows = [
    ['input (7 files)', `${(r.generated.bytes / 1e6).toFixed(1)} MB`],
    ['users / roles / groups', `${fmtNum(c.users)} / ${fmtNum(c.roles)} / ${fmtNum(c.groups)}`],
    [
      'managed policies (AWS / customer)',
      `${fmtNum(c.awsManagedPolicies)} / ${fmtNum(c.customerManagedPolicies)}`,
    ],
    ['principals (report)', fmtNum(s.principals)],
    ['instances (report)', fmtNum(s.instances)],
    ['instance classes', fmtNum(s.instanceClasses)],
    [`parse floor (best of ${r.floorRuns})`, r.floor ? fmtMs(r.floor.ms) : 'failed'],
    [
      `CLI, start to exit (best of ${r.cliRuns})`,
      r.cli ? fmtMs(r.cli.ms) : `FAILED after ${fmtMs(r.failedAfterMs)}: ${r.failure}`,
    ],
    ['ratio CLI / floor', fmtRatio(r.ratio)],
    ['CLI peak RSS', fmtMB(r.rssKB)],
    ['floor peak RSS', fmtMB(r.floorRssKB)],
    ['phases: load / evaluate / render', timings],
    [
      'time per principal',
      r.cli && s.principals ? `${((r.cli.ms * 1000) / s.principals).toFixed(0)} µs` : 'n/a',
    ],
    ['report size', r.reportBytes === undefined ? 'n/a' : `${(r.reportBytes / 1e6).toFixed(1)} MB`],
    [
      'non-compliant principals / instances',
      `${fmtNum(s.nonCompliantPrincipals)} / ${fmtNum(s.nonCompliantInstances)}`,
    ],
  ];
  let out = `### Scale ${r.scale}\n\n${table(['measure', 'value'], rows)}\n`;
  for (const note of r.notes) out += `\nNote: ${note}.\n`;
  return out;
}

function scalingTable(results) {
  const rows = results.map((r) => [
    r.scale,
    fmtNum(r.summary?.principals ?? r.generated.counts.principals),
    fmtNum(r.summary?.instances ?? r.generated.counts.instances),
    fmtNum(r.summary?.instanceClasses),
    r.floor ? fmtMs(r.floor.ms) : 'failed',
    r.cli ? fmtMs(r.cli.ms) : `failed after ${fmtMs(r.failedAfterMs)}`,
    fmtRatio(r.ratio),
    fmtMB(r.rssKB),
    r.timings?.evaluateMs === undefined ? 'n/a' : fmtMs(r.timings.evaluateMs),
    r.cli
      ? `${((r.cli.ms * 1000) / (r.summary?.principals ?? r.generated.counts.principals)).toFixed(0)} µs`
      : 'n/a',
  ]);
  return table(
    [
      'scale',
      'principals',
      'instances',
      'classes',
      'floor',
      'CLI',
      'CLI / floor',
      'peak RSS',
      'evaluate',
      'CLI per principal',
    ],
    rows,
  );
}

/** Compares time ratios between successive scales: exponent k in time ∝ scale^k. */
function linearity(results) {
  const lines = [];
  const ok = results.filter((r) => r.cli);
  for (let i = 1; i < ok.length; i++) {
    const a = ok[i - 1];
    const b = ok[i];
    const scaleRatio = b.scale / a.scale;
    const describe = (label, ta, tb) => {
      if (!(ta > 0) || !(tb > 0)) return undefined;
      const k = Math.log(tb / ta) / Math.log(scaleRatio);
      // A k below 0 says the larger account ran faster: noise on this shared machine, not growth.
      const verdict =
        k < 0
          ? 'faster at the larger scale: noise'
          : k <= 1.15
            ? 'at most linear'
            : k <= 1.5
              ? 'slightly superlinear'
              : 'superlinear';
      return `${label} ×${(tb / ta).toFixed(2)} (k = ${k.toFixed(2)}, ${verdict})`;
    };
    const parts = [
      describe('CLI time', a.cli.ms, b.cli.ms),
      describe('floor', a.floor?.ms, b.floor?.ms),
      describe('evaluate phase', a.timings?.evaluateMs, b.timings?.evaluateMs),
      describe('peak RSS', a.rssKB, b.rssKB),
    ].filter(Boolean);
    lines.push(`- scale ${a.scale} → ${b.scale} (×${scaleRatio.toFixed(2)}): ${parts.join('; ')}`);
  }
  const failed = results.filter((r) => !r.cli);
  for (const r of failed)
    lines.push(`- scale ${r.scale}: the CLI did not complete (${r.failure}), so it is not compared`);
  if (ok.length >= 2) {
    const worst = Math.max(
      ...ok.slice(1).map((b, i) => Math.log(b.cli.ms / ok[i].cli.ms) / Math.log(b.scale / ok[i].scale)),
    );
    lines.push(
      worst <= 1.15
        ? '\nVerdict: time grows linearly with the size of the account (k ≤ 1.15 at every step).'
        : `\nVerdict: time does NOT grow linearly: the worst step has k = ${worst.toFixed(2)} (time ∝ scale^k).`,
    );
  } else {
    lines.push('\nVerdict: fewer than two scales completed, so linearity cannot be judged.');
  }
  return lines.join('\n');
}

function main() {
  const o = options();
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    console.error('bench: dist/cli.js is missing; run `npm run build` first (the benchmark builds nothing).');
    process.exit(2);
  }
  const work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-bench-'));
  const cleanup = () => {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  };
  process.on('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  const log = (m) => process.stderr.write(`${m}\n`);
  let results;
  const started = process.hrtime.bigint();
  try {
    const gnuTime = detectGnuTime(work);
    log(
      `bench: node ${process.version}, peak RSS by ${gnuTime ? `${gnuTime} -f %M` : 'bench/measure-rss.js'}, work dir ${work}`,
    );
    results = o.scales.map((scale) => benchScale(scale, o, work, gnuTime, log));
  } finally {
    cleanup();
  }
  const totalS = Number(process.hrtime.bigint() - started) / 1e9;

  console.log(`## ssm-ssh-audit scale benchmark\n`);
  console.log(
    `node ${process.version}, seed ${o.seed}, ${o.runs} run(s) per measure (best kept), ` +
      `per-run timeout ${o.timeoutMs / 1000} s; total ${totalS.toFixed(0)} s.\n`,
  );
  for (const r of results) console.log(scaleTable(r));
  if (results.length > 1) {
    console.log(`### Scaling\n\n${scalingTable(results)}\n`);
    console.log(linearity(results));
  }

  if (o.check) {
    const r = results[0];
    const problems = [];
    if (!r.cli) problems.push(`the CLI failed: ${r.failure}`);
    if (!r.floor) problems.push('the parse floor could not be measured, so neither could the ratio');
    if (r.ratio !== undefined && r.ratio > CHECK_MAX_RATIO)
      problems.push(`ratio CLI / floor ${r.ratio.toFixed(2)} > ${CHECK_MAX_RATIO}`);
    if (r.rssKB !== undefined && r.rssKB / 1024 > CHECK_MAX_RSS_MB)
      problems.push(`peak RSS ${fmtMB(r.rssKB)} > ${CHECK_MAX_RSS_MB} MB`);
    if (r.rssKB === undefined) problems.push('peak RSS could not be measured');
    if (problems.length) {
      console.log(`\nCHECK FAILED: ${problems.join('; ')}`);
      process.exitCode = 1;
    } else {
      console.log(
        `\nCHECK PASSED: ratio ${fmtRatio(r.ratio)} ≤ ${CHECK_MAX_RATIO}, peak RSS ${fmtMB(r.rssKB)} ≤ ${CHECK_MAX_RSS_MB} MB`,
      );
    }
  }
}

main();
