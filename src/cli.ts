import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  CompliancePolicyError,
  DEFAULT_COMPLIANCE_POLICY,
  parseCompliancePolicy,
  type CompliancePolicy,
} from './config/compliance-policy';
import { renderJson, renderMarkdown, renderText, type AuditReport } from './report';
import { audit } from './rules/audit';
import { SnapshotInputError } from './snapshot/errors';
import { loadSnapshotDirectory } from './snapshot/load-directory';

/**
 * The `ssm-ssh-audit` command. Exit codes: 0 after a completed audit, 1 with --fail-on-findings when
 * anything is NON_COMPLIANT, 2 for bad input or usage. The report goes to stdout or --output; logs go
 * to stderr only.
 */
const USAGE = `Usage: ssm-ssh-audit --input DIR [options]

Audits who can open SSH and port-forwarding sessions through AWS Systems Manager Session Manager.
Session Manager cannot log those sessions: they are unaudited.

Options:
  --input DIR            snapshot directory of AWS CLI outputs (iam.json, instances.json, account.json, ...)
  --policy FILE          compliance policy, JSON or YAML (default: nobody may use SSH or port forwarding)
  --format FORMAT        text (default), json or markdown
  --output FILE          write the report to FILE instead of stdout
  --fail-on-findings     exit 1 when anything is NON_COMPLIANT
  --color / --no-color   force colour in the text report (default: only on a terminal)
  --debug                print stack traces for errors
  --help, --version
`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const FORMATS = ['text', 'json', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

interface Options {
  input: string;
  policy: string | undefined;
  format: Format;
  output: string | undefined;
  failOnFindings: boolean;
  color: boolean | undefined;
  debug: boolean;
}

function parseOptions(argv: readonly string[]): Options | 'help' | 'version' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        input: { type: 'string', short: 'i' },
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
  if (v.help) return 'help';
  if (v.version) return 'version';
  if (!v.input) throw new UsageError('--input DIR is required (a snapshot directory of AWS CLI outputs)');
  if (!FORMATS.includes(v.format as Format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got "${v.format}")`);
  return {
    input: v.input,
    policy: v.policy,
    format: v.format as Format,
    output: v.output,
    failOnFindings: v['fail-on-findings'] === true,
    color: v['no-color'] ? false : v.color,
    debug: v.debug === true,
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

function render(report: AuditReport, format: Format, color: boolean): string {
  if (format === 'json') return renderJson(report);
  if (format === 'markdown') return renderMarkdown(report);
  return renderText(report, { color });
}

const EXPECTED_ERRORS = ['UsageError', 'SnapshotInputError', 'CompliancePolicyError'];

export async function main(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const options = parseOptions(argv);
    if (options === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (options === 'version') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      process.stdout.write(`${(require('../package.json') as { version: string }).version}\n`);
      return 0;
    }
    const policy = await loadPolicy(options.policy);
    const snapshot = await loadSnapshotDirectory(options.input);
    const report = audit(snapshot, policy);
    const toFile = options.output !== undefined;
    const color = options.color ?? (!toFile && process.stdout.isTTY === true && !process.env.NO_COLOR);
    const text = render(report, options.format, color);
    if (toFile) {
      try {
        await writeFile(options.output as string, text);
      } catch (cause) {
        throw new UsageError(
          `--output ${options.output}: cannot be written (${(cause as NodeJS.ErrnoException).code ?? cause})`,
          { cause },
        );
      }
      process.stderr.write(`ssm-ssh-audit: report written to ${options.output}\n`);
    } else {
      process.stdout.write(text);
    }
    if (!report.complete)
      process.stderr.write(`ssm-ssh-audit: the report is incomplete (${report.gaps.length} gap(s))\n`);
    const nonCompliant = report.summary.nonCompliantPrincipals + report.summary.nonCompliantInstances > 0;
    return options.failOnFindings && nonCompliant ? 1 : 0;
  } catch (error) {
    const e = error as Error;
    if (debug) process.stderr.write(`${e.stack ?? e}\n`);
    if (EXPECTED_ERRORS.includes(e.name)) {
      process.stderr.write(`ssm-ssh-audit: ${e.message}\n`);
      if (e.name === 'UsageError') process.stderr.write('Run ssm-ssh-audit --help for usage.\n');
      return 2;
    }
    process.stderr.write(
      `ssm-ssh-audit: internal error: ${e.message}${debug ? '' : ' (run with --debug for details)'}\n`,
    );
    return 3;
  }
}

export { SnapshotInputError };
