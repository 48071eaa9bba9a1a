import { isAtLeast, parseAgentVersion } from './agent-version';
import type { Rule } from './rule';

/** Instances whose SSM Agent is older than the compliance policy's minimum. */
export const agentOutdatedRule: Rule = {
  id: 'ssm-agent-outdated',
  title: 'SSM Agent is older than the required minimum',
  severity: 'low',
  risk: 'Old SSM Agents miss security fixes and Session Manager features.',
  remediation: 'Update SSM Agent (AWS-UpdateSSMAgent through Run Command or State Manager).',
  check(facts) {
    const minimum = facts.policy.minimumAgentVersion;
    // A fleet runs a handful of agent versions: each is compared once.
    const upToDate = new Map<string | null, boolean>();
    const isUpToDate = (version: string | null): boolean => {
      let found = upToDate.get(version);
      if (found === undefined) {
        found = isAtLeast(version ?? undefined, minimum) === true;
        upToDate.set(version, found);
      }
      return found;
    };
    return facts.instances
      .filter((i) => !isUpToDate(i.agentVersion))
      .map((i) => ({
        rule: this.id,
        severity: this.severity,
        resourceType: 'AWS::SSM::ManagedInstanceInventory',
        resourceId: i.instanceId,
        resourceArn: i.arn,
        message: messageFor(i.instanceId, i.agentVersion, minimum),
        remediation: this.remediation,
      }));
  },
};

/**
 * A version that cannot be read is flagged (it may be old) but never called older than the minimum:
 * the message quotes it as reported, so an empty or malformed value is visible.
 */
function messageFor(instanceId: string, version: string | null, minimum: string): string {
  if (version === null) return `${instanceId} reports no SSM Agent version; the minimum is ${minimum}.`;
  if (parseAgentVersion(version) === undefined) {
    return `${instanceId} reports SSM Agent version ${JSON.stringify(version)}, which is not a version number, so it cannot be compared with the minimum ${minimum}.`;
  }
  return `${instanceId} runs SSM Agent ${version}, older than the minimum ${minimum}.`;
}
