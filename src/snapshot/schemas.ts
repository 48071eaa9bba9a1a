import { z } from 'zod';

/**
 * The shapes of the snapshot files, as the AWS CLI writes them. Objects are loose: fields we do not
 * read are kept, never rejected, because AWS adds fields over time.
 */
const policyDocument = z.union([z.string(), z.looseObject({})]);
const inlinePolicy = z.looseObject({ PolicyName: z.string(), PolicyDocument: policyDocument });
const attached = z.looseObject({ PolicyName: z.string().optional(), PolicyArn: z.string() });
const boundary = z.looseObject({
  PermissionsBoundaryType: z.string().optional(),
  PermissionsBoundaryArn: z.string(),
});
const tag = z.looseObject({ Key: z.string(), Value: z.string() });

const user = z.looseObject({
  UserName: z.string(),
  UserId: z.string(),
  Arn: z.string(),
  Path: z.string().optional(),
  GroupList: z.array(z.string()).optional(),
  UserPolicyList: z.array(inlinePolicy).optional(),
  AttachedManagedPolicies: z.array(attached).optional(),
  PermissionsBoundary: boundary.optional(),
  Tags: z.array(tag).optional(),
});
const group = z.looseObject({
  GroupName: z.string(),
  GroupId: z.string(),
  Arn: z.string(),
  Path: z.string().optional(),
  GroupPolicyList: z.array(inlinePolicy).optional(),
  AttachedManagedPolicies: z.array(attached).optional(),
});
const role = z.looseObject({
  RoleName: z.string(),
  RoleId: z.string(),
  Arn: z.string(),
  Path: z.string().optional(),
  RolePolicyList: z.array(inlinePolicy).optional(),
  AttachedManagedPolicies: z.array(attached).optional(),
  PermissionsBoundary: boundary.optional(),
  Tags: z.array(tag).optional(),
});
const policyVersion = z.looseObject({
  Document: policyDocument.optional(),
  VersionId: z.string().optional(),
  IsDefaultVersion: z.boolean().optional(),
});
const managedPolicy = z.looseObject({
  PolicyName: z.string(),
  PolicyId: z.string().nullable().optional(),
  Arn: z.string(),
  Path: z.string().optional(),
  DefaultVersionId: z.string().optional(),
  PolicyVersionList: z.array(policyVersion).optional(),
});

export const iamFile = z.looseObject({
  UserDetailList: z.array(user),
  GroupDetailList: z.array(group),
  RoleDetailList: z.array(role),
  Policies: z.array(managedPolicy),
  IsTruncated: z.boolean().optional(),
  Marker: z.string().optional(),
  /** Written by the AWS CLI instead of IsTruncated and Marker when --max-items cut the output short. */
  NextToken: z.string().optional(),
});

export const instancesFile = z.looseObject({
  InstanceInformationList: z.array(
    z.looseObject({
      InstanceId: z.string(),
      PingStatus: z.string().optional(),
      AgentVersion: z.string().optional(),
      IsLatestVersion: z.boolean().optional(),
      PlatformType: z.string().optional(),
      PlatformName: z.string().optional(),
      PlatformVersion: z.string().optional(),
      ResourceType: z.string().optional(),
      ComputerName: z.string().optional(),
      IPAddress: z.string().optional(),
      Name: z.string().optional(),
    }),
  ),
  NextToken: z.string().optional(),
});

export const accountFile = z.looseObject({
  Account: z.string().regex(/^\d{12}$/, 'must be a 12-digit account id'),
  Arn: z.string().optional(),
  UserId: z.string().optional(),
  // Commercial, GovCloud, China, ISO and sovereign partitions: us-east-1, us-gov-west-1, eusc-de-east-1.
  Region: z.string().regex(/^[a-z]{2,5}(-[a-z]+)+-\d+$/, 'must be a region such as us-east-1'),
});

/** What our snapshot command writes in place of an optional file whose read failed. */
export const errorRecord = z.looseObject({
  Error: z.looseObject({ Code: z.string(), Message: z.string().optional() }),
});

export const activationTierFile = z.looseObject({
  ServiceSetting: z.looseObject({
    SettingId: z.string().optional(),
    SettingValue: z.enum(['standard', 'advanced']),
    /** `PendingUpdate` while a change of the tier is still being applied to the hybrid nodes. */
    Status: z.string().optional(),
  }),
});

export const sessionPreferencesFile = z.looseObject({
  Name: z.string().optional(),
  Content: z.union([z.string(), z.looseObject({})]),
  DocumentFormat: z.string().optional(),
});

export const sessionPreferencesContent = z.looseObject({
  inputs: z
    .looseObject({
      s3BucketName: z.string().optional(),
      s3KeyPrefix: z.string().optional(),
      s3EncryptionEnabled: z.union([z.boolean(), z.string()]).optional(),
      cloudWatchLogGroupName: z.string().optional(),
      cloudWatchEncryptionEnabled: z.union([z.boolean(), z.string()]).optional(),
      cloudWatchStreamingEnabled: z.union([z.boolean(), z.string()]).optional(),
      kmsKeyId: z.string().optional(),
    })
    .optional(),
});

export const sessionDocumentsFile = z.looseObject({
  DocumentIdentifiers: z.array(
    z.looseObject({
      Name: z.string(),
      Owner: z.string().optional(),
      DocumentType: z.string().optional(),
      SessionType: z.string().optional(),
      Tags: z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional(),
    }),
  ),
  NextToken: z.string().optional(),
});

export const tagsFile = z.looseObject({
  /** Hybrid nodes whose tags were read (tagged or not); written by the snapshot command. */
  ManagedInstanceIds: z.array(z.string()).optional(),
  Tags: z.array(
    z.looseObject({
      Key: z.string(),
      Value: z.string(),
      ResourceId: z.string(),
      ResourceType: z.string().optional(),
    }),
  ),
  NextToken: z.string().optional(),
});
