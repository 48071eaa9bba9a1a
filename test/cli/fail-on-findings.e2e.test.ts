import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE, ROOT, runCli } from './run-cli';

/**
 * `--fail-on-findings`: what it does (the built CLI, run as a user runs it) and what every place that
 * documents it says. The option is named after findings, so it fails on any finding, not only on a
 * NON_COMPLIANT principal or instance: a CI job that uses it must not pass with findings in the report.
 */

/**
 * What README.md, the --help text and the doc comment of src/cli.ts all say, word for word: "exit 1
 * when ..." in an option list, "1 with --fail-on-findings when ..." in a list of exit codes.
 */
const MEANING =
  /(exit 1|1 with --fail-on-findings) when anything is NON_COMPLIANT or any finding is reported/;

const run = runCli;

let work: string;
let noGuardrail: string;
const policies: Record<string, string> = {};
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-fail-on-findings-'));
  // Every principal exempt: nothing NON_COMPLIANT, but the example's two old agents are still findings.
  policies.allExempt = join(work, 'all-exempt.yaml');
  writeFileSync(policies.allExempt, "exemptPrincipals: ['*']\n");
  // ... and no agent is too old either: no finding at all, as long as the guardrail is attached.
  policies.allExemptAnyAgent = join(work, 'all-exempt-any-agent.yaml');
  writeFileSync(policies.allExemptAnyAgent, "exemptPrincipals: ['*']\nminimumAgentVersion: '0.0.0.0'\n");
  // The example account without its explicit Deny of AWS-StartSSHSession: an account-level finding.
  noGuardrail = join(work, 'no-guardrail');
  cpSync(EXAMPLE, noGuardrail, { recursive: true });
  const iam = JSON.parse(readFileSync(join(noGuardrail, 'iam.json'), 'utf8'));
  for (const group of iam.GroupDetailList) {
    group.AttachedManagedPolicies = group.AttachedManagedPolicies.filter(
      (p: { PolicyName: string }) => p.PolicyName !== 'DenySSHOverSessionManager',
    );
  }
  writeFileSync(join(noGuardrail, 'iam.json'), JSON.stringify(iam));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('--fail-on-findings', () => {
  const cases: [string, () => string[], { nonCompliant: number; findings: string[] }, number][] = [
    [
      'exits 1 when principals and instances are NON_COMPLIANT',
      () => ['--input', EXAMPLE],
      { nonCompliant: 14, findings: expect.arrayContaining(['ssh-over-session-manager']) },
      1,
    ],
    [
      'exits 1 on low-severity ssm-agent-outdated findings alone, every principal exempt and every instance COMPLIANT',
      () => ['--input', EXAMPLE, '--policy', policies.allExempt!],
      { nonCompliant: 0, findings: ['ssm-agent-outdated', 'ssm-agent-outdated'] },
      1,
    ],
    [
      'exits 1 on the account-level no-ssh-guardrail finding alone, everything else COMPLIANT',
      () => ['--input', noGuardrail, '--policy', policies.allExemptAnyAgent!],
      { nonCompliant: 0, findings: ['no-ssh-guardrail'] },
      1,
    ],
    [
      'exits 0 when nothing is NON_COMPLIANT and no finding is reported',
      () => ['--input', EXAMPLE, '--policy', policies.allExemptAnyAgent!],
      { nonCompliant: 0, findings: [] },
      0,
    ],
  ];

  it.each(cases)('%s', (_name, args, report, code) => {
    // Given the report the audit makes of that account
    const json = run([...args(), '--format', 'json']);
    expect(json.code).toBe(0);
    const { summary, findings } = JSON.parse(json.stdout);
    expect({
      nonCompliant: summary.nonCompliantPrincipals + summary.nonCompliantInstances,
      findings: findings.map((f: { rule: string }) => f.rule),
    }).toEqual(report);
    // When the same audit runs with --fail-on-findings, Then it exits as the option says
    expect(run([...args(), '--fail-on-findings']).code).toBe(code);
    // And without the option a completed audit always exits 0
    expect(run(args()).code).toBe(0);
  });
});

describe('the documentation of --fail-on-findings', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const source = readFileSync(join(ROOT, 'src', 'cli.ts'), 'utf8');
  /** Markdown and comments wrap, pad and quote text: compare words, not layout or code spans. */
  const words = (text: string) =>
    text
      .replace(/(^|\n)\s*\*/g, ' ')
      .replace(/`/g, '')
      .replace(/\s+/g, ' ');

  const places: [string, () => string][] = [
    [
      'the --help text',
      () =>
        run(['--help'])
          .stdout.split('\n')
          .find((l) => l.includes('--fail-on-findings'))!,
    ],
    [
      'the options table of README.md',
      () => readme.split('\n').find((l) => l.startsWith('| `--fail-on-findings`'))!,
    ],
    [
      'the exit-code paragraph of README.md',
      () => words(readme.slice(readme.indexOf('Exit codes:')).split('\n\n')[0]!),
    ],
    ['the doc comment of src/cli.ts', () => words(source.slice(source.indexOf('/**'), source.indexOf('*/')))],
  ];

  it.each(places)(
    '%s says the option exits 1 "when anything is NON_COMPLIANT or any finding is reported"',
    (_place, text) => {
      expect(words(text())).toMatch(MEANING);
    },
  );
});
