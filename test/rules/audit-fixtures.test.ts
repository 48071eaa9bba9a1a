import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_COMPLIANCE_POLICY,
  parseCompliancePolicy,
  type CompliancePolicy,
} from '../../src/config/compliance-policy';
import type { AuditReport } from '../../src/report/types';
import { audit } from '../../src/rules/audit';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';

/**
 * Table-driven audit tests: every directory under test/fixtures/snapshots/ is a snapshot of AWS CLI
 * outputs, with an optional `policy.yaml` (the compliance policy) and an `expected.json` that says
 * what the audit must conclude. The expectations come from AWS semantics and the report contract in
 * DESIGN.md, not from the code's output.
 *
 * expected.json:
 * - `description`: what the case shows, used in the test name;
 * - `complete`, `gapSources` (the distinct gap sources, sorted), `gapsMention` (strings that some gap
 *   must name);
 * - `principals` / `instances`: every principal ARN and instance id of the snapshot, with the fields
 *   to check (the sets must be equal);
 * - optionally `guardrailExists`, `guardrailPrincipalsCovered`, `sessionLoggingState` and
 *   `findingRules` (rule id -> number of findings, 0 meaning none);
 * - optionally `summary`: some of the report's summary counts.
 */

type Access = 'allowed' | 'conditional' | 'denied' | 'unknown';
type Compliance = 'COMPLIANT' | 'NON_COMPLIANT';

interface ExpectedPrincipal {
  readonly sshOverSessionManager: Access;
  readonly sshReachableInstances: '*' | readonly string[];
  readonly portForwarding: Access;
  readonly compliance: Compliance;
  readonly exempt?: boolean;
}

interface ExpectedInstance {
  readonly sshCapable: boolean;
  readonly compliance: Compliance;
  readonly exempt?: boolean;
}

interface Expected {
  readonly description: string;
  readonly complete: boolean;
  readonly gapSources: readonly string[];
  readonly gapsMention?: readonly string[];
  readonly principals: Readonly<Record<string, ExpectedPrincipal>>;
  readonly instances: Readonly<Record<string, ExpectedInstance>>;
  readonly guardrailExists?: boolean;
  readonly guardrailPrincipalsCovered?: number;
  readonly sessionLoggingState?: string;
  readonly findingRules?: Readonly<Record<string, number>>;
  readonly summary?: Readonly<Partial<Record<keyof AuditReport['summary'], number>>>;
}

const ROOT = join(__dirname, '..', 'fixtures', 'snapshots');
const NOW = new Date('2026-03-16T08:00:00Z');

const cases = readdirSync(ROOT)
  .filter((name) => statSync(join(ROOT, name)).isDirectory())
  .sort()
  .map((name) => ({
    name,
    dir: join(ROOT, name),
    expected: JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8')) as Expected,
  }));

function policyOf(dir: string): CompliancePolicy {
  const file = join(dir, 'policy.yaml');
  return existsSync(file)
    ? parseCompliancePolicy(readFileSync(file, 'utf8'), file)
    : DEFAULT_COMPLIANCE_POLICY;
}

/** An array of instance ids is a set: its order is not part of the contract. */
function reach(value: '*' | readonly string[]): '*' | string[] {
  return value === '*' ? '*' : [...value].sort();
}

/** The report, seen through the fields an expectation names. */
function principalView(report: AuditReport, expected: Expected): Record<string, ExpectedPrincipal> {
  const view: Record<string, ExpectedPrincipal> = {};
  for (const p of report.principals) {
    const wanted = expected.principals[p.arn];
    view[p.arn] = {
      sshOverSessionManager: p.sshOverSessionManager,
      sshReachableInstances: reach(p.sshReachableInstances),
      portForwarding: p.portForwarding,
      compliance: p.compliance,
      ...(wanted?.exempt !== undefined ? { exempt: p.exempt } : {}),
    };
  }
  return view;
}

function instanceView(report: AuditReport, expected: Expected): Record<string, ExpectedInstance> {
  const view: Record<string, ExpectedInstance> = {};
  for (const i of report.instances) {
    const wanted = expected.instances[i.instanceId];
    view[i.instanceId] = {
      sshCapable: i.sshCapable,
      compliance: i.compliance,
      ...(wanted?.exempt !== undefined ? { exempt: i.exempt } : {}),
    };
  }
  return view;
}

function normalizedPrincipals(expected: Expected): Record<string, ExpectedPrincipal> {
  return Object.fromEntries(
    Object.entries(expected.principals).map(([arn, p]) => [
      arn,
      { ...p, sshReachableInstances: reach(p.sshReachableInstances) },
    ]),
  );
}

describe('audit over fixture snapshots (test/fixtures/snapshots)', () => {
  it('finds fixture snapshots to audit', () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  describe.each(cases.map((c) => [`audits ${c.name}: ${c.expected.description}`, c] as const))(
    '%s',
    (_title, c) => {
      let report: AuditReport;

      beforeAll(async () => {
        // Given the snapshot directory and its compliance policy (the default one when policy.yaml is absent)
        const snapshot = await loadSnapshotDirectory(c.dir);
        const policy = policyOf(c.dir);
        // When the audit runs
        report = audit(snapshot, policy, NOW);
      });

      it(`is ${c.expected.complete ? 'complete' : 'incomplete'}, with gaps from exactly: ${c.expected.gapSources.join(', ') || 'none'}`, () => {
        // Then the report says whether data was missing, and which sources were
        expect(report.complete).toBe(c.expected.complete);
        expect([...new Set(report.gaps.map((g) => g.source))].sort()).toEqual(
          [...c.expected.gapSources].sort(),
        );
        for (const name of c.expected.gapsMention ?? []) {
          expect(report.gaps.some((g) => g.source.includes(name) || g.message.includes(name))).toBe(true);
        }
      });

      it('reports every principal of the snapshot once, with its SSH and port-forwarding access and compliance', () => {
        // Then the principals are exactly those of iam.json
        const arns = report.principals.map((p) => p.arn);
        expect(new Set(arns).size).toBe(arns.length);
        expect([...arns].sort()).toEqual(Object.keys(c.expected.principals).sort());
        // And each has the expected access and compliance
        expect(principalView(report, c.expected)).toEqual(normalizedPrincipals(c.expected));
      });

      it('reports every instance of the snapshot once, with its SSH capability and compliance', () => {
        // Then the instances are exactly those of instances.json
        const ids = report.instances.map((i) => i.instanceId);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual(Object.keys(c.expected.instances).sort());
        // And each has the expected capability and compliance
        expect(instanceView(report, c.expected)).toEqual(c.expected.instances);
      });

      const accountLevel =
        c.expected.guardrailExists !== undefined ||
        c.expected.guardrailPrincipalsCovered !== undefined ||
        c.expected.sessionLoggingState !== undefined ||
        c.expected.findingRules !== undefined;
      if (accountLevel) {
        it('reports the expected guardrail, session logging state and findings per rule', () => {
          // Then the account-level facts are the expected ones
          if (c.expected.guardrailExists !== undefined)
            expect(report.guardrail.exists).toBe(c.expected.guardrailExists);
          if (c.expected.guardrailPrincipalsCovered !== undefined) {
            expect(report.guardrail.principalsCovered).toBe(c.expected.guardrailPrincipalsCovered);
          }
          if (c.expected.sessionLoggingState !== undefined)
            expect(report.sessionLogging.state).toBe(c.expected.sessionLoggingState);
          if (c.expected.findingRules !== undefined) {
            const counts = Object.fromEntries(
              Object.keys(c.expected.findingRules).map((rule) => [
                rule,
                report.findings.filter((f) => f.rule === rule).length,
              ]),
            );
            expect(counts).toEqual(c.expected.findingRules);
          }
        });
      }

      const summary = c.expected.summary;
      if (summary) {
        it(`sums up the report as expected (${Object.keys(summary).join(', ')})`, () => {
          // Then the summary counts are the expected ones
          const counts = Object.fromEntries(
            Object.keys(summary).map((key) => [key, report.summary[key as keyof AuditReport['summary']]]),
          );
          expect(counts).toEqual(summary);
        });
      }
    },
  );
});
