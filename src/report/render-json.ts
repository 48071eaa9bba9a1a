import type { AuditReport } from './types';

/** The machine-readable report, schemaVersion 1 (DESIGN.md). */
export function renderJson(report: AuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
