import {
  compileExemptions,
  DEFAULT_COMPLIANCE_POLICY,
  type CompliancePolicy,
} from '../../src/config/compliance-policy';
import {
  ABSENT,
  combineContexts,
  evaluate,
  matchPolicy,
  requestContext,
  UNKNOWN,
  type Decision,
  type KeyState,
  type RequestContext,
} from '../../src/iam';
import { representativeInstance } from '../../src/rules/audit';
import { buildInstances, type ManagedInstance } from '../../src/rules/instances';
import { buildPrincipals } from '../../src/rules/principals';
import { mostAccess, type Access } from '../../src/rules/session-access';
import { portDocuments } from '../../src/rules/session-documents';
import type { AuditReport, DocumentAccessReport } from '../../src/report/types';
import type { AccountSnapshot } from '../../src/snapshot/types';

/**
 * The straightforward evaluation the audit must equal: every principal against every instance and
 * every Port document, with no instance classes and no caches. Slow by design; for small accounts.
 */
export interface BruteForcePrincipal {
  readonly sshOverSessionManager: Access;
  readonly sshReachableInstances: '*' | readonly string[];
  readonly portForwarding: Access;
  /** Each Port document the principal is not denied, in the order of the snapshot's documents. */
  readonly sessionDocuments: readonly DocumentAccessReport[];
  readonly compliance: 'COMPLIANT' | 'NON_COMPLIANT';
  /**
   * COMPLIANT above, but only for want of tags that no candidate has: conditional access the policy
   * accepts on an instance whose tags were not read. The audit may fail closed there (NON_COMPLIANT).
   */
  readonly mayFailClosed?: true;
}

export interface BruteForce {
  readonly principals: Map<string, BruteForcePrincipal>;
  /** Each listed instance's compliance, by instance id. */
  readonly instances: Map<string, 'COMPLIANT' | 'NON_COMPLIANT'>;
  /** How many principals that are not exempt violate the policy on each listed instance, by id. */
  readonly exposedTo: Map<string, number>;
  /** The COMPLIANT instances that the audit may report NON_COMPLIANT (see mayFailClosed). */
  readonly mayFailClosed?: Set<string>;
  /**
   * Per instance, the principals (by ARN) the audit may also count in exposedTo: those it may fail
   * closed for there (see mayFailClosed), which it then reports NON_COMPLIANT. Only instances with some.
   */
  readonly mayAlsoExpose?: Map<string, readonly string[]>;
}

/** What the brute force computes, read off an audit report: the two are compared in this shape. */
export function reportAsBruteForce(report: AuditReport): BruteForce {
  return {
    principals: new Map(
      report.principals.map((p) => [
        p.arn,
        {
          sshOverSessionManager: p.sshOverSessionManager,
          sshReachableInstances: p.sshReachableInstances,
          portForwarding: p.portForwarding,
          sessionDocuments: p.sessionDocuments,
          compliance: p.compliance,
        },
      ]),
    ),
    instances: new Map(report.instances.map((i) => [i.instanceId, i.compliance])),
    exposedTo: new Map(report.instances.map((i) => [i.instanceId, i.exposedTo])),
  };
}

/**
 * The tags an instance whose tags were not read might have: per tag key, the values to try (each key
 * is also tried absent). Every combination is tried, so keep it small. Without any, only no tags.
 */
export type TagCandidates = Readonly<Record<string, readonly string[]>>;

function combine(d: Decision, i: Decision): Access {
  if (d.decision === 'denied' || i.decision === 'denied') return 'denied';
  if (d.decision === 'unknown' || i.decision === 'unknown') return 'unknown';
  if (d.decision === 'allowed' && i.decision === 'allowed') return 'allowed';
  return 'conditional';
}

/**
 * The tag part of a request about an instance, written again here rather than taken from the audit
 * (instances.ts builds it with caches of key sets), so that a defect there cannot fool both sides of
 * the comparison. IAM reads `ssm:resourceTag/<key>` and `aws:ResourceTag/<key>` in any case: a tag the
 * instance has is present, one it lacks is absent, and tag keys that differ only in case and disagree
 * leave the value unknown. Tags that were not read leave every key unknown.
 */
function plainTagContext(tags: Readonly<Record<string, string>> | undefined): RequestContext {
  return {
    lookup(key: string): KeyState {
      const name = /^(?:ssm|aws):resourcetag\/(.*)$/s.exec(key.toLowerCase())?.[1];
      if (tags === undefined || name === undefined) return UNKNOWN;
      const values = new Set(
        Object.entries(tags)
          .filter(([k]) => k.toLowerCase() === name)
          .map(([, v]) => v),
      );
      if (values.size === 0) return ABSENT;
      return values.size === 1 ? { state: 'present', values: [...values] } : UNKNOWN;
    },
  };
}

/** Every assignment of the candidate values (or none) to the candidate keys. */
function tagAssignments(candidates: TagCandidates): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(candidates)) {
    out = out.flatMap((tags) => [tags, ...values.map((v) => ({ ...tags, [key]: v }))]);
  }
  return out;
}

export function bruteForce(
  snapshot: AccountSnapshot,
  policy: CompliancePolicy = DEFAULT_COMPLIANCE_POLICY,
  tagCandidates?: TagCandidates,
): BruteForce {
  const { principals } = buildPrincipals(snapshot.iam, snapshot.account.id);
  const { instances: inventory } = buildInstances(snapshot);
  // DESIGN.md: with an empty inventory, ask about a representative instance in the account and region.
  const instances = inventory.length ? inventory : [representativeInstance(snapshot.account)];
  const { documents } = portDocuments(snapshot);
  const exemptions = compileExemptions(policy);
  const unlistedPrincipals = snapshot.gaps.some((g) => g.source === 'iam');
  let assignments: Record<string, string>[] | undefined;
  // Every request about the snapshot's instances and documents goes to its region's endpoint.
  const region = requestContext({ values: { 'aws:RequestedRegion': snapshot.account.region } });
  const capable = inventory.filter((i) => i.sshCapable).map((i) => i.instanceId);
  const instanceExempt = (i: ManagedInstance): boolean =>
    inventory.includes(i) && exemptions.instance(i.instanceId, i.tags);
  const exposed = new Set<ManagedInstance>();
  const maybeExposed = new Set<ManagedInstance>();
  const exposedTo = new Map(inventory.map((i) => [i.instanceId, 0]));
  const mayAlsoExpose = new Map<string, string[]>();
  const out = new Map<string, BruteForcePrincipal>();
  for (const p of principals) {
    const onInstance = (inst: ManagedInstance, context = plainTagContext(inst.tags)): Decision =>
      evaluate(p.policies, {
        action: 'ssm:StartSession',
        resource: inst.arn,
        context: combineContexts(context, region, p.context),
      });
    // Whether some tags of an instance whose tags were not read would allow the request outright: the
    // same for every document, so asked once per instance.
    const allowedForSomeTags = new Map<ManagedInstance, boolean>();
    const someTagsAllow = (inst: ManagedInstance): boolean => {
      let found = allowedForSomeTags.get(inst);
      if (found === undefined) {
        found = (assignments ??= tagAssignments(tagCandidates ?? {})).some(
          (tags) => onInstance(inst, plainTagContext(tags)).decision === 'allowed',
        );
        allowedForSomeTags.set(inst, found);
      }
      return found;
    };
    const exempt = exemptions.principal(p.arn);
    let violating = false;
    let mayFailClosed = false;
    // The instances this principal is counted for: once each, through however many documents.
    const exposedHere = new Set<ManagedInstance>();
    const maybeHere = new Set<ManagedInstance>();
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
      // Whether some tags of a customer document whose tags were not listed would allow the request on
      // it outright (asked once per document, and only when it matters).
      let documentTagsAllow: boolean | undefined;
      const someDocumentTagsAllow = (): boolean =>
        (documentTagsAllow ??= (assignments ??= tagAssignments(tagCandidates ?? {})).some(
          (tags) =>
            evaluate(p.policies, {
              action: 'ssm:StartSession',
              resource: doc.arn,
              context: combineContexts(plainTagContext(tags), region, p.context),
            }).decision === 'allowed',
        ));
      return instances.map((inst) => {
        const instanceDecision = onInstance(inst);
        const combined = combine(docDecision, instanceDecision);
        const access = doc.placeholder && combined !== 'denied' ? ('unknown' as Access) : combined;
        // Compliance: access that the policy does not accept, on an instance that is not exempt.
        // Conditional access it accepts is a violation all the same on an instance whose tags were not
        // read when some tags would allow it outright (fail closed).
        const onUnreadTags =
          access === 'conditional' &&
          !policy.conditionalIsViolation &&
          inst.tags === undefined &&
          inventory.includes(inst) &&
          docDecision.decision === 'allowed';
        // Conditional on the document's tags that were not listed: the same, on an instance that allows
        // the request outright, or for some tags of its own that were not read either.
        const onUnreadDocumentTags =
          access === 'conditional' &&
          !policy.conditionalIsViolation &&
          doc.tagsUnread === true &&
          docDecision.decision === 'conditional' &&
          (instanceDecision.decision === 'allowed' ||
            (instanceDecision.decision === 'conditional' &&
              inst.tags === undefined &&
              inventory.includes(inst)));
        const violation =
          access === 'allowed' ||
          access === 'unknown' ||
          (access === 'conditional' && policy.conditionalIsViolation) ||
          (onUnreadTags && someTagsAllow(inst)) ||
          (onUnreadDocumentTags &&
            someDocumentTagsAllow() &&
            (instanceDecision.decision === 'allowed' || someTagsAllow(inst)));
        if (!exempt && !instanceExempt(inst)) {
          if (violation) {
            violating = true;
            exposed.add(inst);
            exposedHere.add(inst);
          } else if (onUnreadTags || onUnreadDocumentTags) {
            mayFailClosed = true;
            maybeExposed.add(inst);
            maybeHere.add(inst);
          }
        }
        return { inst, access };
      });
    });
    for (const inst of exposedHere) {
      if (inventory.includes(inst)) exposedTo.set(inst.instanceId, (exposedTo.get(inst.instanceId) ?? 0) + 1);
    }
    for (const inst of maybeHere) {
      if (inventory.includes(inst) && !exposedHere.has(inst))
        mayAlsoExpose.set(inst.instanceId, [...(mayAlsoExpose.get(inst.instanceId) ?? []), p.arn]);
    }
    const sshIndex = documents.findIndex((d) => d.ssh);
    const ssh = perDoc[sshIndex] ?? [];
    const reach = ssh
      .filter((r) => r.access === 'allowed' && r.inst.sshCapable && inventory.includes(r.inst))
      .map((r) => r.inst.instanceId)
      .sort();
    const sessionDocuments = documents.flatMap((doc, i): DocumentAccessReport[] => {
      const rows = perDoc[i] ?? [];
      const access = mostAccess(rows.map((r) => r.access));
      if (access === 'denied') return [];
      const reached = rows.filter(
        (r) => r.access === 'allowed' && r.inst.sshCapable && inventory.includes(r.inst),
      ).length;
      return [
        {
          document: doc.name,
          access,
          reachableInstanceCount: reached,
          reachesAllInstances: capable.length > 0 && reached === capable.length,
        },
      ];
    });
    out.set(p.arn, {
      sshOverSessionManager: mostAccess(ssh.map((r) => r.access)),
      sshReachableInstances: capable.length > 0 && reach.length === capable.length ? '*' : reach,
      portForwarding: mostAccess(
        perDoc.filter((_, i) => i !== sshIndex).flatMap((rows) => rows.map((r) => r.access)),
      ),
      sessionDocuments,
      compliance: violating ? 'NON_COMPLIANT' : 'COMPLIANT',
      ...(mayFailClosed && !violating ? { mayFailClosed: true as const } : {}),
    });
  }
  const compliance = new Map(
    inventory.map((i) => [
      i.instanceId,
      i.sshCapable && !instanceExempt(i) && (exposed.has(i) || unlistedPrincipals)
        ? ('NON_COMPLIANT' as const)
        : ('COMPLIANT' as const),
    ]),
  );
  const mayFail = inventory.filter(
    (i) => compliance.get(i.instanceId) === 'COMPLIANT' && i.sshCapable && maybeExposed.has(i),
  );
  return {
    principals: out,
    instances: compliance,
    exposedTo,
    ...(mayFail.length ? { mayFailClosed: new Set(mayFail.map((i) => i.instanceId)) } : {}),
    ...(mayAlsoExpose.size ? { mayAlsoExpose } : {}),
  };
}
