#!/usr/bin/env node
/**
 * Cold import time of the compiled entry points: dist/cli.js, every dist/handlers/*.js (skipped
 * when there are none), and the deployed Lambda bundles: each .serverless/<function>.zip that
 * `osls package` wrote is unzipped into a temporary directory and its handler file required, which is
 * what a Lambda cold start pays before the first event. Each measure is a fresh node process (nothing cached in memory), best of
 * --runs (default 5):
 * - "start → require done": milliseconds from the child's process start (performance.timeOrigin) to
 *   the end of its require(), measured inside the child;
 * - "require alone": the require() call itself;
 * - "wall clock": spawnSync from outside, process start to exit, beside an empty `node -e 0`.
 * Runs on the compiled code in dist/ (npm run build); it builds nothing.
 *
 * Usage: node bench/cold-import.js [--runs 5]
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { existsSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');

const CHILD = `
const { performance } = require('node:perf_hooks');
const before = performance.now();
if (process.argv[1]) require(process.argv[1]);
const done = performance.now();
process.stdout.write(JSON.stringify({ done, require: done - before }));
`;

function measure(modulePath, runs) {
  let best;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['-e', CHILD, modulePath ?? ''], { encoding: 'utf8' });
    const wall = Number(process.hrtime.bigint() - t) / 1e6;
    if (child.status !== 0) {
      return { failure: (child.stderr || `exit ${child.status}`).trim().split('\n').slice(-1)[0] };
    }
    const inside = JSON.parse(child.stdout);
    const sample = { wall, done: inside.done, require: inside.require };
    if (!best) best = sample;
    else for (const k of Object.keys(sample)) best[k] = Math.min(best[k], sample[k]);
  }
  return best;
}

function main() {
  let runs;
  try {
    const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
    runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1)
      throw new Error(`--runs must be a positive integer (got "${values.runs}")`);
  } catch (e) {
    console.error(`cold-import: ${e.message}\nUsage: node bench/cold-import.js [--runs 5]`);
    process.exit(2);
  }
  const cli = join(DIST, 'cli.js');
  if (!existsSync(cli)) {
    console.error('cold-import: dist/cli.js is missing; run `npm run build` first.');
    process.exit(2);
  }
  const handlersDir = join(DIST, 'handlers');
  const handlers = existsSync(handlersDir)
    ? readdirSync(handlersDir)
        .filter((f) => f.endsWith('.js'))
        .sort()
        .map((f) => join(handlersDir, f))
    : [];

  const baseline = measure(undefined, runs);
  const rows = [['(empty node -e 0)', baseline]];
  for (const m of [cli, ...handlers]) rows.push([relative(ROOT, m), measure(m, runs)]);

  // The bundles as deployed: one zip per function, its handler under src/handlers/.
  const packageDir = join(ROOT, '.serverless');
  const zips = existsSync(packageDir)
    ? readdirSync(packageDir)
        .filter((f) => f.endsWith('.zip'))
        .sort()
    : [];
  const unpacked = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-bundles-'));
  try {
    for (const zip of zips) {
      const dir = join(unpacked, zip.replace(/\.zip$/, ''));
      const unzip = spawnSync('unzip', ['-q', '-o', join(packageDir, zip), '-d', dir], { encoding: 'utf8' });
      if (unzip.status !== 0) {
        rows.push([`bundle ${zip}`, { failure: `unzip failed: ${(unzip.stderr || '').trim()}` }]);
        continue;
      }
      const handlerDir = join(dir, 'src', 'handlers');
      const files = existsSync(handlerDir) ? readdirSync(handlerDir).filter((f) => f.endsWith('.js')) : [];
      if (files.length !== 1) {
        rows.push([`bundle ${zip}`, { failure: `expected one handler file, found ${files.length}` }]);
        continue;
      }
      rows.push([`bundle ${zip} (src/handlers/${files[0]})`, measure(join(handlerDir, files[0]), runs)]);
    }
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }

  const f = (ms) => `${ms.toFixed(1)} ms`;
  console.log(`## Cold import (node ${process.version}, best of ${runs})\n`);
  console.log(
    '| module | start → require done | require alone | wall clock (spawn to exit) | wall − empty node |',
  );
  console.log('|---|---|---|---|---|');
  for (const [name, r] of rows) {
    if (r.failure) {
      console.log(`| ${name} | failed: ${r.failure} | | | |`);
      continue;
    }
    const isBaseline = name.startsWith('(');
    console.log(
      `| ${name} | ${f(r.done)} | ${isBaseline ? '–' : f(r.require)} | ${f(r.wall)} | ${isBaseline ? '–' : f(r.wall - baseline.wall)} |`,
    );
  }
  if (!handlers.length) console.log('\nNo dist/handlers/*.js: the Lambda handlers were skipped.');
  if (!zips.length)
    console.log('\nNo .serverless/*.zip: run `npx osls package` to measure the deployed bundles.');
}

main();
