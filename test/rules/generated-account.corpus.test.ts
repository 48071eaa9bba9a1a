import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import { bruteForce, reportAsBruteForce } from './brute-force';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generateAccount } = require('../../bench/generate-account') as {
  generateAccount: (dir: string, options: { scale: number; seed: number }) => unknown;
};

/**
 * Issue "Scale": the fast audit (instance classes, shared verdicts, caches) must give exactly what the
 * straightforward per-principal × per-instance × per-document evaluation gives, on the benchmark's own
 * generated account at a size where the straightforward way is affordable. The generator reads the
 * real AWS managed policies from ../shared, so this runs in the corpus suite.
 */
describe('the audit of a generated account', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ssm-ssh-audit-generated-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [0.05, 7],
    [0.02, 11],
  ])(
    'at scale %s (seed %s) equals the straightforward evaluation for every principal',
    async (scale, seed) => {
      // Given a generated account (scale 0.05: ~350 principals and ~1,000 instances)
      const accountDir = join(dir, `s${scale}-${seed}`);
      generateAccount(accountDir, { scale, seed });
      const snapshot = await loadSnapshotDirectory(accountDir);
      // When it is audited, and evaluated the straightforward way
      const report = audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
      const expected = bruteForce(snapshot);
      // Then every principal's answers agree, and the account has a variety of answers to agree on
      const actual = reportAsBruteForce(report);
      expect(actual.principals).toEqual(expected.principals);
      expect(actual.instances).toEqual(expected.instances);
      expect(expected.mayAlsoExpose).toBeUndefined();
      expect(actual.exposedTo).toEqual(expected.exposedTo);
      const kinds = new Set(report.principals.map((p) => p.sshOverSessionManager));
      expect(kinds.has('allowed') && kinds.has('denied')).toBe(true);
      expect(report.summary.instanceClasses).toBeGreaterThan(1);
    },
  );
});
