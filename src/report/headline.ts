import type { AuditReport, PrincipalReport } from './types';

/** One line with the counts that matter, for a terminal, an email subject or a ticket title. */
export function headline(report: AuditReport): string {
  const s = report.summary;
  const incomplete = report.complete ? '' : ' (INCOMPLETE)';
  return `${s.nonCompliantPrincipals} of ${s.principals} principals and ${s.nonCompliantInstances} of ${s.instances} instances NON_COMPLIANT: unaudited SSH/port-forwarding via Session Manager${incomplete}`;
}

export function accessSummary(p: PrincipalReport): string {
  const reach =
    p.sshReachableInstances === '*'
      ? 'all SSH-capable instances'
      : `${p.sshReachableInstances.length} instance(s) definitely`;
  const ssh =
    p.sshOverSessionManager === 'denied' ? 'SSH denied' : `SSH ${p.sshOverSessionManager} (${reach})`;
  return `${ssh}; port forwarding ${p.portForwarding}`;
}

/** The first statement a person should change: an Allow that grants the access (or the unreadable policy). */
export function statementToFix(p: PrincipalReport): string | undefined {
  const grant =
    p.reasons.find((r) => r.effect === 'Allow' && r.decision !== 'denied') ??
    p.reasons.find((r) => r.decision === 'unknown');
  return grant?.message;
}
