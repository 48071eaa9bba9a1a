import { exposureText } from './exposure';
import { escapeControls, mapStrings } from './escape';
import { accessSummary, headline, statementToFix } from './headline';
import { policyLines, remediation } from './remediation';
import { scopeNote, section, type ReportScope } from './scope';
import { countText, gapCounts } from './summary';
import type { AuditReport } from './types';

/** Report fields the text report shows only by their size. */
const NOT_PRINTED: ReadonlySet<string> = new Set(['sshReachableInstances']);

export interface TextOptions {
  /** ANSI colour; only for a terminal. */
  readonly color?: boolean;
  /** What the report was narrowed to, when it was (see ReportScope). */
  readonly scope?: ReportScope | undefined;
}

/**
 * The report a person reads in a terminal: headline counts first, then the principals to fix with the
 * statement to change, the exposed instances, the unaudited-sessions statement and the remediation.
 */
export function renderText(input: AuditReport, options: TextOptions = {}): string {
  // Every string of the report, escaped once here: names, ARNs, messages and the fields a managed node
  // reports about itself may carry terminal control sequences. The only control characters left in the
  // output are the line breaks and colours written below.
  // Only what is printed is escaped, and so walked: a large account has tens of thousands of compliant
  // principals, instances and findings this report only counts, and a million ids in its reach lists.
  const printed: AuditReport = {
    ...input,
    principals: input.principals.filter((p) => p.compliance === 'NON_COMPLIANT'),
    instances: input.instances.filter((i) => i.compliance === 'NON_COMPLIANT' || !i.sshCapable),
    findings: input.findings.filter(
      (f) => f.resourceType === 'AWS::::Account' || f.rule === 'ssm-agent-outdated',
    ),
  };
  const report = mapStrings(printed, escapeControls, NOT_PRINTED);
  const paint = (code: string) => (text: string) =>
    options.color ? `\u001b[${code}m${text}\u001b[0m` : text;
  const bold = paint('1');
  const red = paint('31');
  const yellow = paint('33');
  const green = paint('32');
  const out: string[] = [];
  const s = report.summary;
  const gaps = gapCounts(report);

  out.push(bold(`ssm-ssh-audit: account ${report.account.id} (${report.account.region})`));
  out.push(headline(report));
  const note = scopeNote(options.scope);
  if (note) out.push(note);
  if (!report.complete)
    out.push(
      yellow(
        `INCOMPLETE: ${gaps.total} gap(s); nothing that depends on them is reported COMPLIANT (see Gaps).`,
      ),
    );
  out.push('');
  out.push(
    `  Principals:  ${s.principals} audited, ${s.principalsWithUnauditedAccess} with SSH or port-forwarding access, ${s.nonCompliantPrincipals} NON_COMPLIANT`,
  );
  out.push(
    `  Instances:   ${s.instances} managed, ${s.sshCapableInstances} SSH-capable, ${s.nonCompliantInstances} NON_COMPLIANT`,
  );
  out.push(`  Findings:    ${s.findings}`);
  out.push(
    `  Guardrail:   ${report.guardrail.exists ? green(`explicit Deny of AWS-StartSSHSession present (${report.guardrail.principalsCovered} principal(s) covered)`) : red(report.guardrail.statements.length ? 'only conditional Denies of AWS-StartSSHSession' : 'no explicit Deny of AWS-StartSSHSession')}`,
  );
  out.push('');

  // `printed` keeps only the NON_COMPLIANT principals.
  const bad = report.principals;
  const principals = section('Non-compliant principals', 'principals', bad.length, options.scope);
  out.push(bold(principals.heading));
  if (!bad.length) out.push(principals.listed ? green(`  ${principals.empty}`) : `  ${principals.empty}`);
  for (const p of bad) {
    out.push(`  ${red('✗')} ${p.arn}`);
    out.push(`      ${accessSummary(p)}`);
    const fix = statementToFix(p);
    if (fix) out.push(`      change: ${fix}`);
  }
  out.push('');

  const exposed = report.instances.filter((i) => i.compliance === 'NON_COMPLIANT');
  const instances = section('Exposed instances', 'instances', exposed.length, options.scope);
  out.push(bold(instances.heading));
  if (!exposed.length) out.push(instances.listed ? green(`  ${instances.empty}`) : `  ${instances.empty}`);
  for (const i of exposed) {
    out.push(
      `  ${red('✗')} ${i.instanceId}  agent ${i.agentVersion ?? 'unknown'}, ${i.platformName ?? i.platformType ?? 'unknown platform'}, ${i.pingStatus ?? 'unknown ping'}: ${exposureText(i)}`,
    );
  }
  const notCapable = report.instances.filter((i) => !i.sshCapable);
  if (notCapable.length) {
    out.push(
      `  Not SSH-capable: ${notCapable.map((i) => `${i.instanceId} (${i.sshCapability})`).join('; ')}`,
    );
  }
  out.push('');

  out.push(bold('Unaudited sessions'));
  out.push(`  ${report.sessionLogging.statement}`);
  out.push(
    `  ${s.nonCompliantPrincipals} principal(s) and ${s.nonCompliantInstances} instance(s) are exposed to unaudited sessions contrary to policy.`,
  );
  out.push('');

  out.push(bold('Remediation'));
  // From the report before escaping: the policy's JSON is escaped line by line.
  const fix = remediation(printed);
  out.push(`  ${fix.advice}`);
  if (fix.policy) for (const line of policyLines(fix.policy)) out.push(`    ${line}`);
  for (const note of fix.notes) out.push(`  ${note}`);
  out.push('');

  // Findings about the account as a whole are in no list above, yet they count for --fail-on-findings.
  const account = report.findings.filter((f) => f.resourceType === 'AWS::::Account');
  if (account.length) {
    out.push(bold(`Account findings (${account.length})`));
    for (const f of account) {
      // Its message is the "Unaudited sessions" paragraph above, word for word: named, not repeated.
      const message = f.rule === 'session-logging-blind-spot' ? 'see "Unaudited sessions" above' : f.message;
      out.push(`  - ${f.severity} ${f.rule}: ${message}`);
    }
    out.push('');
  }
  const other = report.findings.filter((f) => f.rule === 'ssm-agent-outdated');
  if (other.length) {
    out.push(bold(`Outdated SSM Agents (${other.length})`));
    for (const f of other) out.push(`  - ${f.message}`);
    out.push('');
  }
  if (gaps.total) {
    out.push(bold(yellow(`Gaps (${countText(gaps)})`)));
    for (const g of report.gaps) out.push(`  - ${g.source}: ${g.message}`);
    out.push('');
  }
  return `${out.join('\n')}\n`;
}
