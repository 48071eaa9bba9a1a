import type { CompliancePolicy } from '../config/compliance-policy';
import type {
  Finding,
  GuardrailReport,
  InstanceReport,
  PrincipalReport,
  SessionLoggingReport,
  Severity,
} from '../report/types';

/** What the rules look at: the account's facts, already decided by the analysis. */
export interface AuditFacts {
  readonly account: { readonly id: string; readonly region: string; readonly partition: string };
  readonly policy: CompliancePolicy;
  readonly principals: readonly PrincipalReport[];
  readonly instances: readonly InstanceReport[];
  readonly sessionLogging: SessionLoggingReport;
  readonly guardrail: GuardrailReport;
  /**
   * For each NON_COMPLIANT principal, which of its accesses violate the compliance policy: SSH, port
   * forwarding or both. A principal with conditional SSH access and allowed port forwarding violates
   * through port forwarding only when `conditionalIsViolation` is false.
   */
  readonly violations: ReadonlyMap<PrincipalReport, PrincipalViolations>;
}

/** Which accesses of a principal violate the compliance policy (on some non-exempt instance). */
export interface PrincipalViolations {
  /** Through AWS-StartSSHSession. */
  readonly ssh: boolean;
  /** Through any other Port document. */
  readonly portForwarding: boolean;
}

/**
 * A rule: one id, one file, its metadata as data, and a pure check. Every finding it returns has the
 * same shape and a sentence a person can act on.
 */
export interface Rule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly risk: string;
  readonly remediation: string;
  check(facts: AuditFacts): Finding[];
}

export function resourceTypeOf(principal: PrincipalReport): string {
  return principal.type === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Role';
}
