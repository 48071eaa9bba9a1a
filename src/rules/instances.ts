import { ABSENT, requestContext, UNKNOWN, type KeyState, type RequestContext } from '../iam';
import { isHybrid } from '../snapshot/instance-kind';
import { firstFew } from '../util/first-few';
import type { AccountSnapshot, Gap, InstanceInformation } from '../snapshot/types';
import { isAtLeast, MINIMUM_SSH_AGENT_VERSION } from './agent-version';
import { TAG_PREFIXES } from './statement-parts';

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

export function instanceArn(
  info: InstanceInformation,
  account: AccountSnapshot['account'],
  hybrid = isHybrid(info),
): string {
  return hybrid
    ? `arn:${account.partition}:ssm:${account.region}:${account.id}:managed-instance/${info.InstanceId}`
    : `arn:${account.partition}:ec2:${account.region}:${account.id}:instance/${info.InstanceId}`;
}

/** A set of tag keys, as the path of its keys in order (see TagKeyIndex). */
interface KeySetNode {
  readonly next: Map<string, KeySetNode>;
  index?: ReadonlyMap<string, string | readonly string[]>;
}

/**
 * For each distinct set of tag keys, which key a lower-cased name stands for. IAM compares condition
 * keys without regard to case, tag keys included; an inventory has thousands of instances but only a
 * few sets of tag keys, so the lower-casing is done once per set, not once per instance.
 */
export class TagKeyIndex {
  /** Key sets as paths, one tag key per step: finding an instance's set builds no string. */
  private readonly sets: KeySetNode = { next: new Map() };
  /** Per condition key as written, the tag name it reads in lower case, or null for another key. */
  private readonly tagNames = new Map<string, string | null>();

  /**
   * The lower-cased tag name that `ssm:resourceTag/<name>` or `aws:ResourceTag/<name>` reads, or null.
   * Instances are asked about the same few condition keys thousands of times each: worked out once.
   */
  tagNameOf(key: string): string | null {
    let name = this.tagNames.get(key);
    if (name === undefined) {
      const lower = key.toLowerCase();
      const prefix = TAG_PREFIXES.find((p) => lower.startsWith(p));
      name = prefix === undefined ? null : lower.slice(prefix.length);
      this.tagNames.set(key, name);
    }
    return name;
  }

  /** Per lower-cased name, its key, or all its keys when several differ only in case. */
  keysOf(tags: Readonly<Record<string, string>>): ReadonlyMap<string, string | readonly string[]> {
    const keys = Object.keys(tags);
    let node = this.sets;
    for (const key of keys) {
      let next = node.next.get(key);
      if (!next) node.next.set(key, (next = { next: new Map() }));
      node = next;
    }
    let index = node.index;
    if (!index) {
      const byLower = new Map<string, string | readonly string[]>();
      for (const key of keys) {
        const lower = key.toLowerCase();
        const seen = byLower.get(lower);
        byLower.set(lower, seen === undefined ? key : [...(typeof seen === 'string' ? [seen] : seen), key]);
      }
      index = byLower;
      node.index = index;
    }
    return index;
  }
}

/**
 * The request context of a resource with known tags: `ssm:resourceTag/<key>` and
 * `aws:ResourceTag/<key>` are its tags, every other tag key is absent, and every other key is unknown.
 */
class ResourceTagContext implements RequestContext {
  private keys: ReadonlyMap<string, string | readonly string[]> | undefined;

  constructor(
    private readonly tags: Readonly<Record<string, string>>,
    private readonly index: TagKeyIndex,
  ) {}

  lookup(key: string): KeyState {
    const name = this.index.tagNameOf(key);
    if (name === null) return UNKNOWN;
    this.keys ??= this.index.keysOf(this.tags);
    const tag = this.keys.get(name);
    if (tag === undefined) return ABSENT;
    if (typeof tag === 'string') return { state: 'present', values: [this.tags[tag] as string] };
    // EC2 tag keys are case-sensitive, so `env` and `Env` can both be there, while IAM matches condition
    // keys in any case and does not say which tag it then reads: unless they agree, the value is unknown.
    const values = new Set(tag.map((k) => this.tags[k] as string));
    return values.size === 1 ? { state: 'present', values: [...values] } : UNKNOWN;
  }
}

/** The request context of a resource whose tags are known (`tags`) or not (`undefined`). */
export function resourceTagContext(
  tags: Readonly<Record<string, string>> | undefined,
  index: TagKeyIndex = new TagKeyIndex(),
): RequestContext {
  return tags ? new ResourceTagContext(tags, index) : UNKNOWN_TAGS;
}

const UNKNOWN_TAGS: RequestContext = requestContext();
/** For AWS-owned documents, which carry no tags. */
export const NO_TAGS: RequestContext = resourceTagContext({});

interface Capability {
  readonly capable: boolean;
  readonly why: string;
  /** The agent version is missing or not a dotted number: a gap, whatever the verdict. */
  readonly agentUnreadable: boolean;
}

function capability(
  info: InstanceInformation,
  hybrid: boolean,
  tier: AccountSnapshot['activationTier'],
): Capability {
  const agentOk = isAtLeast(info.AgentVersion, MINIMUM_SSH_AGENT_VERSION);
  const agentUnreadable = agentOk === undefined;
  if (agentOk === false) {
    return {
      capable: false,
      why: `SSM Agent ${info.AgentVersion} is older than ${MINIMUM_SSH_AGENT_VERSION}`,
      agentUnreadable,
    };
  }
  // An unreadable version might be new enough, so the instance stays capable (fail closed); JSON
  // quoting shows an empty or odd value as it is.
  const agentNote = agentUnreadable
    ? `SSM Agent version ${info.AgentVersion === undefined ? 'is not reported' : `${JSON.stringify(info.AgentVersion)} is unreadable`} (assumed capable)`
    : `SSM Agent ${info.AgentVersion} supports SSH`;
  if (!hybrid) return { capable: true, why: agentNote, agentUnreadable };
  if (tier === 'standard') {
    return {
      capable: false,
      why: 'hybrid node in the standard instances tier, which cannot use Session Manager',
      agentUnreadable,
    };
  }
  if (tier === undefined)
    return {
      capable: true,
      why: `${agentNote}; hybrid node, tier unknown (assumed advanced)`,
      agentUnreadable,
    };
  return { capable: true, why: `${agentNote}; hybrid node in the advanced instances tier`, agentUnreadable };
}

export function buildInstances(snapshot: AccountSnapshot): { instances: ManagedInstance[]; gaps: Gap[] } {
  const gaps: Gap[] = [];
  // A large inventory runs a few dozen agent versions: each verdict is worked out once.
  const capabilities = new Map<string, Capability>();
  const unreadableAgents: string[] = [];
  const tagKeys = new TagKeyIndex();
  const instances = snapshot.instances.map((info): ManagedInstance => {
    // Undefined for an instance whose tags were not read (see parse-snapshot.ts): unknown, not untagged.
    // Only an own entry counts: bracket access alone would hand an instance id such as `constructor`
    // an inherited member of a plain-object map as its "tags", known and empty instead of unknown.
    const tags =
      snapshot.tags && Object.hasOwn(snapshot.tags, info.InstanceId)
        ? snapshot.tags[info.InstanceId]
        : undefined;
    const hybrid = isHybrid(info);
    const capabilityKey = `${hybrid ? 'mi' : 'i'}\u0000${info.AgentVersion ?? ''}\u0000${info.AgentVersion === undefined}`;
    let found = capabilities.get(capabilityKey);
    if (!found) {
      found = capability(info, hybrid, snapshot.activationTier);
      capabilities.set(capabilityKey, found);
    }
    const { capable, why, agentUnreadable } = found;
    if (agentUnreadable) unreadableAgents.push(info.InstanceId);
    return {
      info,
      instanceId: info.InstanceId,
      arn: instanceArn(info, snapshot.account, hybrid),
      hybrid,
      tags,
      context: resourceTagContext(tags, tagKeys),
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
  // Whatever the PingStatus: AWS leaves AgentVersion out for some nodes (a ConnectionLost one may
  // never have reported it), but such a node can come back online and take sessions, so the audit
  // still cannot say which agent it runs. One gap for all of them keeps a large fleet's report short.
  if (unreadableAgents.length) {
    gaps.push({
      source: 'instances',
      message: `${unreadableAgents.length} instance(s) report no readable SSM Agent version (${firstFew(unreadableAgents)}); their agents are assumed recent enough for SSH (fail closed)`,
    });
  }
  return { instances, gaps };
}
