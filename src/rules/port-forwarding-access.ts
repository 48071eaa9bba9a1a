import type { Rule } from './rule';
import { resourceTypeOf } from './rule';

/** Principals that may open port-forwarding sessions (other Port documents), contrary to policy. */
export const portForwardingAccessRule: Rule = {
  id: 'port-forwarding-over-session-manager',
  title: 'Principal can open unaudited port-forwarding sessions through Session Manager',
  severity: 'high',
  risk:
    'Port-forwarding documents (sessionType Port, such as AWS-StartPortForwardingSession) tunnel any TCP ' +
    'stream to or through the instance; like SSH, Session Manager cannot log these sessions.',
  remediation:
    'Remove ssm:StartSession on the Port documents named, or deny them explicitly; exempt principals that ' +
    'need tunnels in the compliance policy.',
  check(facts) {
    return facts.principals
      .filter((p) => facts.violations.get(p)?.portForwarding === true)
      .map((p) => {
        const docs = p.sessionDocuments
          .filter((d) => d.document !== 'AWS-StartSSHSession')
          .map((d) => `${d.document} (${d.access})`);
        return {
          rule: this.id,
          severity: p.portForwarding === 'conditional' ? 'medium' : 'high',
          resourceType: resourceTypeOf(p),
          resourceId: p.id,
          resourceArn: p.arn,
          message: `${p.arn} can open port-forwarding sessions through ${docs.join(', ')}; these sessions are unaudited.`,
          remediation: this.remediation,
        };
      });
  },
};
