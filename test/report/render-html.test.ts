import { escapeHtml, renderHtml } from '../../src/report/render-html';
import type { AuditReport } from '../../src/report/types';
import { CONTROLS, HOSTILE_INPUTS, VISIBLE } from './hostile';
import { auditDirectory, EXAMPLE_ACCOUNT } from './audited';

let example: AuditReport;
beforeAll(async () => {
  example = await auditDirectory(EXAMPLE_ACCOUNT);
});

describe('the HTML report', () => {
  it('is one self-contained page with the sections of the text report', () => {
    const html = renderHtml(example);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|<link|src=/i);
    const sections = [
      'Non-compliant principals (9)',
      'Exposed instances (5)',
      'Unaudited sessions',
      'Findings (',
    ];
    const at = sections.map((s) => html.indexOf(s));
    expect(at.every((n) => n > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(html).toContain('arn:aws:iam::111122223333:role/OpsAdmin');
  });

  it('escapes every value that comes from the account', () => {
    // Given a principal whose name carries markup (IAM allows few characters, but reports must not trust them)
    const hostile = '<img src=x onerror=alert(1)>&"\'';
    const report: AuditReport = {
      ...example,
      principals: example.principals.map((p, n) =>
        n === 0 ? { ...p, arn: hostile, compliance: 'NON_COMPLIANT' } : p,
      ),
    };
    // When rendered
    const html = renderHtml(report);
    // Then the markup appears only escaped
    expect(html).not.toContain(hostile);
    expect(html).toContain(escapeHtml(hostile));
    expect(escapeHtml(hostile)).toBe('&#60;img src=x onerror=alert(1)&#62;&#38;&#34;&#39;');
  });

  describe('shows control and bidi characters from input as visible escapes, as the text and markdown reports do', () => {
    it.each(HOSTILE_INPUTS)('%s', async (_where, hostileReport) => {
      // Given a report where that input carries bidi overrides (U+202E reverses the rest of a table cell
      // in a browser), C0 and C1 controls and markup
      const report = await hostileReport();
      // When rendered as HTML
      const html = renderHtml(report);
      // Then they are written as visible escapes, and the markup stays escaped
      expect(html).toContain(escapeHtml(VISIBLE));
      expect(html).not.toMatch(CONTROLS);
      expect(html).not.toContain('<script>');
    });
  });
});
