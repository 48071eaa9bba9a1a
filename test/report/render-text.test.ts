import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { renderText } from '../../src/report/render-text';
import { audit } from '../../src/rules/audit';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import { CONTROLS, HOSTILE_INPUTS, VISIBLE } from './hostile';

describe('the text report', () => {
  describe('shows control and bidi characters from input as visible escapes, never raw to the terminal', () => {
    it.each(HOSTILE_INPUTS)('%s', async (_where, hostileReport) => {
      // Given a report where that input carries an OSC title, BEL, a screen clear, CR, C1 CSI and bidi overrides
      const report = await hostileReport();

      // When rendered for a terminal, with and without colour
      const plain = renderText(report);
      const coloured = renderText(report, { color: true });

      // Then the sequences are shown, not obeyed: the only control characters are line feeds and our colours
      expect(plain).toContain(VISIBLE);
      expect(plain).not.toMatch(CONTROLS);
      // eslint-disable-next-line no-control-regex -- removes the SGR colour sequences the renderer writes
      expect(coloured.replace(/\u001b\[\d+m/g, '')).not.toMatch(CONTROLS);
    });
  });

  it('writes a line break from input as \\u000a, so input cannot forge a line of the report', async () => {
    // Given a gap message with a line that imitates the report
    const [, withGap] = HOSTILE_INPUTS.find(([where]) => where.startsWith('a gap message'))!;
    const report = await withGap();

    // When
    const text = renderText(report);

    // Then the whole message stays on the line of its gap
    expect(text).toMatch(/^ {2}- tags: AccessDenied: <script>.*\\u000a\\u001b/m);
  });

  it('lists the findings about the account as a whole, which no principal or instance line shows', async () => {
    // Given an account with no guardrail, where every principal is exempt and nothing is NON_COMPLIANT
    const snapshot = await loadSnapshotDirectory(
      join(__dirname, '..', 'fixtures', 'snapshots', 'corrupt-policy'),
    );
    const report = audit(snapshot, { ...DEFAULT_COMPLIANCE_POLICY, exemptPrincipals: ['*'] });
    const guardrail = report.findings.filter((f) => f.rule === 'no-ssh-guardrail');
    expect(guardrail).toHaveLength(1);

    // When rendered as text
    const text = renderText(report);

    // Then the finding that makes --fail-on-findings exit 1 is there, with its severity, and counted
    expect(text).toContain(`  Findings:    ${report.findings.length}\n`);
    expect(text).toMatch(/^Account findings \(\d+\)$/m);
    expect(text).toContain(`  - ${guardrail[0]?.severity} no-ssh-guardrail: ${guardrail[0]?.message}`);
  });

  it('names the session-logging finding without repeating the "Unaudited sessions" paragraph', async () => {
    const snapshot = await loadSnapshotDirectory(join(__dirname, '..', '..', 'examples', 'account'));
    const report = audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
    expect(report.findings.map((f) => f.rule)).toContain('session-logging-blind-spot');
    const text = renderText(report);
    expect(text).toContain('  - high session-logging-blind-spot: see "Unaudited sessions" above\n');
    expect(text.split(report.sessionLogging.statement).length - 1).toBe(1);
  });

  it('names the instances that are not SSH-capable, with why, though they are COMPLIANT', async () => {
    // Given: the example account, where i-0b2c3d4e5f6071829 runs SSM Agent 2.3.612.0 (before 2.3.672.0)
    // and mi-0a1b2c3d4e5f67890 is a hybrid node in the standard tier
    const report = audit(
      await loadSnapshotDirectory(join(__dirname, '..', '..', 'examples', 'account')),
      DEFAULT_COMPLIANCE_POLICY,
    );

    // When
    const text = renderText(report);

    // Then
    const line = text.split('\n').find((l) => l.startsWith('  Not SSH-capable: '));
    expect(line).toContain('i-0b2c3d4e5f6071829 (SSM Agent 2.3.612.0 is older than 2.3.672.0)');
    expect(line).toContain('mi-0a1b2c3d4e5f67890 (hybrid node in the standard instances tier');
  });
});
