import { escapeControls } from './escape';
import { exposureCell } from './exposure';
import { accessSummary, headline, statementToFix } from './headline';
import { conditionalOnly, policyLines, remediation } from './remediation';
import type { AuditReport } from './types';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;max-width:75rem;color:#1b1f24}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f6f8fa}code{font-size:.85rem}.bad{color:#b42318;font-weight:600}.warn{background:#fff8c5;padding:.5rem}
pre{background:#f6f8fa;padding:.75rem;overflow:auto}`;

/**
 * The report as one self-contained HTML page (no scripts, no external resources) for a browser or an
 * attachment: the same sections as the text report. Every value from the account is escaped.
 */
export function renderHtml(report: AuditReport): string {
  // Markup escaped, and the control and bidi characters made visible as in the text and markdown
  // reports: a browser obeys a right-to-left override in a name and shows the rest of its cell reversed.
  const e = (text: string): string => escapeHtml(escapeControls(text));
  const s = report.summary;
  const out: string[] = [];
  out.push(
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${e(`ssm-ssh-audit ${report.account.id} (${report.account.region})`)}</title>`,
    `<style>${STYLE}</style></head><body>`,
    `<h1>SSH over Session Manager audit: account ${e(report.account.id)} (${e(report.account.region)})</h1>`,
    `<p class="bad">${e(headline(report))}</p>`,
  );
  if (!report.complete) {
    out.push(
      `<p class="warn">Incomplete: ${report.gaps.length} gap(s). Nothing that depends on them is reported COMPLIANT.</p>`,
    );
  }
  const rows: [string, string | number][] = [
    ['principals audited', s.principals],
    ['principals with SSH or port-forwarding access', s.principalsWithUnauditedAccess],
    ['non-compliant principals', s.nonCompliantPrincipals],
    ['instances', s.instances],
    ['SSH-capable instances', s.sshCapableInstances],
    ['non-compliant instances', s.nonCompliantInstances],
    ['explicit SSH guardrail', report.guardrail.exists ? 'yes' : `no${conditionalOnly(report)}`],
  ];
  out.push(
    '<table><tbody>',
    ...rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(String(v))}</td></tr>`),
    '</tbody></table>',
  );

  const bad = report.principals.filter((p) => p.compliance === 'NON_COMPLIANT');
  out.push(`<h2>Non-compliant principals (${bad.length})</h2>`);
  if (bad.length) {
    out.push(
      '<table><thead><tr><th>principal</th><th>access</th><th>statement to change</th></tr></thead><tbody>',
    );
    for (const p of bad) {
      out.push(
        `<tr><td><code>${e(p.arn)}</code></td><td>${e(accessSummary(p))}</td><td>${e(statementToFix(p) ?? '')}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  } else out.push('<p>None.</p>');

  const exposed = report.instances.filter((i) => i.compliance === 'NON_COMPLIANT');
  out.push(`<h2>Exposed instances (${exposed.length})</h2>`);
  if (exposed.length) {
    out.push(
      '<table><thead><tr><th>instance</th><th>agent</th><th>platform</th><th>ping</th><th>reachable by</th></tr></thead><tbody>',
    );
    for (const i of exposed) {
      out.push(
        `<tr><td><code>${e(i.instanceId)}</code></td><td>${e(i.agentVersion ?? 'unknown')}</td>` +
          `<td>${e(i.platformName ?? i.platformType ?? 'unknown')}</td><td>${e(i.pingStatus ?? 'unknown')}</td>` +
          `<td>${e(exposureCell(i))}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  } else out.push('<p>None.</p>');

  out.push('<h2>Unaudited sessions</h2>', `<p>${e(report.sessionLogging.statement)}</p>`);
  const fix = remediation(report);
  out.push('<h2>Remediation</h2>', `<p>${e(fix.advice)}</p>`);
  // The statement's own line breaks and indentation are kept.
  if (fix.policy) out.push(`<pre>${escapeHtml(policyLines(fix.policy).join('\n'))}</pre>`);
  for (const note of fix.notes) out.push(`<p>${e(note)}</p>`);
  if (report.findings.length) {
    out.push(`<h2>Findings (${report.findings.length})</h2>`);
    out.push(
      '<table><thead><tr><th>rule</th><th>severity</th><th>resource</th><th>message</th></tr></thead><tbody>',
    );
    for (const f of report.findings) {
      out.push(
        `<tr><td>${e(f.rule)}</td><td>${e(f.severity)}</td><td><code>${e(f.resourceId)}</code></td><td>${e(f.message)}</td></tr>`,
      );
    }
    out.push('</tbody></table>');
  }
  if (report.gaps.length) {
    out.push(`<h2>Gaps (${report.gaps.length})</h2><ul>`);
    for (const g of report.gaps) out.push(`<li><strong>${e(g.source)}</strong>: ${e(g.message)}</li>`);
    out.push('</ul>');
  }
  out.push(
    `<p><small>Generated ${e(report.generatedAt)} by ssm-ssh-audit (report schemaVersion ${report.schemaVersion}).</small></p>`,
  );
  out.push('</body></html>');
  return `${out.join('\n')}\n`;
}
