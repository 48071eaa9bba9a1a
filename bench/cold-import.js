#!/usr/bin/env node
/**
 * Cold import time of the compiled entry points: dist/cli.js and every dist/handlers/*.js (skipped
 * when there are none). Each measure is a fresh node process (nothing cached in memory), best of
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
const { existsSync, readdirSync } = require('node:fs');
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
}

main();
