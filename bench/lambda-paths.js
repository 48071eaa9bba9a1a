#!/usr/bin/env node
/**
 * `npm run bench:lambda`: what each Lambda function's work costs on a large account, in time and peak
 * memory. Each function's peak RSS is compared with its memorySize in serverless.yml: a report of a
 * hundred megabytes must never be built whole to be summarized.
 *
 * For each scale it generates the benchmark account (bench/generate-account.js) and runs, each in a
 * child process of its own so that peak RSS is its own:
 * - configRule: a scheduled run (runConfigRule) that posts every evaluation;
 * - configRule (role change): a ConfigurationItemChangeNotification for an existing role with a managed
 *   policy attached, the account read afresh (no cached account): the path that audits the account
 *   twice (once as changed, once without the changed role, for the instances only it exposes);
 * - nightlyReport: the audit and the one SNS message (runNightlyReport);
 * - onDemand: `{}` from the console (runOnDemand), the JSON report or its 6 MB summary.
 * The account is read from the snapshot directory, as AUDIT_SNAPSHOT_DIR does, and the AWS clients are
 * stand-ins that answer in memory: nothing leaves the process. It builds nothing: run `npm run build`.
 *
 * Usage: node bench/lambda-paths.js [--scales 0.25,1] [--seed 42] [--keep]
 *        node bench/lambda-paths.js --check   (scale 1; exit 1 when a function's peak RSS is above its memorySize)
 */
'use strict';
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { parseArgs } = require('node:util');

const ROOT = resolve(__dirname, '..');
const DIST = join(ROOT, 'dist');
/** The paths measured, each with the function (serverless.yml) whose memory it runs in. */
const PATHS = {
  configRule: 'configRule',
  'configRule (role change)': 'configRule',
  nightlyReport: 'nightlyReport',
  onDemand: 'onDemand',
};
const ROLE_CHANGE_EVENT = 'bench-role-change-event.json';

/** Each function's memorySize in serverless.yml (its own, else the provider's). */
function memoryOf() {
  const { parse } = require('yaml');
  const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'));
  return Object.fromEntries(
    Object.entries(config.functions).map(([name, f]) => [
      name,
      Number(f.memorySize ?? config.provider.memorySize),
    ]),
  );
}

/**
 * A Config change notification for the first role of the account with a managed policy attached, as
 * Config writes it (camelCase, URL-encoded inline policies), unchanged: the work is the same whatever
 * the change. Built in the parent process, so that reading iam.json does not count in the child's peak.
 */
function roleChangeEvent(dir) {
  const iam = JSON.parse(readFileSync(join(dir, 'iam.json'), 'utf8'));
  const role = iam.RoleDetailList.find((r) => (r.AttachedManagedPolicies ?? []).length > 0);
  const encoded = (d) => (typeof d === 'string' ? d : encodeURIComponent(JSON.stringify(d)));
  const item = {
    configurationItemCaptureTime: '2026-03-17T10:15:42.118Z',
    configurationItemStatus: 'OK',
    resourceType: 'AWS::IAM::Role',
    resourceId: role.RoleId,
    resourceName: role.RoleName,
    ARN: role.Arn,
    awsRegion: 'global',
    configuration: {
      path: role.Path,
      roleName: role.RoleName,
      roleId: role.RoleId,
      arn: role.Arn,
      rolePolicyList: (role.RolePolicyList ?? []).map((p) => ({
        policyName: p.PolicyName,
        policyDocument: encoded(p.PolicyDocument),
      })),
      attachedManagedPolicies: role.AttachedManagedPolicies.map((p) => ({
        policyName: p.PolicyName,
        policyArn: p.PolicyArn,
      })),
      ...(role.PermissionsBoundary
        ? {
            permissionsBoundary: {
              permissionsBoundaryType: role.PermissionsBoundary.PermissionsBoundaryType,
              permissionsBoundaryArn: role.PermissionsBoundary.PermissionsBoundaryArn,
            },
          }
        : {}),
      tags: (role.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value })),
    },
  };
  const scheduled = JSON.parse(
    readFileSync(join(ROOT, 'test', 'fixtures', 'config-events', 'scheduled-notification.json'), 'utf8'),
  );
  return {
    ...scheduled,
    invokingEvent: JSON.stringify({
      configurationItem: item,
      notificationCreationTime: '2026-03-17T10:15:50.000Z',
      messageType: 'ConfigurationItemChangeNotification',
    }),
  };
}

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
    'configRule (role change)': ['config-rule.js', 'runConfigRule'],
    nightlyReport: ['nightly-report.js', 'runNightlyReport'],
    onDemand: ['on-demand.js', 'runOnDemand'],
  };
  if (!modules[fn]) throw new Error(`no such function: ${fn}`);
  const run = require(join(DIST, 'lambda', modules[fn][0]))[modules[fn][1]];
  const changeEvent =
    fn === 'configRule (role change)'
      ? JSON.parse(readFileSync(join(dir, ROLE_CHANGE_EVENT), 'utf8'))
      : undefined;
  const started = process.hrtime.bigint();
  let detail;
  if (fn === 'configRule' || changeEvent) {
    const runConfigRule = run;
    const event =
      changeEvent ??
      JSON.parse(
        readFileSync(join(ROOT, 'test', 'fixtures', 'config-events', 'scheduled-notification.json'), 'utf8'),
      );
    const config = standIn({
      PutEvaluationsCommand: () => ({ FailedEvaluations: [] }),
      GetComplianceDetailsByConfigRuleCommand: () => ({ EvaluationResults: [] }),
    });
    const result = await runConfigRule(event, { config, loadAccount });
    const plural = (n, word) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
    detail = `${plural(result.evaluations, 'evaluation')} in ${plural(result.putCalls, 'PutEvaluations call')}`;
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
  const memory = memoryOf();
  let failed = false;
  const rows = [];
  for (const scale of scales) {
    const dir = mkdtempSync(join(tmpdir(), `ssm-ssh-audit-lambda-bench-${scale}-`));
    try {
      generateAccount(dir, { scale, seed: Number(values.seed) });
      writeFileSync(join(dir, ROLE_CHANGE_EVENT), JSON.stringify(roleChangeEvent(dir)));
      for (const [path, fn] of Object.entries(PATHS)) {
        const r = measure(path, dir);
        if (r.error || r.maxRssMb > memory[fn]) failed = true;
        rows.push([
          String(scale),
          path,
          r.error ? 'failed' : `${Math.round(r.ms).toLocaleString('en-US')} ms`,
          r.error ? '' : `${Math.round(r.maxRssMb)} MB`,
          `${memory[fn]} MB`,
          r.error ?? r.detail,
        ]);
      }
    } finally {
      if (values.keep) process.stderr.write(`kept ${dir}\n`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
  const header = ['scale', 'function', 'time', 'peak RSS', 'memory', 'result'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log(
    `\nmemory: the function's memorySize in serverless.yml; time is the work alone, start-up excluded.`,
  );
  if (values.check && failed) {
    console.error(`bench:lambda --check: a function failed or peaked above its memorySize`);
    process.exit(1);
  }
}

main();
