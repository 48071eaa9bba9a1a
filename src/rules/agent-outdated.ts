import { isAtLeast } from './agent-version';
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
        message:
          i.agentVersion === null
            ? `${i.instanceId} reports no SSM Agent version; the minimum is ${minimum}.`
            : `${i.instanceId} runs SSM Agent ${i.agentVersion}, older than the minimum ${minimum}.`,
        remediation: this.remediation,
      }));
  },
};
