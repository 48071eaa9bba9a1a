import { combineContexts, evaluate, matchPolicy, requestContext, type Decision } from '../../src/iam';
import { representativeInstance } from '../../src/rules/audit';
import { buildInstances } from '../../src/rules/instances';
import { buildPrincipals } from '../../src/rules/principals';
import { mostAccess, type Access } from '../../src/rules/session-access';
import { portDocuments } from '../../src/rules/session-documents';
import type { AccountSnapshot } from '../../src/snapshot/types';

/**
 * The straightforward evaluation the audit must equal: every principal against every instance and
 * every Port document, with no instance classes and no caches. Slow by design; for small accounts.
 */
export interface BruteForcePrincipal {
  readonly sshOverSessionManager: Access;
  readonly sshReachableInstances: '*' | string[];
  readonly portForwarding: Access;
}

function combine(d: Decision, i: Decision): Access {
  if (d.decision === 'denied' || i.decision === 'denied') return 'denied';
  if (d.decision === 'unknown' || i.decision === 'unknown') return 'unknown';
  if (d.decision === 'allowed' && i.decision === 'allowed') return 'allowed';
  return 'conditional';
}

export function bruteForce(snapshot: AccountSnapshot): Map<string, BruteForcePrincipal> {
  const { principals } = buildPrincipals(snapshot.iam, snapshot.account.id);
  const { instances: inventory } = buildInstances(snapshot);
  // DESIGN.md: with an empty inventory, ask about a representative instance in the account and region.
  const instances = inventory.length ? inventory : [representativeInstance(snapshot.account)];
  const { documents } = portDocuments(snapshot);
  // Every request about the snapshot's instances and documents goes to its region's endpoint.
  const region = requestContext({ values: { 'aws:RequestedRegion': snapshot.account.region } });
  const capable = inventory.filter((i) => i.sshCapable).map((i) => i.instanceId);
  const out = new Map<string, BruteForcePrincipal>();
  for (const p of principals) {
    const perDoc = documents.map((doc) => {
      const docDecision = evaluate(
        p.policies,
        {
          action: 'ssm:StartSession',
          resource: doc.arn,
          context: combineContexts(doc.context, region, p.context),
        },
        // The stand-in for unlisted documents reads patterns its own way (see unlisted-documents.ts).
        doc.resources
          ? { matchPolicy: (policy, request) => matchPolicy(policy, request, doc.resources) }
          : {},
      );
      return instances.map((inst) => {
        const instDecision = evaluate(p.policies, {
          action: 'ssm:StartSession',
          resource: inst.arn,
          context: combineContexts(inst.context, region, p.context),
        });
        const access = combine(docDecision, instDecision);
        return { inst, access: doc.placeholder && access !== 'denied' ? ('unknown' as Access) : access };
      });
    });
    const sshIndex = documents.findIndex((d) => d.ssh);
    const ssh = perDoc[sshIndex] ?? [];
    const reach = ssh
      .filter((r) => r.access === 'allowed' && r.inst.sshCapable && inventory.includes(r.inst))
      .map((r) => r.inst.instanceId)
      .sort();
    out.set(p.arn, {
      sshOverSessionManager: mostAccess(ssh.map((r) => r.access)),
      sshReachableInstances: capable.length > 0 && reach.length === capable.length ? '*' : reach,
      portForwarding: mostAccess(
        perDoc.filter((_, i) => i !== sshIndex).flatMap((rows) => rows.map((r) => r.access)),
      ),
    });
  }
  return out;
}
