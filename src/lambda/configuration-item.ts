import type {
  AccountSnapshot,
  AuthorizationDetails,
  GroupDetail,
  InlinePolicy,
  InstanceInformation,
  ManagedPolicyDetail,
  RoleDetail,
  UserDetail,
} from '../snapshot/types';
import { resourceTypeContradiction } from '../snapshot/instance-kind';

/**
 * AWS Config configuration items for IAM and SSM resources, turned into the snapshot's shapes (the
 * field names of GetAccountAuthorizationDetails), so that a changed resource is evaluated with the
 * same code as a full audit. Policy documents stay URL-encoded, as Config delivers them.
 */
type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): Json[] =>
  Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x) as Json[]) : [];

/**
 * A list of the principal's policies or groups, which Config always writes (empty when there are none).
 * Read as empty when it is missing or holds something else, it would drop the policies that grant
 * access and the principal would be posted COMPLIANT: the item is refused instead, naming the field.
 */
function requiredList(c: Json, field: string, resourceType: string, entry: 'object' | 'string'): unknown[] {
  const value = c[field];
  const bad = !Array.isArray(value)
    ? 'is missing or not a list'
    : value.some((x) => (entry === 'string' ? typeof x !== 'string' : typeof x !== 'object' || x === null))
      ? `has an entry that is not ${entry === 'string' ? 'a name' : 'an object'}`
      : undefined;
  if (bad)
    throw new ConfigurationItemError(`${resourceType} configuration item: configuration.${field} ${bad}`);
  return value as unknown[];
}

function inlinePolicies(c: Json, field: string, resourceType: string): InlinePolicy[] {
  return (requiredList(c, field, resourceType, 'object') as Json[]).map((p) => ({
    PolicyName: String(p.policyName),
    PolicyDocument: p.policyDocument,
  }));
}

function attachedPolicies(c: Json, resourceType: string) {
  return (requiredList(c, 'attachedManagedPolicies', resourceType, 'object') as Json[]).map((p) => ({
    PolicyName: str(p.policyName),
    PolicyArn: String(p.policyArn),
  }));
}

function boundary(v: unknown) {
  const b = typeof v === 'object' && v ? (v as Json) : undefined;
  const arn = str(b?.permissionsBoundaryArn);
  return arn
    ? {
        PermissionsBoundary: {
          PermissionsBoundaryType: str(b?.permissionsBoundaryType),
          PermissionsBoundaryArn: arn,
        },
      }
    : {};
}

function tags(v: unknown) {
  return list(v).map((t) => ({ Key: String(t.key), Value: String(t.value ?? '') }));
}

export class ConfigurationItemError extends Error {
  override readonly name = 'ConfigurationItemError';
}

function required(c: Json, field: string, resourceType: string): string {
  const value = str(c[field]);
  if (!value)
    throw new ConfigurationItemError(`${resourceType} configuration item: configuration.${field} is missing`);
  return value;
}

export function roleFromItem(c: Json): RoleDetail {
  return {
    RoleName: required(c, 'roleName', 'AWS::IAM::Role'),
    RoleId: required(c, 'roleId', 'AWS::IAM::Role'),
    Arn: required(c, 'arn', 'AWS::IAM::Role'),
    Path: str(c.path),
    RolePolicyList: inlinePolicies(c, 'rolePolicyList', 'AWS::IAM::Role'),
    AttachedManagedPolicies: attachedPolicies(c, 'AWS::IAM::Role'),
    ...boundary(c.permissionsBoundary),
    Tags: tags(c.tags),
  };
}

export function userFromItem(c: Json): UserDetail {
  return {
    UserName: required(c, 'userName', 'AWS::IAM::User'),
    UserId: required(c, 'userId', 'AWS::IAM::User'),
    Arn: required(c, 'arn', 'AWS::IAM::User'),
    Path: str(c.path),
    GroupList: requiredList(c, 'groupList', 'AWS::IAM::User', 'string') as string[],
    UserPolicyList: inlinePolicies(c, 'userPolicyList', 'AWS::IAM::User'),
    AttachedManagedPolicies: attachedPolicies(c, 'AWS::IAM::User'),
    ...boundary(c.permissionsBoundary),
    Tags: tags(c.tags),
  };
}

export function groupFromItem(c: Json): GroupDetail {
  return {
    GroupName: required(c, 'groupName', 'AWS::IAM::Group'),
    GroupId: required(c, 'groupId', 'AWS::IAM::Group'),
    Arn: required(c, 'arn', 'AWS::IAM::Group'),
    Path: str(c.path),
    GroupPolicyList: inlinePolicies(c, 'groupPolicyList', 'AWS::IAM::Group'),
    AttachedManagedPolicies: attachedPolicies(c, 'AWS::IAM::Group'),
  };
}

export function policyFromItem(c: Json): ManagedPolicyDetail {
  return {
    PolicyName: required(c, 'policyName', 'AWS::IAM::Policy'),
    PolicyId: str(c.policyId) ?? null,
    Arn: required(c, 'arn', 'AWS::IAM::Policy'),
    Path: str(c.path),
    DefaultVersionId: str(c.defaultVersionId),
    PolicyVersionList: list(c.policyVersionList).map((v) => ({
      Document: v.document,
      VersionId: str(v.versionId),
      IsDefaultVersion: v.isDefaultVersion === true,
    })),
  };
}

/** `AWS::SSM::ManagedInstanceInventory`: the AWS:InstanceInformation content of the instance. */
export function instanceFromItem(c: Json, instanceId: string): InstanceInformation {
  const info = (c['AWS:InstanceInformation'] as Json | undefined)?.Content as
    Record<string, Json> | undefined;
  const content = info?.[instanceId];
  if (!content) {
    throw new ConfigurationItemError(
      `AWS::SSM::ManagedInstanceInventory configuration item: no AWS:InstanceInformation for ${instanceId}`,
    );
  }
  const instance: InstanceInformation = {
    InstanceId: instanceId,
    AgentVersion: str(content.AgentVersion),
    PlatformType: str(content.PlatformType),
    PlatformName: str(content.PlatformName),
    PlatformVersion: str(content.PlatformVersion),
    ResourceType: str(content.ResourceType),
    ComputerName: str(content.ComputerName),
    IPAddress: str(content.IpAddress),
    // Inventory carries no ping status and no tier; the snapshot's instance entry keeps its own.
  };
  // As in a snapshot (parse-snapshot.ts): read either way, the instance would be judged by the wrong
  // ARN and tier, so the item is refused rather than evaluated.
  const contradiction = resourceTypeContradiction(instance);
  if (contradiction) {
    throw new ConfigurationItemError(
      `AWS::SSM::ManagedInstanceInventory configuration item: AWS:InstanceInformation of ${instanceId}: ${contradiction}; nothing says which is true`,
    );
  }
  return instance;
}

function replace<T>(items: readonly T[], same: (item: T) => boolean, replacement: T): T[] {
  const out = items.filter((i) => !same(i));
  out.push(replacement);
  return out;
}

/** Which principals (by unique id) a change affects, and the snapshot with the change applied. */
export interface AppliedChange {
  readonly snapshot: AccountSnapshot;
  readonly principalIds: ReadonlySet<string>;
  readonly instanceIds: ReadonlySet<string>;
}

function principalsAttaching(iam: AuthorizationDetails, policyArn: string): Set<string> {
  const groups = new Set(
    iam.GroupDetailList.filter((g) =>
      (g.AttachedManagedPolicies ?? []).some((p) => p.PolicyArn === policyArn),
    ).map((g) => g.GroupName.toLowerCase()),
  );
  const ids = new Set<string>();
  for (const u of iam.UserDetailList) {
    if (
      (u.AttachedManagedPolicies ?? []).some((p) => p.PolicyArn === policyArn) ||
      u.PermissionsBoundary?.PermissionsBoundaryArn === policyArn ||
      (u.GroupList ?? []).some((g) => groups.has(g.toLowerCase()))
    ) {
      ids.add(u.UserId);
    }
  }
  for (const r of iam.RoleDetailList) {
    if (
      (r.AttachedManagedPolicies ?? []).some((p) => p.PolicyArn === policyArn) ||
      r.PermissionsBoundary?.PermissionsBoundaryArn === policyArn
    ) {
      ids.add(r.RoleId);
    }
  }
  return ids;
}

/** Applies one configuration item to the snapshot. */
export function applyConfigurationItem(
  snapshot: AccountSnapshot,
  resourceType: string,
  resourceId: string,
  configuration: unknown,
): AppliedChange {
  if (typeof configuration !== 'object' || configuration === null) {
    throw new ConfigurationItemError(
      `${resourceType} configuration item for ${resourceId} has no configuration`,
    );
  }
  const c = configuration as Json;
  const iam = snapshot.iam;
  switch (resourceType) {
    case 'AWS::IAM::Role': {
      const role = roleFromItem(c);
      return {
        snapshot: {
          ...snapshot,
          iam: { ...iam, RoleDetailList: replace(iam.RoleDetailList, (r) => r.RoleId === role.RoleId, role) },
        },
        principalIds: new Set([role.RoleId]),
        instanceIds: new Set(),
      };
    }
    case 'AWS::IAM::User': {
      const user = userFromItem(c);
      return {
        snapshot: {
          ...snapshot,
          iam: { ...iam, UserDetailList: replace(iam.UserDetailList, (u) => u.UserId === user.UserId, user) },
        },
        principalIds: new Set([user.UserId]),
        instanceIds: new Set(),
      };
    }
    case 'AWS::IAM::Group': {
      const group = groupFromItem(c);
      // Group names are unique regardless of case, and a GroupList entry names its group in any case.
      const name = group.GroupName.toLowerCase();
      const members = iam.UserDetailList.filter((u) =>
        (u.GroupList ?? []).some((g) => g.toLowerCase() === name),
      ).map((u) => u.UserId);
      return {
        snapshot: {
          ...snapshot,
          iam: {
            ...iam,
            GroupDetailList: replace(iam.GroupDetailList, (g) => g.GroupId === group.GroupId, group),
          },
        },
        principalIds: new Set(members),
        instanceIds: new Set(),
      };
    }
    case 'AWS::IAM::Policy': {
      const policy = policyFromItem(c);
      return {
        snapshot: {
          ...snapshot,
          iam: { ...iam, Policies: replace(iam.Policies, (p) => p.Arn === policy.Arn, policy) },
        },
        principalIds: principalsAttaching(iam, policy.Arn),
        instanceIds: new Set(),
      };
    }
    case 'AWS::SSM::ManagedInstanceInventory': {
      const fromItem = instanceFromItem(c, resourceId);
      const previous = snapshot.instances.find((i) => i.InstanceId === resourceId);
      const instance = {
        ...previous,
        ...Object.fromEntries(Object.entries(fromItem).filter(([, v]) => v !== undefined)),
      } as InstanceInformation;
      return {
        snapshot: {
          ...snapshot,
          instances: replace(snapshot.instances, (i) => i.InstanceId === resourceId, instance),
        },
        principalIds: new Set(),
        instanceIds: new Set([resourceId]),
      };
    }
    default:
      throw new ConfigurationItemError(`resource type ${resourceType} is not in this rule's scope`);
  }
}
