import type { Rule } from './rule';
import { resourceTypeOf } from './rule';
import { SSH_DOCUMENT, UNLISTED_DOCUMENT } from './session-documents';

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
        // Access that is known (allowed or conditional) is stated; unknown access is only possible.
        const docs = p.sessionDocuments.filter((d) => d.document !== SSH_DOCUMENT);
        const named = (d: (typeof docs)[number]): string =>
          d.document === UNLISTED_DOCUMENT
            ? `customer documents the snapshot does not list (${d.access})`
            : `${d.document} (${d.access})`;
        const known = docs.filter((d) => d.access !== 'unknown').map(named);
        const possible = docs.filter((d) => d.access === 'unknown').map(named);
        const can = known.length ? `can open port-forwarding sessions through ${known.join(', ')}` : '';
        const may = possible.length
          ? `${can ? ', and may be able to open them through ' : 'may be able to open port-forwarding sessions through '}${possible.join(', ')}`
          : '';
        return {
          rule: this.id,
          severity: p.portForwarding === 'conditional' ? 'medium' : 'high',
          resourceType: resourceTypeOf(p),
          resourceId: p.id,
          resourceArn: p.arn,
          message: `${p.arn} ${can}${may}; these sessions are unaudited.`,
          remediation: this.remediation,
        };
      });
  },
};
