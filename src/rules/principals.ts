import {
  compilePolicyDocument,
  defaultVersionDocument,
  PolicyDocumentError,
  requestContext,
  type AttachedPolicy,
  type PolicyParseResult,
  type PolicySet,
  type RequestContext,
} from '../iam';
import type {
  AttachedManagedPolicy,
  AuthorizationDetails,
  Gap,
  GroupDetail,
  InlinePolicy,
  ManagedPolicyDetail,
  Tag,
} from '../snapshot/types';

/**
 * Principals (users and roles) with the policies IAM applies to them, read from
 * GetAccountAuthorizationDetails:
 * - a user: its inline and attached policies, and the inline and attached policies of every group
 *   in its GroupList;
 * - a role: its inline and attached policies;
 * - either: its permissions boundary, if any.
 * Managed policies count at their default version only, and each distinct one is compiled once.
 */
export interface Principal {
  readonly type: 'user' | 'role';
  readonly name: string;
  /** The unique id (AIDA..., AROA...), which AWS Config uses as the resource id. */
  readonly id: string;
  readonly arn: string;
  readonly policies: PolicySet;
  /** What the audit knows of the request context that comes from the principal itself. */
  readonly context: RequestContext;
}

export interface PrincipalInventory {
  readonly principals: readonly Principal[];
  /** Every distinct policy compiled, for account-wide questions (guardrails, instance classes). */
  readonly attachedPolicies: readonly AttachedPolicy[];
  readonly gaps: readonly Gap[];
}

function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const tag of tags ?? []) map[`aws:PrincipalTag/${tag.Key}`] = tag.Value;
  return map;
}

export function buildPrincipals(details: AuthorizationDetails, accountId: string): PrincipalInventory {
  const gaps: Gap[] = [];
  const reported = new Set<string>();
  const gap = (source: string, message: string): void => {
    const key = `${source}\u0000${message}`;
    if (!reported.has(key)) {
      reported.add(key);
      gaps.push({ source, message });
    }
  };

  const managedByArn = new Map<string, ManagedPolicyDetail>(details.Policies.map((p) => [p.Arn, p]));
  const compiledManaged = new Map<string, PolicyParseResult>();
  const all: AttachedPolicy[] = [];

  const managed = (attachment: AttachedManagedPolicy, attachedTo: string): AttachedPolicy => {
    const arn = attachment.PolicyArn;
    const name = attachment.PolicyName ?? arn.slice(arn.lastIndexOf('/') + 1);
    let compiled = compiledManaged.get(arn);
    if (!compiled) {
      const detail = managedByArn.get(arn);
      if (!detail) {
        compiled = {
          ok: false,
          error: new PolicyDocumentError(
            name,
            `managed policy ${arn} is attached but missing from the snapshot`,
          ),
        };
      } else {
        const version = defaultVersionDocument(
          detail.PolicyVersionList,
          detail.PolicyName,
          detail.DefaultVersionId,
        );
        compiled = version.ok ? compilePolicyDocument(version.document, detail.PolicyName) : version;
      }
      compiledManaged.set(arn, compiled);
      if (!compiled.ok) gap(`iam:policy/${name}`, compiled.error.message);
    }
    const attached: AttachedPolicy = {
      origin: { policyName: name, policyArn: arn, attachment: 'managed', attachedTo },
      compiled,
    };
    all.push(attached);
    return attached;
  };

  const inline = (policy: InlinePolicy, attachedTo: string): AttachedPolicy => {
    const compiled = compilePolicyDocument(policy.PolicyDocument, policy.PolicyName);
    if (!compiled.ok) gap(`iam:inline-policy/${policy.PolicyName}@${attachedTo}`, compiled.error.message);
    const attached: AttachedPolicy = {
      origin: { policyName: policy.PolicyName, attachment: 'inline', attachedTo },
      compiled,
    };
    all.push(attached);
    return attached;
  };

  const groupPolicies = new Map<string, AttachedPolicy[]>();
  // IAM names are not distinguished by case: "Admins" in a GroupList is the group "admins".
  const groupByName = new Map<string, GroupDetail>(
    details.GroupDetailList.map((g) => [g.GroupName.toLowerCase(), g]),
  );
  const policiesOfGroup = (name: string, member: string): AttachedPolicy[] => {
    const key = name.toLowerCase();
    let policies = groupPolicies.get(key);
    if (!policies) {
      const group = groupByName.get(key);
      if (!group) {
        // Fail closed: the group's policies could allow or deny anything.
        const error = new PolicyDocumentError(
          `group ${name}`,
          `group ${name} (member: ${member}) is missing from the snapshot`,
        );
        gap(`iam:group/${name}`, error.message);
        policies = [
          {
            origin: { policyName: `group ${name}`, attachment: 'inline', attachedTo: name },
            compiled: { ok: false, error },
          },
        ];
      } else {
        policies = [
          ...(group.GroupPolicyList ?? []).map((p) => inline(p, group.Arn)),
          ...(group.AttachedManagedPolicies ?? []).map((p) => managed(p, group.Arn)),
        ];
      }
      groupPolicies.set(key, policies);
    }
    return policies;
  };

  const boundaryOf = (boundary: { PermissionsBoundaryArn: string } | undefined, attachedTo: string) =>
    boundary ? { boundary: [managed({ PolicyArn: boundary.PermissionsBoundaryArn }, attachedTo)] } : {};

  const principals: Principal[] = [];
  for (const user of details.UserDetailList) {
    principals.push({
      type: 'user',
      name: user.UserName,
      id: user.UserId,
      arn: user.Arn,
      policies: {
        identity: [
          ...(user.UserPolicyList ?? []).map((p) => inline(p, user.Arn)),
          ...(user.AttachedManagedPolicies ?? []).map((p) => managed(p, user.Arn)),
          ...(user.GroupList ?? []).flatMap((g) => policiesOfGroup(g, user.Arn)),
        ],
        ...boundaryOf(user.PermissionsBoundary, user.Arn),
      },
      context: requestContext({
        values: {
          'aws:username': user.UserName,
          'aws:userid': user.UserId,
          'aws:PrincipalArn': user.Arn,
          'aws:PrincipalAccount': accountId,
          'aws:PrincipalType': 'User',
          ...tagMap(user.Tags),
        },
        absentPrefixes: ['aws:PrincipalTag/'],
      }),
    });
  }
  for (const role of details.RoleDetailList) {
    principals.push({
      type: 'role',
      name: role.RoleName,
      id: role.RoleId,
      arn: role.Arn,
      policies: {
        identity: [
          ...(role.RolePolicyList ?? []).map((p) => inline(p, role.Arn)),
          ...(role.AttachedManagedPolicies ?? []).map((p) => managed(p, role.Arn)),
        ],
        ...boundaryOf(role.PermissionsBoundary, role.Arn),
      },
      // A role session has no aws:username. Its aws:userid is "AROA...:session-name", which depends on
      // the session, so it stays unknown. So do its aws:PrincipalTag/* keys: a session gets tags from
      // the caller (AssumeRole Tags, SAML and OIDC attributes, IAM Identity Center, role chaining), and
      // "session tags override a role tag with the same key" (STS AssumeRole reference). Taking the
      // role's own tags as the exact values would deny access that ABAC sessions really have.
      context: requestContext({
        values: {
          'aws:PrincipalArn': role.Arn,
          'aws:PrincipalAccount': accountId,
          'aws:PrincipalType': 'AssumedRole',
        },
        absent: ['aws:username'],
      }),
    });
  }

  // Managed policies in the account that nothing attaches still matter for guardrail reporting only
  // when attached, so they are not compiled here.
  return { principals, attachedPolicies: all, gaps };
}
