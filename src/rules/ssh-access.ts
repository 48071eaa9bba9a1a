import { statementToFix } from '../report/headline';
import type { Rule } from './rule';
import { resourceTypeOf } from './rule';
import { SSH_DOCUMENT } from './session-documents';

/** Principals that may open SSH sessions through Session Manager, contrary to the compliance policy. */
export const sshAccessRule: Rule = {
  id: 'ssh-over-session-manager',
  title: 'Principal can open unaudited SSH sessions through Session Manager',
  severity: 'high',
  risk:
    'SSH through Session Manager (AWS-StartSSHSession) needs no open port and no bastion, and Session Manager ' +
    'cannot log what happens inside it: session logging to S3 or CloudWatch records shell and command sessions only.',
  remediation:
    'Remove ssm:StartSession on arn:aws:ssm:*:*:document/AWS-StartSSHSession from the statements named, or ' +
    'attach an explicit Deny of it; exempt break-glass principals in the compliance policy.',
  check(facts) {
    // Only when its SSH access is what violates the policy: a principal may be NON_COMPLIANT through
    // port forwarding alone, with SSH access the policy accepts (conditional, say).
    return facts.principals
      .filter((p) => facts.violations.get(p)?.ssh === true)
      .map((p) => {
        // The statement that decides its SSH access, as the reports' "change:" line names it: for
        // conditional access the one whose condition decides, not an Allow that a Deny overrides.
        const deciding = statementToFix(p, SSH_DOCUMENT);
        const fix = deciding ? ` Deciding: ${deciding}.` : '';
        const how =
          p.sshOverSessionManager === 'unknown'
            ? 'may be able to open SSH sessions (a policy it depends on is missing or unreadable)'
            : p.sshOverSessionManager === 'conditional'
              ? 'can open SSH sessions under some conditions'
              : 'can open SSH sessions';
        const reach =
          p.sshReachableInstances === '*'
            ? 'all SSH-capable instances'
            : `${p.sshReachableInstances.length} SSH-capable instance(s)`;
        return {
          rule: this.id,
          severity: p.sshOverSessionManager === 'conditional' ? 'medium' : 'high',
          resourceType: resourceTypeOf(p),
          resourceId: p.id,
          resourceArn: p.arn,
          message: `${p.arn} ${how} through Session Manager, reaching ${reach} definitely; these sessions are unaudited.${fix}`,
          remediation: this.remediation,
        };
      });
  },
};
