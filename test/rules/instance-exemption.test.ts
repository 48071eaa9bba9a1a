import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { remediation } from '../../src/report/remediation';
import { audit } from '../../src/rules/audit';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import { EXAMPLE_ACCOUNT } from '../report/audited';

/**
 * What exempting an instance does (examples/policy.yaml and the README say the same): the instance is
 * COMPLIANT, it gets no exposure finding, and access to it makes no principal NON_COMPLIANT. It is
 * about exposure only: an outdated SSM Agent is hygiene, and stays a finding on an exempt instance.
 */
const OUTDATED = 'i-0c3d4e5f607182930'; // reporting-01: SSH-capable, SSM Agent 2.3.1000.0 < 3.0.0.0

describe('an exempt instance', () => {
  it('is COMPLIANT with no exposure finding, and keeps its ssm-agent-outdated finding', async () => {
    // Given the example account with reporting-01 exempt by id
    const snapshot = await loadSnapshotDirectory(EXAMPLE_ACCOUNT);
    const report = audit(snapshot, {
      ...DEFAULT_COMPLIANCE_POLICY,
      exemptInstances: { ids: [OUTDATED], tags: {} },
    });

    // When its verdict and findings are read
    const instance = report.instances.find((i) => i.instanceId === OUTDATED);
    const rules = report.findings.filter((f) => f.resourceId === OUTDATED).map((f) => f.rule);

    // Then it is exempt and COMPLIANT, with no exposure finding, but its old agent is still reported
    expect(instance).toMatchObject({ exempt: true, compliance: 'COMPLIANT', exposedTo: 0 });
    expect(rules).toEqual(['ssm-agent-outdated']);
  });

  it('leaves, with every instance exempt, no access to change though the outdated agents are reported', async () => {
    // Given the example account with every instance exempt
    const snapshot = await loadSnapshotDirectory(EXAMPLE_ACCOUNT);
    const report = audit(snapshot, {
      ...DEFAULT_COMPLIANCE_POLICY,
      exemptInstances: { ids: snapshot.instances.map((i) => i.InstanceId), tags: {} },
    });

    // When the remediation is written
    const fix = remediation(report);

    // Then nothing is NON_COMPLIANT, the advice claims no more than that, and the agents are findings
    expect(report.summary.nonCompliantPrincipals + report.summary.nonCompliantInstances).toBe(0);
    expect(fix.advice).toBe('Nothing is NON_COMPLIANT: no access to change.');
    expect(report.findings.map((f) => f.rule)).toEqual(['ssm-agent-outdated', 'ssm-agent-outdated']);
  });

  it('is described in examples/policy.yaml as what it is, not as suppressing every finding', () => {
    const policy = readFileSync(join(EXAMPLE_ACCOUNT, '..', 'policy.yaml'), 'utf8');
    expect(policy).not.toMatch(/findings are suppressed/);
    expect(policy).toMatch(/ssm-agent-outdated is hygiene, not exposure, and is still reported/);
  });
});
