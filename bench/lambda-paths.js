#!/usr/bin/env node
/**
 * `npm run bench:lambda`: what each Lambda function's work costs on a large account, in time and peak
 * memory. The functions are deployed with 512 MB (serverless.yml), so their peak RSS is the figure
 * that matters: a report of a hundred megabytes must never be built whole to be summarized.
 *
 * For each scale it generates the benchmark account (bench/generate-account.js) and runs, each in a
 * child process of its own so that peak RSS is its own:
 * - configRule: a scheduled run (runConfigRule) that posts every evaluation;
 * - nightlyReport: the audit and the one SNS message (runNightlyReport);
 * - onDemand: `{}` from the console (runOnDemand), the JSON report or its 6 MB summary.
 * The account is read from the snapshot directory, as AUDIT_SNAPSHOT_DIR does, and the AWS clients are
 * stand-ins that answer in memory: nothing leaves the process. It builds nothing: run `npm run build`.
 *
 * Usage: node bench/lambda-paths.js [--scales 0.25,1] [--seed 42] [--keep]
 *        node bench/lambda-paths.js --check   (scale 1; exit 1 when a function's peak RSS is above 512 MB)
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');
const FUNCTIONS = ['configRule', 'nightlyReport', 'onDemand'];
const MEMORY_MB = 512;

/** A client whose send answers each command by its name, as the AWS API would for a healthy account. */
function standIn(answers) {
  const calls = {};
  return {
    calls,
    send: async (command) => {
      const name = command.constructor.name;
      calls[name] = (calls[name] ?? 0) + 1;
      const answer = answers[name];
      if (!answer) throw new Error(`the benchmark's stand-in client has no answer for ${name}`);
      return answer(command.input);
    },
  };
}

async function child(fn, dir) {
  const { loadSnapshotDirectory } = require(join(DIST, 'snapshot', 'load-directory.js'));
  const { DEFAULT_COMPLIANCE_POLICY } = require(join(DIST, 'config', 'compliance-policy.js'));
  const loadAccount = () => loadSnapshotDirectory(dir);
  // The function's module (and the SDK client it imports) is loaded before the clock starts: the time
  // is the work alone, as bench:cold measures the imports.
  const modules = {
    configRule: ['config-rule.js', 'runConfigRule'],
    nightlyReport: ['nightly-report.js', 'runNightlyReport'],
    onDemand: ['on-demand.js', 'runOnDemand'],
  };
  if (!modules[fn]) throw new Error(`no such function: ${fn}`);
  const run = require(join(DIST, 'lambda', modules[fn][0]))[modules[fn][1]];
  const started = process.hrtime.bigint();
  let detail;
  if (fn === 'configRule') {
    const runConfigRule = run;
    const event = JSON.parse(
      readFileSync(join(ROOT, 'test', 'fixtures', 'config-events', 'scheduled-notification.json'), 'utf8'),
    );
    const config = standIn({
      PutEvaluationsCommand: () => ({ FailedEvaluations: [] }),
      GetComplianceDetailsByConfigRuleCommand: () => ({ EvaluationResults: [] }),
    });
    const result = await runConfigRule(event, { config, loadAccount });
    detail = `${result.evaluations.toLocaleString('en-US')} evaluations in ${result.putCalls} PutEvaluations calls`;
  } else if (fn === 'nightlyReport') {
    const runNightlyReport = run;
    const sns = standIn({ PublishCommand: () => ({ MessageId: 'bench' }) });
    const result = await runNightlyReport({
      sns,
      loadAccount,
      topicArn: 'arn:aws:sns:us-east-1:111122223333:bench',
      policy: DEFAULT_COMPLIANCE_POLICY,
    });
    detail = `${Math.round(result.bytes / 1024)} KB message${result.summarized ? ', summarized' : ''}`;
  } else {
    const runOnDemand = run;
    const result = await runOnDemand({}, { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY });
    const bytes = Buffer.byteLength(JSON.stringify(result));
    detail = `${(bytes / 1e6).toFixed(1)} MB response${'omitted' in result ? ', summarized' : ''}`;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  process.stdout.write(
    JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, detail }) + '\n',
  );
}

function measure(fn, dir) {
  const run = spawnSync(process.execPath, [join(__dirname, 'lambda-paths.js'), '--child', fn, dir], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    return { error: (run.stderr || `exit ${run.status}`).trim().split('\n').slice(-1)[0] };
  }
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

function main() {
  const { values } = parseArgs({
    options: {
      child: { type: 'string' },
      scales: { type: 'string', default: '0.25,1' },
      seed: { type: 'string', default: '42' },
      keep: { type: 'boolean', default: false },
      check: { type: 'boolean', default: false },
    },
    allowPositionals: true,
  });
  if (values.child) {
    const dir = process.argv[process.argv.length - 1];
    child(values.child, dir).catch((error) => {
      process.stderr.write(`${error.name}: ${error.message}\n`);
      process.exit(1);
    });
    return;
  }
  const { generateAccount } = require('./generate-account');
  const scales = values.check ? [1] : values.scales.split(',').map(Number);
  let failed = false;
  const rows = [];
  for (const scale of scales) {
    const dir = mkdtempSync(join(tmpdir(), `ssm-ssh-audit-lambda-bench-${scale}-`));
    try {
      generateAccount(dir, { scale, seed: Number(values.seed) });
      for (const fn of FUNCTIONS) {
        const r = measure(fn, dir);
        if (r.error || r.maxRssMb > MEMORY_MB) failed = true;
        rows.push([
          String(scale),
          fn,
          r.error ? 'failed' : `${Math.round(r.ms).toLocaleString('en-US')} ms`,
          r.error ? '' : `${Math.round(r.maxRssMb)} MB`,
          r.error ?? r.detail,
        ]);
      }
    } finally {
      if (values.keep) process.stderr.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const header = ['scale', 'function', 'time', 'peak RSS', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log(
    `\nThe functions have ${MEMORY_MB} MB (serverless.yml); time is the work alone, start-up excluded.`,
  );
  if (values.check && failed) {
    console.error(`bench:lambda --check: a function failed or peaked above ${MEMORY_MB} MB`);
    process.exit(1);
  }
}

main();
