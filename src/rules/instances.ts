import { requestContext, type RequestContext } from '../iam';
import { isHybrid } from '../snapshot/instance-kind';
import type { AccountSnapshot, Gap, InstanceInformation } from '../snapshot/types';
import { isAtLeast, MINIMUM_SSH_AGENT_VERSION } from './agent-version';

/**
 * Managed instances as the audit sees them: their ARN (the StartSession target), their tags (for
 * `ssm:resourceTag/*` and `aws:ResourceTag/*` conditions) and whether SSH over Session Manager can work
 * on them at all.
 */
export interface ManagedInstance {
  readonly info: InstanceInformation;
  readonly instanceId: string;
  readonly arn: string;
  readonly hybrid: boolean;
  /** Undefined when tags were not collected. */
  readonly tags: Readonly<Record<string, string>> | undefined;
  /** The resource part of the request context: the instance's tags, known or unknown. */
  readonly context: RequestContext;
  readonly sshCapable: boolean;
  /** Why it is or is not capable, in a sentence. */
  readonly capability: string;
  /**
   * Stands for the instances missing from a truncated inventory: nothing is known of them, so every
   * principal's access to them is `unknown` (never evaluated, never denied).
   */
  readonly placeholder?: boolean;
}

export function instanceArn(info: InstanceInformation, account: AccountSnapshot['account']): string {
  return isHybrid(info)
    ? `arn:${account.partition}:ssm:${account.region}:${account.id}:managed-instance/${info.InstanceId}`
    : `arn:${account.partition}:ec2:${account.region}:${account.id}:instance/${info.InstanceId}`;
}

/** The request context of a resource whose tags are known (`tags`) or not (`undefined`). */
export function resourceTagContext(tags: Readonly<Record<string, string>> | undefined): RequestContext {
  if (!tags) return UNKNOWN_TAGS;
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) {
    values[`ssm:resourceTag/${key}`] = value;
    values[`aws:ResourceTag/${key}`] = value;
  }
  return requestContext({ values, absentPrefixes: ['ssm:resourceTag/', 'aws:ResourceTag/'] });
}

const UNKNOWN_TAGS: RequestContext = requestContext();
/** For AWS-owned documents, which carry no tags. */
export const NO_TAGS: RequestContext = resourceTagContext({});

function capability(
  info: InstanceInformation,
  tier: AccountSnapshot['activationTier'],
): { capable: boolean; why: string } {
  const agentOk = isAtLeast(info.AgentVersion, MINIMUM_SSH_AGENT_VERSION);
  if (agentOk === false) {
    return {
      capable: false,
      why: `SSM Agent ${info.AgentVersion} is older than ${MINIMUM_SSH_AGENT_VERSION}`,
    };
  }
  const agentNote =
    agentOk === undefined
      ? `SSM Agent version ${info.AgentVersion === undefined ? 'is not reported' : `"${info.AgentVersion}" is unreadable`} (assumed capable)`
      : `SSM Agent ${info.AgentVersion} supports SSH`;
  if (!isHybrid(info)) return { capable: true, why: agentNote };
  if (tier === 'standard') {
    return {
      capable: false,
      why: 'hybrid node in the standard instances tier, which cannot use Session Manager',
    };
  }
  if (tier === undefined)
    return { capable: true, why: `${agentNote}; hybrid node, tier unknown (assumed advanced)` };
  return { capable: true, why: `${agentNote}; hybrid node in the advanced instances tier` };
}

export function buildInstances(snapshot: AccountSnapshot): { instances: ManagedInstance[]; gaps: Gap[] } {
  const gaps: Gap[] = [];
  const instances = snapshot.instances.map((info): ManagedInstance => {
    // Undefined for an instance whose tags were not read (see parse-snapshot.ts): unknown, not untagged.
    const tags = snapshot.tags?.[info.InstanceId];
    const { capable, why } = capability(info, snapshot.activationTier);
    return {
      info,
      instanceId: info.InstanceId,
      arn: instanceArn(info, snapshot.account),
      hybrid: isHybrid(info),
      tags,
      context: resourceTagContext(tags),
      sshCapable: capable,
      capability: why,
    };
  });
  if (snapshot.activationTier === undefined && instances.some((i) => i.hybrid)) {
    gaps.push({
      source: 'activation-tier',
      message: 'hybrid (mi-) nodes are therefore assumed able to use Session Manager (fail closed)',
    });
  }
  return { instances, gaps };
}
