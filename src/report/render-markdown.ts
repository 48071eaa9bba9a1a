import { escapeControls } from './escape';
import { exposureCell } from './exposure';
import { accessSummary, headline, statementToFix } from './headline';
import { conditionalOnly, policyLines, remediation } from './remediation';
import { scopeNote, section, type ReportScope } from './scope';
import { countText, gapCounts } from './summary';
import type { AuditReport } from './types';

export interface MarkdownOptions {
  /** What the report was narrowed to, when it was (see ReportScope). */
  readonly scope?: ReportScope | undefined;
}

/** "none of the 2 requested principals" as a sentence. */
const sentence = (text: string): string => `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;

const ESCAPED: Readonly<Record<string, string>> = {
  // Markup: a renderer (GitHub, a ticket system) would otherwise run `<script>` or `<img onerror>`.
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  // Links and images: `![](https://tracker.example/pixel)` would load as the reader opens the ticket.
  '[': '\\[',
  ']': '\\]',
  // Backslashes: an input `\|` would otherwise become `\\|`, an escaped backslash and a pipe that ends
  // the cell.
  '\\': '\\\\',
  // Table structure: a pipe or a line break would end the cell or the row.
  '|': '\\|',
  '\r\n': ' ',
  '\r': ' ',
  '\n': ' ',
};

/**
 * Any value from input as markdown text, in a table cell or inline: markup, links, pipes and line
 * breaks escaped, and the remaining control characters made visible (see escapeControls). Every value
 * that is not a code span goes through here.
 */
function cell(text: string): string {
  return escapeControls(text.replace(/\r\n|[\r\n&<>[\]\\|]/g, (c) => ESCAPED[c] ?? c));
}

/**
 * A code span that survives any content: IAM paths may hold `|` and backticks. Its content is shown
 * literally (markup and links do nothing there), so only the table structure and controls are escaped.
 * The fence is longer than any run of backticks inside, which could otherwise close the span early and
 * let the rest be read as markup.
 */
function code(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  const inner = escapeControls(text.replace(/\r\n|[\r\n]/g, ' ')).replace(/\|/g, '\\|');
  return `${fence}${pad}${inner}${pad}${fence}`;
}

/** The report for a ticket or a pull request. */
export function renderMarkdown(report: AuditReport, options: MarkdownOptions = {}): string {
  const s = report.summary;
  const gaps = gapCounts(report);
  const out: string[] = [];
  out.push(
    `# SSH over Session Manager audit: account ${cell(report.account.id)} (${cell(report.account.region)})`,
    '',
  );
  out.push(`**${headline(report)}**`, '');
  const note = scopeNote(options.scope);
  if (note) out.push(`> ${note}`, '');
  if (!report.complete)
    out.push(
      `> **Incomplete:** ${gaps.total} gap(s). Nothing that depends on them is reported COMPLIANT.`,
      '',
    );
  out.push('| | count |', '|---|---|');
  out.push(
    `| principals audited | ${s.principals} |`,
    `| principals with SSH or port-forwarding access | ${s.principalsWithUnauditedAccess} |`,
  );
  out.push(`| non-compliant principals | ${s.nonCompliantPrincipals} |`, `| instances | ${s.instances} |`);
  out.push(
    `| SSH-capable instances | ${s.sshCapableInstances} |`,
    `| non-compliant instances | ${s.nonCompliantInstances} |`,
  );
  out.push(
    `| explicit SSH guardrail | ${report.guardrail.exists ? 'yes' : `**no**${conditionalOnly(report)}`} |`,
    '',
  );

  const bad = report.principals.filter((p) => p.compliance === 'NON_COMPLIANT');
  const principals = section('Non-compliant principals', 'principals', bad.length, options.scope);
  out.push(`## ${principals.heading}`, '');
  if (bad.length) {
    out.push('| principal | access | statement to change |', '|---|---|---|');
    for (const p of bad)
      out.push(`| ${code(p.arn)} | ${cell(accessSummary(p))} | ${cell(statementToFix(p) ?? '')} |`);
  } else out.push(sentence(principals.empty));
  out.push('');

  const exposed = report.instances.filter((i) => i.compliance === 'NON_COMPLIANT');
  const instances = section('Exposed instances', 'instances', exposed.length, options.scope);
  out.push(`## ${instances.heading}`, '');
  if (exposed.length) {
    out.push('| instance | agent | platform | ping | reachable by |', '|---|---|---|---|---|');
    for (const i of exposed) {
      out.push(
        `| ${code(i.instanceId)} | ${cell(i.agentVersion ?? 'unknown')} | ${cell(i.platformName ?? i.platformType ?? 'unknown')} | ${cell(i.pingStatus ?? 'unknown')} | ${cell(exposureCell(i))} |`,
      );
    }
  } else out.push(sentence(instances.empty));
  out.push('');

  out.push('## Unaudited sessions', '', cell(report.sessionLogging.statement), '');
  const fix = remediation(report);
  out.push('## Remediation', '', cell(fix.advice), '');
  if (fix.policy) out.push('```json', ...policyLines(fix.policy), '```', '');
  for (const note of fix.notes) out.push(cell(note), '');
  const findings = report.findings;
  if (findings.length) {
    out.push(
      `## Findings (${findings.length})`,
      '',
      '| rule | severity | resource | message |',
      '|---|---|---|---|',
    );
    for (const f of findings)
      out.push(`| ${cell(f.rule)} | ${cell(f.severity)} | ${code(f.resourceId)} | ${cell(f.message)} |`);
    out.push('');
  }
  if (gaps.total) {
    out.push(`## Gaps (${countText(gaps)})`, '');
    for (const g of report.gaps) out.push(`- **${cell(g.source)}**: ${cell(g.message)}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
