/**
 * The snapshot: the one data type between collection and evaluation. Plain, JSON-serializable data in
 * the shapes the AWS APIs and the AWS CLI use, so that a snapshot directory can be written with the
 * AWS CLI alone and a test fixture is simply one on disk.
 */

export interface InlinePolicy {
  readonly PolicyName: string;
  /** An object (AWS CLI) or a URL-encoded JSON string (IAM API, SDK, AWS Config). */
  readonly PolicyDocument: unknown;
}

export interface AttachedManagedPolicy {
  readonly PolicyName?: string;
  readonly PolicyArn: string;
}

export interface PermissionsBoundary {
  readonly PermissionsBoundaryType?: string;
  readonly PermissionsBoundaryArn: string;
}

export interface Tag {
  readonly Key: string;
  readonly Value: string;
}

export interface UserDetail {
  readonly UserName: string;
  readonly UserId: string;
  readonly Arn: string;
  readonly Path?: string;
  readonly GroupList?: readonly string[];
  readonly UserPolicyList?: readonly InlinePolicy[];
  readonly AttachedManagedPolicies?: readonly AttachedManagedPolicy[];
  readonly PermissionsBoundary?: PermissionsBoundary;
  readonly Tags?: readonly Tag[];
}

export interface GroupDetail {
  readonly GroupName: string;
  readonly GroupId: string;
  readonly Arn: string;
  readonly Path?: string;
  readonly GroupPolicyList?: readonly InlinePolicy[];
  readonly AttachedManagedPolicies?: readonly AttachedManagedPolicy[];
}

export interface RoleDetail {
  readonly RoleName: string;
  readonly RoleId: string;
  readonly Arn: string;
  readonly Path?: string;
  readonly RolePolicyList?: readonly InlinePolicy[];
  readonly AttachedManagedPolicies?: readonly AttachedManagedPolicy[];
  readonly PermissionsBoundary?: PermissionsBoundary;
  readonly Tags?: readonly Tag[];
}

export interface PolicyVersion {
  readonly Document?: unknown;
  readonly VersionId?: string;
  readonly IsDefaultVersion?: boolean;
}

export interface ManagedPolicyDetail {
  readonly PolicyName: string;
  readonly PolicyId?: string | null;
  readonly Arn: string;
  readonly Path?: string;
  readonly DefaultVersionId?: string;
  readonly PolicyVersionList?: readonly PolicyVersion[];
}

/** `aws iam get-account-authorization-details` with all five filters. */
export interface AuthorizationDetails {
  readonly UserDetailList: readonly UserDetail[];
  readonly GroupDetailList: readonly GroupDetail[];
  readonly RoleDetailList: readonly RoleDetail[];
  readonly Policies: readonly ManagedPolicyDetail[];
}

/** One entry of `aws ssm describe-instance-information`. */
export interface InstanceInformation {
  readonly InstanceId: string;
  readonly PingStatus?: string;
  readonly AgentVersion?: string;
  readonly IsLatestVersion?: boolean;
  readonly PlatformType?: string;
  readonly PlatformName?: string;
  readonly PlatformVersion?: string;
  readonly ResourceType?: string;
  readonly ComputerName?: string;
  readonly IPAddress?: string;
  readonly Name?: string;
}

/** A Session-type SSM document and the `sessionType` read from its content. */
export interface SessionDocument {
  readonly Name: string;
  /** `Amazon` for AWS-owned documents, otherwise the owning account id. */
  readonly Owner?: string;
  /** `Port`, `Standard_Stream`, `InteractiveCommands`, `NonInteractiveCommands`; undefined when unreadable. */
  readonly SessionType?: string;
  /**
   * The document's tags, as ListDocuments lists them (`"Tags": []` when it has none); undefined when the
   * listing does not say, and a condition on them cannot be decided.
   */
  readonly Tags?: Readonly<Record<string, string>>;
}

/** What the Session Manager preferences document says about session logging. */
export interface SessionPreferences {
  readonly s3BucketName?: string;
  readonly s3KeyPrefix?: string;
  readonly s3EncryptionEnabled?: boolean;
  readonly cloudWatchLogGroupName?: string;
  readonly cloudWatchEncryptionEnabled?: boolean;
  readonly cloudWatchStreamingEnabled?: boolean;
  readonly kmsKeyId?: string;
}

/** Something that could not be read. Rules treat it as unknown; the report is then incomplete. */
export interface Gap {
  readonly source: string;
  readonly message: string;
}

export interface AccountSnapshot {
  readonly account: { readonly id: string; readonly region: string; readonly partition: string };
  readonly iam: AuthorizationDetails;
  readonly instances: readonly InstanceInformation[];
  /** Undefined when unknown. */
  readonly activationTier: 'standard' | 'advanced' | undefined;
  /**
   * `absent` when the account has no preferences document (no logging configured); undefined when
   * unknown.
   */
  readonly sessionPreferences:
    | { readonly state: 'configured'; readonly inputs: SessionPreferences }
    | { readonly state: 'absent' }
    | undefined;
  /** Undefined when unknown: then only the AWS-owned port documents are known. */
  readonly sessionDocuments: readonly SessionDocument[] | undefined;
  /** Tags per instance id; undefined when tags were not collected. */
  readonly tags: Readonly<Record<string, Readonly<Record<string, string>>>> | undefined;
  readonly gaps: readonly Gap[];
}
