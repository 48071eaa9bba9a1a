import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AuditReport } from '../../src/report/types';
import { auditDirectory } from './audited';

/**
 * Reports that carry hostile text where input reaches them, for the renderer tests
 * (test/report/render-*.test.ts, sns-message.test.ts).
 */

/**
 * Markup, a tracking image and a table break for markdown; for a terminal an OSC window title ended by
 * BEL, a screen clear, a CR that rewrites the line, a C1 CSI (U+009B) and bidi overrides that reorder it.
 */
export const HOSTILE =
  '<script>alert(1)</script>|![x](https://tracker.example/p.png)\n' +
  '\u001b]0;pwned\u0007\u001b[2J\r\u009b31m\u202eevil\u2066';

/** The terminal part of HOSTILE as renderText must show it: every control and bidi character visible. */
export const VISIBLE = '\\u001b]0;pwned\\u0007\\u001b[2J\\u000d\\u009b31m\\u202eevil\\u2066';

/** Control and bidi characters other than the line feed. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The hybrid-advanced-tier fixture: mi-0a1b2c3d4e5f60718 is an exposed hybrid node, OnPremSSH an inline policy. */
const HYBRID = resolve(__dirname, '..', 'fixtures', 'snapshots', 'hybrid-advanced-tier');
export const HYBRID_NODE = 'mi-0a1b2c3d4e5f60718';

type Json = Record<string, unknown>;
export type Edit = (files: { instances: Json; iam: Json }) => void;

/** The hybrid node's own record in instances.json (DescribeInstanceInformation). */
export const hybridNode = (files: { instances: Json }): Json =>
  (files.instances.InstanceInformationList as Json[]).find((i) => i.InstanceId === HYBRID_NODE) as Json;

/** The audit of a copy of the hybrid-advanced-tier snapshot after `edit`. */
export async function auditEdited(edit: Edit): Promise<AuditReport> {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  try {
    cpSync(HYBRID, dir, { recursive: true });
    const read = (name: string): Json => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Json;
    const files = { instances: read('instances.json'), iam: read('iam.json') };
    edit(files);
    writeFileSync(join(dir, 'instances.json'), JSON.stringify(files.instances));
    writeFileSync(join(dir, 'iam.json'), JSON.stringify(files.iam));
    return await auditDirectory(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where input reaches a rendered report, each as an edit of the snapshot a hybrid node or an IAM
 * listing could produce, or of the report where the snapshot cannot carry it (IAM validates ARNs).
 */
export const HOSTILE_INPUTS: readonly [string, () => Promise<AuditReport>][] = [
  [
    'PlatformName, as the hybrid node reports it',
    () => auditEdited((f) => void (hybridNode(f).PlatformName = HOSTILE)),
  ],
  [
    'PlatformType, shown when the node reports no PlatformName',
    () =>
      auditEdited((f) => {
        delete hybridNode(f).PlatformName;
        hybridNode(f).PlatformType = HOSTILE;
      }),
  ],
  [
    'AgentVersion, as the hybrid node reports it',
    () => auditEdited((f) => void (hybridNode(f).AgentVersion = `3.3.1345.0${HOSTILE}`)),
  ],
  [
    'a policy name, in the statement to change',
    () =>
      auditEdited((f) => {
        const role = (f.iam.RoleDetailList as Json[]).find((r) => r.RoleName === 'OnPremSSHRole') as Json;
        for (const policy of role.RolePolicyList as Json[]) policy.PolicyName = `OnPremSSH${HOSTILE}`;
      }),
  ],
  [
    'a principal ARN',
    async () => {
      const report = await auditEdited(() => undefined);
      return {
        ...report,
        principals: report.principals.map((p) =>
          p.arn.endsWith('/OnPremSSHRole') ? { ...p, arn: `${p.arn}${HOSTILE}` } : p,
        ),
      };
    },
  ],
  [
    'a gap message (AWS error text may echo input)',
    async () => {
      const report = await auditEdited(() => undefined);
      return { ...report, complete: false, gaps: [{ source: 'tags', message: `AccessDenied: ${HOSTILE}` }] };
    },
  ],
];
