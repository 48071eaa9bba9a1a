import { MISSING_PRINCIPALS, reachedOnlyByUnlisted } from '../report/exposure';
import type { Rule } from './rule';

/** SSH-capable instances that non-exempt principals can reach with unaudited sessions. */
export const instanceExposureRule: Rule = {
  id: 'instance-exposed-to-unaudited-sessions',
  title: 'Instance accepts unaudited SSH or port-forwarding sessions through Session Manager',
  severity: 'medium',
  risk: 'Anyone who reaches this instance through an SSH or port-forwarding session leaves no session log.',
  remediation:
    'Restrict ssm:StartSession on this instance (by instance ARN or ssm:resourceTag condition) for the principals ' +
    'concerned, or exempt the instance in the compliance policy if tunnels to it are intended.',
  check(facts) {
    return facts.instances
      .filter((i) => i.compliance === 'NON_COMPLIANT')
      .map((i) => ({
        rule: this.id,
        severity: this.severity,
        resourceType: 'AWS::SSM::ManagedInstanceInventory',
        resourceId: i.instanceId,
        resourceArn: i.arn,
        message: reachedOnlyByUnlisted(i)
          ? `${i.instanceId} (${i.sshCapability}) may be reached by ${MISSING_PRINCIPALS} through unaudited SSH or port-forwarding sessions.`
          : `${i.instanceId} (${i.sshCapability}) can be reached by ${i.exposedTo} non-exempt principal(s) through unaudited SSH or port-forwarding sessions.`,
        remediation: this.remediation,
      }));
  },
};
