import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { createOnDemandHandler } from '../../src/handlers/on-demand';
import { runOnDemand } from '../../src/lambda/on-demand';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import type { AuditReport } from '../../src/report/types';
import { EXAMPLE_ACCOUNT, lambdaContext, silentLogger } from './support';

/**
 * The on-demand function, as the Lambda console's Test button runs it: through the middy +
 * Powertools handler, with the account read from AUDIT_SNAPSHOT_DIR. `{}` returns the full JSON
 * report; optional fields narrow it or ask for text/markdown; anything else is rejected by name.
 */

const OPS_ADMIN = 'arn:aws:iam::111122223333:role/OpsAdmin';
const ALICE = 'arn:aws:iam::111122223333:user/alice.nguyen';

function invoke(event: unknown, env: NodeJS.ProcessEnv = { AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT }) {
  const handler = createOnDemandHandler({
    env,
    logger: silentLogger(),
  });
  return handler(event as never, lambdaContext('ssm-ssh-audit-prod-onDemand'));
}

describe('the on-demand function (Lambda console Test button)', () => {
  it('returns the full JSON report (schemaVersion 1, 16 principals, 7 instances) for the event {}', async () => {
    // When
    const report = (await invoke({})) as AuditReport;

    // Then: a plain object (the console shows it), with the schemaVersion 1 contract
    expect(typeof report).toBe('object');
    expect(report).toMatchObject({
      schemaVersion: 1,
      account: { id: '111122223333', region: 'eu-west-1' },
      complete: true,
      gaps: [],
      summary: { principals: 16, instances: 7, nonCompliantPrincipals: 9, nonCompliantInstances: 5 },
    });
    expect(report.principals).toHaveLength(16);
    expect(report.instances).toHaveLength(7);
    expect(report.principals.find((p) => p.arn === OPS_ADMIN)).toMatchObject({
      id: 'AROA4BZPQXW7645FPZAQB',
      sshOverSessionManager: 'allowed',
      compliance: 'NON_COMPLIANT',
    });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('narrows the report to the given principalArns (and their findings), keeping account-wide counts', async () => {
    // When
    const report = (await invoke({ principalArns: [OPS_ADMIN, ALICE] })) as AuditReport;

    // Then
    expect(report.principals.map((p) => p.arn).sort()).toEqual([ALICE, OPS_ADMIN].sort());
    expect(report.instances).toEqual([]);
    const ids = new Set(report.principals.map((p) => p.id));
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.findings.every((f) => ids.has(f.resourceId))).toBe(true);
    expect(report.summary.principals).toBe(16);
  });

  it('narrows the report to the given instanceIds', async () => {
    // When
    const report = (await invoke({
      instanceIds: ['i-0e5f60718293a4b52', 'mi-0a1b2c3d4e5f67890'],
    })) as AuditReport;

    // Then
    expect(report.instances.map((i) => [i.instanceId, i.compliance])).toEqual([
      ['i-0e5f60718293a4b52', 'NON_COMPLIANT'],
      ['mi-0a1b2c3d4e5f67890', 'COMPLIANT'],
    ]);
    expect(report.principals).toEqual([]);
    expect(report.findings.every((f) => f.resourceId === 'i-0e5f60718293a4b52')).toBe(true);
  });

  it("returns the terminal text as a string for format 'text'", async () => {
    // When
    const text = await invoke({ format: 'text' });

    // Then
    expect(typeof text).toBe('string');
    expect(text).toMatch(/^ssm-ssh-audit: account 111122223333 \(eu-west-1\)/);
    expect(text).toContain('9 of 16 principals and 5 of 7 instances NON_COMPLIANT');
    expect(text).toContain(OPS_ADMIN);
    expect(String(text).includes('\u001b[')).toBe(false); // no ANSI colour in the console
  });

  it("returns markdown as a string for format 'markdown', narrowed when asked", async () => {
    // When
    const markdown = await invoke({ format: 'markdown', principalArns: [OPS_ADMIN] });

    // Then
    expect(typeof markdown).toBe('string');
    expect(markdown).toMatch(/^#/m);
    expect(markdown).toContain('OpsAdmin');
    expect(markdown).not.toContain('alice.nguyen');
  });

  it('applies COMPLIANCE_POLICY from the environment (BreakGlass* exempt → COMPLIANT)', async () => {
    // When
    const report = (await invoke(
      { principalArns: ['arn:aws:iam::111122223333:role/BreakGlassAdmin'] },
      {
        AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT,
        COMPLIANCE_POLICY: JSON.stringify({
          exemptPrincipals: ['arn:aws:iam::111122223333:role/BreakGlass*'],
        }),
      },
    )) as AuditReport;

    // Then
    expect(report.principals).toEqual([expect.objectContaining({ exempt: true, compliance: 'COMPLIANT' })]);
  });

  describe('rejects an invalid event with a validation error naming the field', () => {
    it.each<[string, unknown, RegExp]>([
      ['an unknown format', { format: 'xml' }, /event\.format: /],
      ['principalArns that is not a list', { principalArns: 'x' }, /event\.principalArns: /],
      ['a principal that is not an ARN', { principalArns: ['OpsAdmin'] }, /event\.principalArns\[0\]: /],
      [
        'an instance id of the wrong shape',
        { instanceIds: ['web-prod-01'] },
        /event\.instanceIds\[0\]: must be an instance id/,
      ],
      // The Lambda console's default test event ("hello-world" template)
      [
        'the console template {"key1":"value1",...}',
        { key1: 'value1', key2: 'value2', key3: 'value3' },
        /key1/,
      ],
    ])('%s', async (_case, event, field) => {
      // When / Then
      const rejection = invoke(event);
      await expect(rejection).rejects.toThrow(field);
      await expect(rejection).rejects.toMatchObject({ name: 'InvalidEventError' });
    });
  });
});

describe('a report larger than a synchronous Lambda response may be', () => {
  // Lambda returns at most 6 MB synchronously; a smaller limit exercises the same path on the example account.
  const loadAccount = () => loadSnapshotDirectory(EXAMPLE_ACCOUNT);

  it('comes back as a JSON summary within the limit that counts what it left out', async () => {
    // Given a response limit smaller than the full report
    const full = (await runOnDemand({}, { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY })) as AuditReport;
    const limit = Math.floor(Buffer.byteLength(JSON.stringify(full)) / 3);
    // When the console asks for the report
    const result = (await runOnDemand(
      {},
      { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY, responseLimit: limit },
    )) as AuditReport & {
      omitted: { nonCompliantPrincipals: number };
      note: string;
    };
    // Then it fits, says so, and lists + left out = every non-compliant principal
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(limit);
    expect(result.schemaVersion).toBe(1);
    expect(result.note).toMatch(/^Summary: .*principalArns or instanceIds/);
    expect(result.principals.length + result.omitted.nonCompliantPrincipals).toBe(
      full.summary.nonCompliantPrincipals,
    );
  });

  it('comes back as a text summary within the limit when text was asked for', async () => {
    const limit = 2_000;
    const text = (await runOnDemand(
      { format: 'text' },
      { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY, responseLimit: limit },
    )) as string;
    expect(Buffer.byteLength(JSON.stringify(text))).toBeLessThanOrEqual(limit);
    expect(text).toMatch(/^Summary: /);
  });
});
