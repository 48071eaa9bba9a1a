import { resolve } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { createOnDemandHandler } from '../../src/handlers/on-demand';
import { runOnDemand } from '../../src/lambda/on-demand';
import { renderJson } from '../../src/report';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';
import type { AuditReport } from '../../src/report/types';
import { EXAMPLE_ACCOUNT, lambdaContext, silentLogger } from './support';

const TRUNCATED_IAM = resolve(__dirname, '..', 'fixtures', 'snapshots', 'truncated-iam');

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
      // An empty list would narrow the report to nothing, which reads like a clean account
      [
        'an empty principalArns list',
        { principalArns: [] },
        /^event\.principalArns: must name at least one principal ARN; leave principalArns out to list every principal$/,
      ],
      [
        'an empty instanceIds list',
        { instanceIds: [] },
        /^event\.instanceIds: must name at least one instance id; leave instanceIds out to list every instance$/,
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

describe('narrowing to a principal or instance the account does not have', () => {
  it.each<[string, unknown, string]>([
    [
      'names a principal ARN that differs only in case, and the ARN it may have meant',
      { principalArns: ['arn:aws:iam::111122223333:role/opsadmin'] },
      'event.principalArns: 1 principal ARN(s) not in account 111122223333: "arn:aws:iam::111122223333:role/opsadmin"' +
        ' (ARNs are case-sensitive: did you mean "arn:aws:iam::111122223333:role/OpsAdmin"?)',
    ],
    [
      'names an unknown instance id, and not the known one beside it',
      { instanceIds: ['i-0e5f60718293a4b52', 'i-ffffffffffffffff0'] },
      'event.instanceIds: 1 instance id(s) not in the managed instances of account 111122223333 (eu-west-1): "i-ffffffffffffffff0"',
    ],
    [
      'names the unknown principal and the unknown instance when both are asked for',
      {
        principalArns: [OPS_ADMIN, 'arn:aws:iam::111122223333:user/mallory'],
        instanceIds: ['mi-0ffffffffffffffff'],
      },
      'event.principalArns: 1 principal ARN(s) not in account 111122223333: "arn:aws:iam::111122223333:user/mallory"; ' +
        'event.instanceIds: 1 instance id(s) not in the managed instances of account 111122223333 (eu-west-1): "mi-0ffffffffffffffff"',
    ],
    [
      'names an unknown ARN with its control and bidi characters escaped, on one line',
      { principalArns: ['arn:aws:iam::111122223333:role/x\n\u009b2J\u202etxt.exe'] },
      'event.principalArns: 1 principal ARN(s) not in account 111122223333: "arn:aws:iam::111122223333:role/x\\n\\u009b2J\\u202etxt.exe"',
    ],
  ])('is an InvalidEventError that %s', async (_case, event, message) => {
    // When
    const rejection = invoke(event);

    // Then: the invocation fails instead of returning empty lists under "complete": true
    await expect(rejection).rejects.toMatchObject({ name: 'InvalidEventError', message });
  });

  it('names the first three of many unknown ARNs on one short line, counts the rest, and lists them all in the cause', async () => {
    // Given 500 generated role ARNs of the longest length IAM allows (2048 characters), none in the account
    const arns = Array.from(
      { length: 500 },
      (_, i) => `arn:aws:iam::111122223333:role/${'x'.repeat(2048 - 35)}${String(i).padStart(4, '0')}`,
    );

    // When
    const error = await invoke({ principalArns: arns }).then(
      () => undefined,
      (e: unknown) => e as Error & { cause: { unknownPrincipalArns: string[] } },
    );

    // Then
    expect(error).toMatchObject({ name: 'InvalidEventError' });
    expect(error?.message).toMatch(
      /^event\.principalArns: 500 principal ARN\(s\) not in account 111122223333: /,
    );
    expect(error?.message).toMatch(/0000", "[^"]*0001", "[^"]*0002" and 497 more$/);
    expect(error?.message).not.toContain('\n');
    expect(error?.message.length).toBeLessThan(600);
    expect(error?.cause.unknownPrincipalArns).toEqual(arns);
  });

  it('says the principal may exist unseen when the IAM listing was cut short', async () => {
    // Given the truncated-iam fixture: IsTruncated with a Marker, so some principals were never read
    const loadAccount = () => loadSnapshotDirectory(TRUNCATED_IAM);

    // When
    const rejection = runOnDemand(
      { principalArns: ['arn:aws:iam::111122223333:role/NotOnTheFirstPage'] },
      { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY },
    );

    // Then
    await expect(rejection).rejects.toThrow(
      /not in account \d+ \(the iam listing is incomplete: it may exist unseen\)/,
    );
  });
});

describe('a narrowed text or markdown report', () => {
  // The headline and summary count the whole account (9 of 16 principals NON_COMPLIANT): under them,
  // "none" about a list that the narrowing emptied would be false.
  it.each<[string, Record<string, unknown>, string[], string[]]>([
    [
      'text narrowed to a principal says the instances were not requested',
      { format: 'text', principalArns: [OPS_ADMIN] },
      [
        'Narrowed to 1 requested principal(s): the lists show only those and the findings about them; the counts are account-wide.',
        'Non-compliant principals among the 1 requested (1)',
        'Exposed instances\n  not requested: this report is narrowed to the requested principals\n',
      ],
      ['Exposed instances (0)', '  none'],
    ],
    [
      'text narrowed to a compliant instance says none of the requested instances is exposed',
      { format: 'text', instanceIds: ['mi-0a1b2c3d4e5f67890'] },
      [
        'Non-compliant principals\n  not requested: this report is narrowed to the requested instances\n',
        'Exposed instances among the 1 requested (0)\n  none of the 1 requested instances\n',
      ],
      ['Non-compliant principals (0)', '  none\n'],
    ],
    [
      'markdown narrowed to an instance says the principals were not requested',
      { format: 'markdown', instanceIds: ['i-0e5f60718293a4b52'] },
      [
        '> Narrowed to 1 requested instance(s): the lists show only those and the findings about them; the counts are account-wide.',
        '## Non-compliant principals\n\nNot requested: this report is narrowed to the requested instances.\n',
        '## Exposed instances among the 1 requested (1)',
      ],
      ['Non-compliant principals (0)', 'None.'],
    ],
    [
      'text narrowed to one principal named twice counts one requested principal',
      { format: 'text', principalArns: [OPS_ADMIN, OPS_ADMIN] },
      [
        'Narrowed to 1 requested principal(s): the lists show only those and the findings about them; the counts are account-wide.',
        'Non-compliant principals among the 1 requested (1)',
      ],
      ['2 requested', 'among the 2 requested'],
    ],
    [
      'markdown narrowed to a compliant principal says none of the requested principals is non-compliant',
      { format: 'markdown', principalArns: ['arn:aws:iam::111122223333:user/carol.jones'] },
      [
        '## Non-compliant principals among the 1 requested (0)\n\nNone of the 1 requested principals.\n',
        '## Exposed instances\n\nNot requested: this report is narrowed to the requested principals.\n',
      ],
      ['(0)\n\nNone.', 'Exposed instances (0)'],
    ],
  ])('%s', async (_case, event, present, absent) => {
    // When
    const rendered = String(await invoke(event));

    // Then: the account-wide headline stays, and no filtered-away list is called empty
    expect(rendered).toContain('9 of 16 principals and 5 of 7 instances NON_COMPLIANT');
    for (const text of present) expect(rendered).toContain(text);
    for (const text of absent) expect(rendered).not.toContain(text);
  });

  it('reads exactly as before when nothing was narrowed', async () => {
    // When
    const text = String(await invoke({ format: 'text' }));

    // Then
    expect(text).toContain('Non-compliant principals (9)');
    expect(text).toContain('Exposed instances (5)');
    expect(text).not.toContain('Narrowed');
  });
});

describe('a report larger than a synchronous Lambda response may be', () => {
  // Lambda returns at most 6 MB synchronously; a smaller limit exercises the same path on the example account.
  const loadAccount = () => loadSnapshotDirectory(EXAMPLE_ACCOUNT);
  /** The text report of the example account, with a response limit or without one. */
  const textReport = async (responseLimit?: number) =>
    (await runOnDemand(
      { format: 'text' },
      {
        loadAccount,
        policy: DEFAULT_COMPLIANCE_POLICY,
        ...(responseLimit === undefined ? {} : { responseLimit }),
      },
    )) as string;

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

  it('comes back whole when its compact JSON, which Lambda sends, fits, though indented it would not', async () => {
    // Given a limit between the report's compact size and its size as the CLI writes it
    const full = (await runOnDemand({}, { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY })) as AuditReport;
    const compact = Buffer.byteLength(JSON.stringify(full));
    expect(Buffer.byteLength(renderJson(full))).toBeGreaterThan(compact);
    // When the console asks for the report
    const result = await runOnDemand(
      {},
      { loadAccount, policy: DEFAULT_COMPLIANCE_POLICY, responseLimit: compact },
    );
    // Then it is the whole report, not a summary
    expect(result).toEqual({ ...full, generatedAt: expect.any(String) });
    expect(result).not.toHaveProperty('omitted');
  });

  it('comes back as a text summary within the limit when text was asked for', async () => {
    const limit = 2_000;
    const text = await textReport(limit);
    expect(Buffer.byteLength(JSON.stringify(text))).toBeLessThanOrEqual(limit);
    expect(text).toMatch(/^Summary: /);
  });
  it('is summarized when the text fits as it is but not as the JSON string Lambda sends, whose line breaks are escaped', async () => {
    // Given: a limit of exactly the whole text report's UTF-8 bytes; as a JSON string each line break
    // becomes two bytes and the quotes add two more
    const whole = await textReport();
    const limit = Buffer.byteLength(whole);

    // When
    const text = await textReport(limit);

    // Then: what Lambda sends is within the limit, so it is a summary
    expect(Buffer.byteLength(JSON.stringify(text))).toBeLessThanOrEqual(limit);
    expect(text).toMatch(/^Summary: /);
  });
});
