import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import type { AuditReport } from '../../src/report/types';
import { audit } from '../../src/rules/audit';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';

/**
 * Missing or unreadable SSM Agent versions (`aws ssm describe-instance-information` output in
 * test/fixtures/snapshots/agent-versions-unreadable). The audit cannot tell whether such an agent
 * supports SSH, so it fails closed: the instance stays SSH-capable, the outdated-agent rule flags it
 * without calling it older than the minimum, and the report names the instances in one gap.
 */
const FIXTURE = join(__dirname, '..', 'fixtures', 'snapshots', 'agent-versions-unreadable');

// [instance id, as reported, PingStatus, the sshCapability text, the ssm-agent-outdated message]
const UNREADABLE = [
  [
    'i-03f1c8a2b7d94e651',
    'an empty version',
    'Online',
    'SSM Agent version "" is unreadable (assumed capable)',
    'i-03f1c8a2b7d94e651 reports SSM Agent version "", which is not a version number, so it cannot be compared with the minimum 3.0.0.0.',
  ],
  [
    'i-0a95e27c4b1d38f06',
    'a version with a suffix',
    'Online',
    'SSM Agent version "2.3.672.0-beta" is unreadable (assumed capable)',
    'i-0a95e27c4b1d38f06 reports SSM Agent version "2.3.672.0-beta", which is not a version number, so it cannot be compared with the minimum 3.0.0.0.',
  ],
  [
    'i-07d2b6e1f84a9c357',
    'no version',
    'Online',
    'SSM Agent version is not reported (assumed capable)',
    'i-07d2b6e1f84a9c357 reports no SSM Agent version; the minimum is 3.0.0.0.',
  ],
  [
    'i-0e48a1d7c3b62f985',
    'no version',
    'ConnectionLost',
    'SSM Agent version is not reported (assumed capable)',
    'i-0e48a1d7c3b62f985 reports no SSM Agent version; the minimum is 3.0.0.0.',
  ],
] as const;

const READABLE = 'i-0c6f3b9e2a71d48d0';

describe('instances whose SSM Agent version is missing or unreadable', () => {
  let report: AuditReport;

  beforeAll(async () => {
    // Given four instances with an empty, a suffixed or no AgentVersion, and one with 3.3.1957.0
    const snapshot = await loadSnapshotDirectory(FIXTURE);
    // When the audit runs with the default minimum agent version (3.0.0.0)
    report = audit(snapshot, DEFAULT_COMPLIANCE_POLICY, new Date('2026-03-16T08:00:00Z'));
  });

  it.each(UNREADABLE)(
    'keeps %s (%s, %s) SSH-capable, saying its version cannot be read and it is assumed capable',
    (id, _reported, pingStatus, capability) => {
      const instance = report.instances.find((i) => i.instanceId === id);
      // Then it is treated as able to use SSH (fail closed), and the report says why
      expect(instance).toMatchObject({ sshCapable: true, sshCapability: capability, pingStatus });
    },
  );

  it.each(UNREADABLE)(
    'flags %s (%s, %s) as outdated, quoting what it reports, without calling it older than the minimum',
    (id, _reported, _pingStatus, _capability, message) => {
      const findings = report.findings.filter((f) => f.rule === 'ssm-agent-outdated' && f.resourceId === id);
      // Then exactly one finding names it, and it never claims "older than" for a version it cannot read
      expect(findings.map((f) => f.message)).toEqual([message]);
      expect(message).not.toMatch(/older than/);
    },
  );

  it('reports the instances in one "instances" gap that counts them and names the first three', () => {
    // Then there is one gap from the instances source, in inventory order
    const gaps = report.gaps.filter((g) => g.source === 'instances');
    expect(gaps).toEqual([
      {
        source: 'instances',
        message:
          '4 instance(s) report no readable SSM Agent version (i-03f1c8a2b7d94e651, i-0a95e27c4b1d38f06, i-07d2b6e1f84a9c357, ...); their agents are assumed recent enough for SSH (fail closed)',
      },
    ]);
    // And the report is incomplete
    expect(report.complete).toBe(false);
  });

  it('leaves a readable version out of the gap and the outdated-agent rule', () => {
    expect(report.gaps.some((g) => g.message.includes(READABLE))).toBe(false);
    expect(report.findings.some((f) => f.rule === 'ssm-agent-outdated' && f.resourceId === READABLE)).toBe(
      false,
    );
    expect(report.instances.find((i) => i.instanceId === READABLE)?.sshCapability).toBe(
      'SSM Agent 3.3.1957.0 supports SSH',
    );
  });
});
