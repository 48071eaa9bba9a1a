#!/usr/bin/env node
/**
 * `npm run bench:eval`: how many evaluator decisions per second, on realistic policies.
 *
 * Realistic means the 1,523 real AWS managed policies from ../shared/data, attached in random groups
 * of four (as principals in real accounts have them), asked the questions the audit asks:
 * ssm:StartSession on the SSH document, on a port-forwarding document and on an instance.
 * Runs on the compiled code in dist/ (npm run build).
 */
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { resolve } = require('node:path');
const { gunzipSync } = require('node:zlib');
const iam = require('../dist/iam');

const corpusPath = resolve(__dirname, '..', '..', 'shared', 'data', 'aws-managed-policies.json.gz');
if (!existsSync(corpusPath)) {
  console.error(`bench:eval: the corpus ${corpusPath} is missing; it needs ../shared beside the project.`);
  process.exit(2);
}

// A small seeded generator (mulberry32) so every run measures the same work.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const { Policies } = JSON.parse(gunzipSync(readFileSync(corpusPath)).toString('utf8'));
let t = process.hrtime.bigint();
const compiled = Policies.map((p) => {
  const version = iam.defaultVersionDocument(p.PolicyVersionList, p.PolicyName);
  return {
    origin: { policyName: p.PolicyName, policyArn: p.Arn, attachment: 'managed', attachedTo: 'role/Bench' },
    compiled: iam.compilePolicyDocument(version.document, p.PolicyName),
  };
});
const compileMs = Number(process.hrtime.bigint() - t) / 1e6;

const random = rng(42);
const principals = Array.from({ length: 2000 }, () => ({
  identity: Array.from({ length: 4 }, () => compiled[Math.floor(random() * compiled.length)]),
}));
const context = iam.requestContext();
const requests = [
  'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession',
  'arn:aws:ssm:us-east-1::document/AWS-StartPortForwardingSession',
  'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0',
].map((resource) => ({ action: 'ssm:StartSession', resource, context }));

function run(rounds) {
  let n = 0;
  const counts = {};
  for (let r = 0; r < rounds; r++) {
    for (const set of principals) {
      for (const request of requests) {
        const d = iam.evaluate(set, request).decision;
        counts[d] = (counts[d] || 0) + 1;
        n++;
      }
    }
  }
  return { n, counts };
}

run(1); // warm up the JIT
t = process.hrtime.bigint();
const { n, counts } = run(5);
const seconds = Number(process.hrtime.bigint() - t) / 1e9;

const rows = [
  ['policies compiled', Policies.length],
  ['compile time (ms)', compileMs.toFixed(0)],
  ['evaluations', n],
  ['evaluations per second', Math.round(n / seconds).toLocaleString('en-US')],
  ['µs per evaluation', ((seconds * 1e6) / n).toFixed(2)],
  ['decisions', JSON.stringify(counts)],
];
console.log('| measure | value |\n|---|---|');
for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
