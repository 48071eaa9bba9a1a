import { renderJson } from '../../src/report/render-json';
import type { AuditReport } from '../../src/report/types';
import { auditDirectory, EXAMPLE_ACCOUNT } from './audited';

/**
 * The JSON report (`--format json`), schemaVersion 1: other tools read its fields by name
 * (DESIGN.md, "Output: the JSON report"), so whatever its layout it must parse back to the report.
 */

let example: AuditReport;
beforeAll(async () => {
  example = await auditDirectory(EXAMPLE_ACCOUNT);
});

/** Twenty EC2 instance ids, as DescribeInstanceInformation lists them. */
const TWENTY_INSTANCES = Array.from(
  { length: 20 },
  (_, n) => `i-0${(0xa1b2c3d4e5f6000 + n).toString(16).padStart(16, '0')}`,
);

describe('the JSON report', () => {
  it.each<[string, number]>([
    ['a reach list of 15 instances, written in place', 15],
    ['a reach list of 16 instances, written once and shared', 16],
    ['a reach list of 20 instances, written once and shared', 20],
  ])('parses back to exactly the report when non-compliant principals share %s', (_case, length) => {
    // Given: the example account's audit where every non-compliant principal reaches the same
    // instances, one list they share, as the audit builds each distinct list once
    const shared = TWENTY_INSTANCES.slice(0, length);
    const report: AuditReport = {
      ...example,
      principals: example.principals.map((p) =>
        p.compliance === 'NON_COMPLIANT' ? { ...p, sshReachableInstances: shared } : p,
      ),
    };

    // When
    const json = renderJson(report);

    // Then: it is the report's JSON, every field by name, every principal's list whole
    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(report)));
    const parsed = JSON.parse(json) as AuditReport;
    const nonCompliant = parsed.principals.filter((p) => p.compliance === 'NON_COMPLIANT');
    expect(nonCompliant.length).toBeGreaterThan(1);
    for (const p of nonCompliant) expect(p.sshReachableInstances).toEqual(shared);
  });

  it('writes each principal, instance, finding and gap compact on a line of its own that parses alone', () => {
    // Given
    const report: AuditReport = {
      ...example,
      complete: false,
      gaps: [
        {
          source: 'activation-tier',
          message: 'AccessDeniedException: not authorized to perform ssm:GetServiceSetting',
        },
      ],
    };

    // When
    const lines = renderJson(report).split('\n');

    // Then: each item of the four lists is one line, `    {...}` with an optional comma
    const items = lines
      .filter((l) => l.startsWith('    {'))
      .map((l) => JSON.parse(l.trim().replace(/,$/, '')) as unknown);
    const all = JSON.parse(
      JSON.stringify([...report.gaps, ...report.principals, ...report.instances, ...report.findings]),
    ) as unknown[];
    expect(items).toHaveLength(all.length);
    expect(items).toEqual(expect.arrayContaining(all));
  });
});
