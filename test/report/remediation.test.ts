import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY, type CompliancePolicy } from '../../src/config/compliance-policy';
import { remediation, UNLISTED_DOCUMENT_NAME } from '../../src/report/remediation';
import { renderHtml } from '../../src/report/render-html';
import { renderMarkdown } from '../../src/report/render-markdown';
import { renderText } from '../../src/report/render-text';
import type { AuditReport } from '../../src/report/types';
import { audit } from '../../src/rules/audit';
import { UNLISTED_DOCUMENT } from '../../src/rules/session-documents';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import { auditOneRole } from '../rules/one-role-account';
import { EXAMPLE_ACCOUNT } from './audited';

/**
 * The Remediation section: every Port document is unaudited, so the advice covers the documents the
 * listed principals use, not AWS-StartSSHSession alone; it names an existing SSH guardrail only with
 * what it does not cover, and with nothing NON_COMPLIANT it asks for no change.
 */
const document = (name: string) => `arn:aws:ssm:*:*:document/${name}`;
const PORT_FORWARDING = 'arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession';

async function example(policy: Partial<CompliancePolicy> = {}, without?: string): Promise<AuditReport> {
  const dir = mkdtempSync(join(tmpdir(), 'remediation-'));
  try {
    cpSync(EXAMPLE_ACCOUNT, dir, { recursive: true });
    if (without) rmSync(join(dir, without));
    return audit(await loadSnapshotDirectory(dir), { ...DEFAULT_COMPLIANCE_POLICY, ...policy });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The Resource of the Deny the advice offers, as a list. */
function deniedResources(report: AuditReport): string[] {
  const statements = remediation(report).policy?.Statement as { Resource: string | string[] }[] | undefined;
  const statement = statements?.[0];
  return statement ? [statement.Resource].flat() : [];
}

describe('the remediation advice', () => {
  it.each<[string, () => Promise<AuditReport>, { denies: string[]; says: RegExp[]; never: RegExp[] }]>([
    [
      'the example account, where grace.kim and DatabaseTunnelRole only forward ports',
      () => example(),
      {
        denies: [
          'AWS-StartSSHSession',
          'AWS-StartPortForwardingSession',
          'AWS-StartPortForwardingSessionToRemoteHost',
          'AWS-StartPortForwardingSessionToSocket',
          'Acme-StartTunnel',
        ].map(document),
        says: [/checked against AWS-StartSSHSession only/],
        never: [/Extend the existing Deny guardrail to the principals listed above/],
      },
    ],
    [
      'a role allowed port forwarding alone, and no guardrail',
      async () =>
        auditOneRole([
          {
            Effect: 'Allow',
            Action: 'ssm:StartSession',
            Resource: ['arn:aws:ec2:*:*:instance/*', PORT_FORWARDING],
          },
        ]),
      { denies: [PORT_FORWARDING], says: [], never: [/AWS-StartSSHSession/, /guardrail/] },
    ],
    [
      'the example account with every principal exempt',
      () => example({ exemptPrincipals: ['*'] }),
      { denies: [], says: [/^Nothing is NON_COMPLIANT: no access to change\.$/], never: [/guardrail/i] },
    ],
    [
      'the example account without session-documents.json',
      () => example({}, 'session-documents.json'),
      {
        denies: [
          'AWS-StartSSHSession',
          'AWS-StartPortForwardingSession',
          'AWS-StartPortForwardingSessionToRemoteHost',
          'AWS-StartPortForwardingSessionToSocket',
        ].map(document),
        says: [/customer Port documents the snapshot does not list/],
        never: [/\(unlisted customer document\)/],
      },
    ],
  ])('for %s', async (_what, make, { denies, says, never }) => {
    // Given the audit
    const report = await make();

    // When the advice is written, and rendered in each format
    const fix = remediation(report);
    const words = [fix.advice, ...fix.notes];
    const rendered = [renderText(report), renderMarkdown(report), renderHtml(report)];
    const section = /\nRemediation\n([\s\S]*?)\n\n/.exec(rendered[0] as string)?.[1] ?? '';

    // Then the Deny covers the Port documents the NON_COMPLIANT principals use
    expect(deniedResources(report)).toEqual(denies);
    for (const pattern of says) expect(words.some((w) => pattern.test(w))).toBe(true);
    for (const pattern of never) for (const w of [...words, section]) expect(w).not.toMatch(pattern);
    for (const r of rendered) for (const arn of denies) expect(r).toContain(arn);
  });

  it('offers the SSH guardrail when nothing is NON_COMPLIANT and there is none', () => {
    // Given a role allowed everything, exempt, and no Deny anywhere
    const report = auditOneRole([{ Effect: 'Allow', Action: '*', Resource: '*' }], {
      ...DEFAULT_COMPLIANCE_POLICY,
      exemptPrincipals: ['*'],
    });
    expect(report.guardrail.exists).toBe(false);

    // When the advice is written
    const fix = remediation(report);

    // Then it says nothing needs changing, and offers the guardrail the no-ssh-guardrail finding asks for
    expect(fix.advice).toMatch(/^Nothing is NON_COMPLIANT\. No explicit Deny guards AWS-StartSSHSession/);
    expect(fix.policy).toEqual(report.guardrail.remediation);
  });

  it('knows the name the audit gives the documents a snapshot does not list', () => {
    expect(UNLISTED_DOCUMENT_NAME).toBe(UNLISTED_DOCUMENT);
  });
});
