import { resolve } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import type { AuditReport } from '../../src/report/types';
import { audit } from '../../src/rules/audit';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';

/** The bundled example account, which most renderer tests render. */
export const EXAMPLE_ACCOUNT = resolve(__dirname, '..', '..', 'examples', 'account');

/** The audit of a snapshot directory under the default compliance policy. */
export async function auditDirectory(dir: string): Promise<AuditReport> {
  return audit(await loadSnapshotDirectory(dir), DEFAULT_COMPLIANCE_POLICY);
}
