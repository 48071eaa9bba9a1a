/**
 * The AuditReport, schemaVersion 1. Other tools read these fields by name: fields may be added, never
 * renamed. The contract is in DESIGN.md ("Output: the JSON report").
 */
export type Access = 'allowed' | 'conditional' | 'denied' | 'unknown';
export type Compliance = 'COMPLIANT' | 'NON_COMPLIANT';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'informational';

/** One deciding statement, or the reason no statement decided. */
export interface Reason {
  /** Which resource of the StartSession request this is about. */
  readonly resource: 'document' | 'instance';
  readonly resourceArn: string;
  readonly decision: Access;
  readonly denial?: 'explicit' | 'implicit';
  readonly policyName?: string;
  readonly policyArn?: string;
  readonly attachment?: 'inline' | 'managed';
  /** The user, group or role the policy is attached to. */
  readonly attachedTo?: string;
  readonly layer?: 'identity' | 'boundary' | 'scp';
  readonly sid?: string;
  readonly statementIndex?: number;
  readonly effect?: 'Allow' | 'Deny';
  readonly condition?: Readonly<Record<string, unknown>>;
  /** The condition keys whose values the audit cannot know, for conditional access. */
  readonly undeterminedKeys?: readonly string[];
  /**
   * The Resource patterns that may or may not match, for conditional access: a pattern whose policy
   * variables the audit cannot know, or one that may name a document the snapshot does not list.
   */
  readonly undeterminedPatterns?: readonly string[];
  readonly message: string;
}

export interface DocumentAccessReport {
  readonly document: string;
  readonly access: Access;
  /** SSH-capable instances it can definitely reach through this document. */
  readonly reachableInstanceCount: number;
  readonly reachesAllInstances: boolean;
}

export interface PrincipalReport {
  readonly arn: string;
  readonly type: 'user' | 'role';
  readonly name: string;
  /** The unique id (AIDA..., AROA...), as AWS Config keys IAM resources. */
  readonly id: string;
  readonly sshOverSessionManager: Access;
  /** SSH-capable instances it can definitely reach; "*" means all of them. */
  readonly sshReachableInstances: '*' | readonly string[];
  /** Access through the Port documents other than AWS-StartSSHSession. */
  readonly portForwarding: Access;
  /** Per Port document, only those it is not denied. */
  readonly sessionDocuments: readonly DocumentAccessReport[];
  readonly exempt: boolean;
  readonly compliance: Compliance;
  readonly reasons: readonly Reason[];
}

export interface InstanceReport {
  readonly instanceId: string;
  readonly arn: string;
  readonly agentVersion: string | null;
  readonly sshCapable: boolean;
  readonly sshCapability: string;
  readonly pingStatus: string | null;
  readonly platformType: string | null;
  readonly platformName: string | null;
  readonly resourceType: string | null;
  readonly exempt: boolean;
  /** Non-exempt principals whose SSH or port-forwarding access to it counts as a violation. */
  readonly exposedTo: number;
  readonly compliance: Compliance;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceArn?: string;
  readonly message: string;
  readonly remediation?: string;
}

export interface SessionLoggingReport {
  /** `unknown` when the preferences could not be read. */
  readonly state: 'configured' | 'not-configured' | 'unknown';
  readonly s3: {
    readonly bucket: string;
    readonly prefix: string | null;
    readonly encrypted: boolean;
  } | null;
  readonly cloudWatch: {
    readonly logGroup: string;
    readonly encrypted: boolean;
    readonly streaming: boolean;
  } | null;
  /** Always false: Session Manager cannot log SSH or port-forwarding sessions. */
  readonly coversPortSessions: false;
  readonly statement: string;
}

export interface GuardrailReport {
  /** An attached, unconditional Deny of ssm:StartSession on the SSH document. */
  readonly exists: boolean;
  readonly statements: readonly {
    readonly policyName: string;
    readonly policyArn?: string;
    readonly attachedTo: string;
    readonly sid?: string;
    readonly statementIndex: number;
    readonly conditional: boolean;
  }[];
  /** Principals whose SSH access is explicitly denied. */
  readonly principalsCovered: number;
  /** Present when no guardrail exists: the Deny statement to attach. */
  readonly remediation?: Readonly<Record<string, unknown>>;
}

export interface AuditSummary {
  readonly principals: number;
  readonly instances: number;
  readonly sshCapableInstances: number;
  readonly instanceClasses: number;
  readonly nonCompliantPrincipals: number;
  readonly nonCompliantInstances: number;
  /** Principals with SSH or port-forwarding access (allowed, conditional or unknown), exempt or not. */
  readonly principalsWithUnauditedAccess: number;
  readonly exposedInstances: number;
  readonly findings: number;
}

export interface AuditReport {
  readonly schemaVersion: 1;
  readonly generatedAt: string;
  readonly account: { readonly id: string; readonly region: string };
  readonly complete: boolean;
  readonly gaps: readonly { readonly source: string; readonly message: string }[];
  readonly summary: AuditSummary;
  readonly sessionLogging: SessionLoggingReport;
  readonly guardrail: GuardrailReport;
  readonly principals: readonly PrincipalReport[];
  readonly instances: readonly InstanceReport[];
  readonly findings: readonly Finding[];
}
