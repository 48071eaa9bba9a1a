import type { AuditReport, Finding } from '../../src/report/types';
import { sshGuardrailRule } from '../../src/rules/ssh-guardrail';
import { ANNOTATION_SUFFIX } from '../../src/sinks/annotation';
import { ACCOUNT_RESOURCE_TYPE, evaluationsFromReport } from '../../src/sinks/config-evaluations';
import { auditDirectory, EXAMPLE_ACCOUNT } from '../report/audited';

/**
 * The evaluation of the account itself (`AWS::::Account`) that the Config rule posts beside those of
 * principals and instances. It is NON_COMPLIANT when an account-level finding stands, and also when the
 * report is incomplete: an account whose data could not all be read is never COMPLIANT (fail closed).
 * Its annotation says how much is exposed and whether an SSH guardrail is in place.
 */
let example: AuditReport;
beforeAll(async () => {
  example = await auditDirectory(EXAMPLE_ACCOUNT);
});

/**
 * The example account's report, complete or not, with or without a guardrail, and with no account-level
 * finding but the one the audit always makes when no guardrail exists (ssh-guardrail.ts): a report the
 * audit could give.
 */
function exampleReport(complete: boolean, guardrail: boolean): AuditReport {
  const noGuardrail: Finding = {
    rule: sshGuardrailRule.id,
    severity: sshGuardrailRule.severity,
    resourceType: ACCOUNT_RESOURCE_TYPE,
    resourceId: example.account.id,
    message: 'No attached policy explicitly denies ssm:StartSession on the AWS-StartSSHSession document.',
    remediation: sshGuardrailRule.remediation,
  };
  return {
    ...example,
    complete,
    gaps: complete ? [] : [GAP],
    guardrail: { ...example.guardrail, exists: guardrail },
    findings: [
      ...example.findings.filter((f) => f.resourceType !== ACCOUNT_RESOURCE_TYPE),
      ...(guardrail ? [] : [noGuardrail]),
    ],
  };
}

const GAP = {
  source: 'activation-tier',
  message: 'AccessDeniedException: not authorized to perform ssm:GetServiceSetting',
};

describe('the AWS::::Account evaluation', () => {
  it.each<[string, boolean, boolean, 'COMPLIANT' | 'NON_COMPLIANT', string]>([
    [
      'is COMPLIANT for a complete report with no account-level finding, and names the guardrail in place',
      true,
      true,
      'COMPLIANT',
      '; SSH guardrail present',
    ],
    [
      'is NON_COMPLIANT for an incomplete report even with no account-level finding, and counts its gaps',
      false,
      true,
      'NON_COMPLIANT',
      '; SSH guardrail present, 1 gap(s)',
    ],
    [
      'is NON_COMPLIANT when no explicit SSH guardrail is in place, and says so',
      true,
      false,
      'NON_COMPLIANT',
      '; no explicit SSH guardrail',
    ],
  ])('%s', (_case, complete, guardrail, compliance, ending) => {
    // Given the example account's report, complete or not and with a guardrail or not, as the case has it
    const report = exampleReport(complete, guardrail);
    // When the Config rule's evaluations are made from it
    const account = evaluationsFromReport(report, new Date('2026-03-16T08:00:00Z')).filter(
      (e) => e.ComplianceResourceType === ACCOUNT_RESOURCE_TYPE,
    );
    // Then the account is evaluated once, with the expected verdict and annotation
    expect(account).toHaveLength(1);
    expect(account[0]?.ComplianceResourceId).toBe(report.account.id);
    expect(account[0]?.ComplianceType).toBe(compliance);
    const { nonCompliantPrincipals, nonCompliantInstances } = report.summary;
    expect(account[0]?.Annotation).toBe(
      `${nonCompliantPrincipals} principal(s), ${nonCompliantInstances} instance(s) exposed${ending}${ANNOTATION_SUFFIX}`,
    );
  });
});
