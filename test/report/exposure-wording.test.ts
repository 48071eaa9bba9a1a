import { resolve } from 'node:path';
import { renderHtml, renderMarkdown, renderText } from '../../src/report';
import type { AuditReport } from '../../src/report/types';
import { auditDirectory } from './audited';

/**
 * With iam.json cut short, an SSH-capable instance is NON_COMPLIANT though no listed principal reaches
 * it: the principals not listed may. Every place that explains the verdict says so, instead of
 * "reachable by 0 principal(s)", which contradicts it.
 */
let report: AuditReport;
beforeAll(async () => {
  report = await auditDirectory(resolve(__dirname, '../fixtures/snapshots/truncated-iam'));
});

describe('an instance NON_COMPLIANT only for the principals a cut-short iam.json did not list', () => {
  const unlisted = () =>
    report.instances.filter((i) => i.compliance === 'NON_COMPLIANT' && i.exposedTo === 0);

  it('exists in the fixture', () => {
    expect(unlisted().length).toBeGreaterThan(0);
  });

  it('has a finding that names the unlisted principals', () => {
    for (const i of unlisted()) {
      const finding = report.findings.find(
        (f) => f.rule === 'instance-exposed-to-unaudited-sessions' && f.resourceId === i.instanceId,
      );
      expect(finding?.message).toMatch(/principals missing from the incomplete IAM listing/);
      expect(finding?.message).not.toMatch(/by 0 /);
    }
  });

  it('is explained the same way in the text report', () => {
    const text = renderText(report);
    for (const i of unlisted()) {
      const line = text.split('\n').find((l) => l.includes(i.instanceId) && l.includes('agent'));
      expect(line).toMatch(/principals missing from the incomplete IAM listing may reach it/);
    }
  });

  it('is explained the same way in the markdown and HTML reports', () => {
    const markdown = renderMarkdown(report).split('\n');
    const html = renderHtml(report).split('\n');
    for (const i of unlisted()) {
      for (const lines of [markdown, html]) {
        const row = lines.find((l) => l.includes(i.instanceId) && /principal/.test(l));
        expect(row).toMatch(/principals missing from the incomplete IAM listing/);
        expect(row).not.toMatch(/\b0 principal/);
      }
    }
  });
});
