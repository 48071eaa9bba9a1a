import { compileExemptions, type CompliancePolicy } from '../config/compliance-policy';
import {
  combineContexts,
  compileCondition,
  evaluateCondition,
  policyVariableKeys,
  requestContext,
  type CompiledPolicy,
  type Decision,
  type RequestContext,
  type StatementRef,
  type UndeterminedCondition,
} from '../iam';
import type {
  Access,
  AuditReport,
  DocumentAccessReport,
  InstanceReport,
  PrincipalReport,
  Reason,
} from '../report/types';
import type { AccountSnapshot, Gap } from '../snapshot/types';
import { classifyInstances, type InstanceClass } from './instance-classes';
import { buildInstances, instanceArn, resourceTagContext, type ManagedInstance } from './instances';
import { buildPrincipals } from './principals';
import { targetReasons, uniqueReasons } from './reasons';
import { RULES } from './registry';
import type { PrincipalViolations } from './rule';
import { describeSessionLogging } from './session-logging';
import {
  analyzeSessionAccess,
  requestedRegionContext,
  mostAccess,
  START_SESSION,
  targetFor,
  type DocumentAccess,
  type PrincipalAccess,
} from './session-access';
import { portDocuments } from './session-documents';
import { TAG_KEY } from './statement-parts';
import { findGuardrails } from './ssh-guardrail';

/**
 * The whole audit, pure: a snapshot and a compliance policy in, an AuditReport out.
 *
 * @example
 * const report = audit(await loadSnapshotDirectory('examples/account'), DEFAULT_COMPLIANCE_POLICY);
 */
export function audit(
  snapshot: AccountSnapshot,
  policy: CompliancePolicy,
  now: Date = new Date(),
): AuditReport {
  const exemptions = compileExemptions(policy);
  const inventory = buildPrincipals(snapshot.iam, snapshot.account.id);
  const { instances, gaps: instanceGaps } = buildInstances(snapshot);
  const { documents, gaps: documentGaps } = portDocuments(snapshot);

  // A truncated file means instances or principals exist that the audit cannot see (fail closed).
  const unlistedInstances = snapshot.gaps.some((g) => g.source === 'instances');
  const unlistedPrincipals = snapshot.gaps.some((g) => g.source === 'iam');
  // With no instances, or some missing from a truncated inventory, ask about a representative
  // instance in the account and region too. It is its own class and is never reported.
  const representative =
    instances.length === 0 || unlistedInstances
      ? [representativeInstance(snapshot.account, unlistedInstances ? 'unlisted' : 'empty')]
      : [];
  const targets = [...instances, ...representative];
  const isExempt = (i: ManagedInstance): boolean =>
    !representative.includes(i) && exemptions.instance(i.instanceId, i.tags);
  const distinctPolicies = [
    ...new Set(inventory.attachedPolicies.flatMap((a) => (a.compiled.ok ? [a.compiled.policy] : []))),
  ] as CompiledPolicy[];
  const classes = classifyInstances(
    targets,
    distinctPolicies,
    START_SESSION,
    // Whether its tags were read too: a tag condition is undetermined alike on an instance whose tags
    // were not read and on one whose tag keys differ only in case, but only on the first may some tags
    // allow the request outright (classTagsUnread, read off each class's representative).
    (i) =>
      `${representative.includes(i) ? 'R' : ''}${i.sshCapable ? 1 : 0}${isExempt(i) ? 1 : 0}${i.tags === undefined ? 'u' : ''}`,
  );
  const classExempt = classes.map((c) => isExempt(c.representative));
  const classCapable = classes.map(
    (c) => c.representative.sshCapable && !representative.includes(c.representative),
  );
  const capableCount = instances.filter((i) => i.sshCapable).length;
  // Listed instances whose tags could not be read (tags.json missing or cut short, a hybrid node it
  // does not cover): a gap, so a condition on their tags is unknown data, not a request-time condition.
  const classTagsUnread = classes.map(
    (c) => c.representative.tags === undefined && !representative.includes(c.representative),
  );

  const requestedRegion = requestedRegionContext(snapshot.account.region);
  const analysis = analyzeSessionAccess(inventory.principals, documents, classes, requestedRegion);
  const violation = (a: Access): boolean =>
    a === 'allowed' || a === 'unknown' || (a === 'conditional' && policy.conditionalIsViolation);

  // Principals with the same policies share their per-class access arrays (see session-access.ts), so
  // everything derived from one is computed once per array: the capable classes definitely reached,
  // their instance count, and the classes where access violates the policy.
  interface Derived {
    readonly count: number;
    /** Every SSH-capable instance, and the inventory is complete: the list is "*". */
    readonly all: boolean;
    /** The ids of the capable classes definitely reached, joined: equal for equal reach. */
    readonly reachKey: string;
    readonly reached: readonly number[];
    readonly violating: readonly number[];
    /**
     * Classes whose tags were not read where access is conditional and conditional access is no
     * violation: it may be conditional only for want of their tags (see mayBeAllowedForSomeTags).
     */
    readonly conditionalOnUnreadTags: readonly number[];
  }
  const derivedOf = new WeakMap<readonly Access[], Derived>();
  const NOTHING: Derived = {
    count: 0,
    all: false,
    reachKey: '',
    reached: [],
    violating: [],
    conditionalOnUnreadTags: [],
  };
  const derived = (d: DocumentAccess | undefined): Derived => {
    const perClass = d?.perClass;
    if (!perClass) return NOTHING;
    let found = derivedOf.get(perClass);
    if (found) return found;
    const reached: number[] = [];
    const violating: number[] = [];
    const conditionalOnUnreadTags: number[] = [];
    let count = 0;
    perClass.forEach((access, id) => {
      if (access === 'allowed' && classCapable[id]) {
        reached.push(id);
        count += (classes[id] as InstanceClass).members.length;
      }
      if (classExempt[id]) return;
      if (violation(access)) violating.push(id);
      else if (access === 'conditional' && classTagsUnread[id]) conditionalOnUnreadTags.push(id);
    });
    const all = !unlistedInstances && capableCount > 0 && count === capableCount;
    found = { count, all, reachKey: reached.join(','), reached, violating, conditionalOnUnreadTags };
    derivedOf.set(perClass, found);
    return found;
  };

  // The classes where access through a document is conditional, leaving out exempt ones.
  const conditionalClasses = (d: DocumentAccess): number[] => {
    const found: number[] = [];
    d.perClass?.forEach((access, id) => {
      if (access === 'conditional' && !classExempt[id]) found.push(id);
    });
    return found;
  };

  // Every instance once, sorted by id, with its class: a reach list is a filter of this, no sorting.
  const classOf = new Map<ManagedInstance, number>();
  for (const c of classes) for (const m of c.members) classOf.set(m, c.id);
  // Copies of the ids, side by side in memory: JSON.parse allocates the strings it makes one after
  // another, and the round trip gives back every string exactly. Sorting reads the ids over and over,
  // and every reach list holds them and is written from them: from one compact run of memory that is
  // several times faster than from the originals, which lie scattered through the parsed inventory.
  const ids: readonly string[] = JSON.parse(JSON.stringify(targets.map((t) => t.instanceId)));
  const order = ids
    .map((_, i) => i)
    .sort((a, b) => {
      const x = ids[a] as string;
      const y = ids[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const sortedIds = order.map((i) => ids[i] as string);
  const sortedClassIds = Int32Array.from(order, (i) => classOf.get(targets[i] as ManagedInstance) as number);
  // Only the SSH document's reach is listed in the report, and many principals reach the same classes
  // (every EC2 instance, one team's instances): one list per distinct reach, made when first needed.
  const lists = new Map<string, '*' | readonly string[]>();
  const reachList = (reach: Derived): '*' | readonly string[] => {
    let list = lists.get(reach.reachKey);
    if (!list) {
      if (reach.all) list = '*';
      else {
        const inSet = new Uint8Array(classes.length);
        for (const id of reach.reached) inSet[id] = 1;
        const found: string[] = [];
        for (let i = 0; i < sortedIds.length; i++)
          if (inSet[sortedClassIds[i] as number] === 1) found.push(sortedIds[i] as string);
        list = found;
      }
      lists.set(reach.reachKey, list);
    }
    return list;
  };

  const exposure = new Array<number>(classes.length).fill(0);
  // Which principal last counted each class: a class reached through several documents counts once.
  const countedFor = new Int32Array(classes.length).fill(-1);
  // Most violating principals violate through one array of classes (documents alike share theirs, see
  // session-access.ts), often the same as thousands of others: those are counted per array, and each
  // array's classes are added up once at the end.
  const principalsPerArray = new Map<readonly number[], number>();
  const reasonsByDecision = new WeakMap<Decision, Reason[]>();
  const violations = new Map<PrincipalReport, PrincipalViolations>();
  const principals = analysis.map((pa, index): PrincipalReport => {
    const p = pa.principal;
    const exempt = exemptions.principal(p.arn);
    const ssh = pa.documents.find((d) => d.document.ssh);
    const others = pa.documents.filter((d) => !d.document.ssh);
    const granted = pa.documents.filter((d) => d.access !== 'denied');
    const sessionDocuments: DocumentAccessReport[] = granted.map((d) => {
      const { count, all } = derived(d);
      return {
        document: d.document.name,
        access: d.access,
        reachableInstanceCount: count,
        reachesAllInstances: all,
      };
    });

    // Compliance counts only instances that are not exempt.
    let violating = false;
    let sshViolates = false;
    let portForwardingViolates = false;
    // What the audit knows of every request of this principal, whatever the instance (made on first use).
    let known: RequestContext | undefined;
    // The distinct arrays of classes this principal violates on.
    const violatedArrays: (readonly number[])[] = [];
    if (!exempt) {
      for (const d of granted) {
        const found = derived(d);
        let classesViolating = found.violating;
        // Conditional access the policy accepts is a violation all the same where it is conditional for
        // want of tags that were not read, an instance's or a customer document's, and some tags would
        // allow it outright (fail closed), as `allowed` is once the tags are read: the decisions on the
        // document and on the instance must each be allowed, outright or for some of its unread tags.
        let candidates: readonly number[] = [];
        // With the document allowed outright, the classes to ask about are derived once per array.
        if (d.verdict === 'allowed') candidates = found.conditionalOnUnreadTags;
        else if (
          d.verdict === 'conditional' &&
          d.document.tagsUnread === true &&
          !policy.conditionalIsViolation &&
          mayBeAllowedForSomeTags(d.decision, (known ??= combineContexts(requestedRegion, p.context)))
        )
          candidates = conditionalClasses(d);
        if (candidates.length) {
          const context = (known ??= combineContexts(requestedRegion, p.context));
          const byTags = candidates.filter((id) => {
            const instance = pa.instanceVerdicts[id];
            return (
              instance === 'allowed' ||
              (instance === 'conditional' &&
                classTagsUnread[id] === true &&
                mayBeAllowedForSomeTags(pa.instanceDecision(id), context))
            );
          });
          if (byTags.length) classesViolating = [...classesViolating, ...byTags];
        }
        if (classesViolating.length) {
          violating = true;
          if (d.document.ssh) sshViolates = true;
          else portForwardingViolates = true;
          if (!violatedArrays.includes(classesViolating)) violatedArrays.push(classesViolating);
        }
      }
    }
    if (violatedArrays.length === 1) {
      const only = violatedArrays[0] as readonly number[];
      principalsPerArray.set(only, (principalsPerArray.get(only) ?? 0) + 1);
    } else {
      for (const array of violatedArrays)
        for (const id of array) {
          if (countedFor[id] !== index) {
            countedFor[id] = index;
            exposure[id] = (exposure[id] as number) + 1;
          }
        }
    }
    const report: PrincipalReport = {
      arn: p.arn,
      type: p.type,
      name: p.name,
      id: p.id,
      sshOverSessionManager: ssh?.access ?? 'denied',
      sshReachableInstances: reachList(derived(ssh)),
      portForwarding: mostAccess(others.map((d) => d.access)),
      sessionDocuments,
      exempt,
      compliance: violating ? 'NON_COMPLIANT' : 'COMPLIANT',
      reasons: principalReasons(pa, classes, reasonsByDecision),
    };
    if (violating) violations.set(report, { ssh: sshViolates, portForwarding: portForwardingViolates });
    return report;
  });
  for (const [array, count] of principalsPerArray)
    for (const id of array) exposure[id] = (exposure[id] as number) + count;

  // In the order of instances.json: every listed instance once, and never the representative.
  const instanceReports = instances.map((m): InstanceReport => {
    const id = classOf.get(m) as number;
    const exempt = classExempt[id] as boolean;
    const exposedTo = exempt ? 0 : (exposure[id] as number);
    return {
      instanceId: m.instanceId,
      arn: m.arn,
      agentVersion: m.info.AgentVersion ?? null,
      sshCapable: m.sshCapable,
      sshCapability: m.capability,
      pingStatus: m.info.PingStatus ?? null,
      platformType: m.info.PlatformType ?? null,
      platformName: m.info.PlatformName ?? null,
      resourceType: m.info.ResourceType ?? null,
      exempt,
      exposedTo,
      // With principals missing from a truncated iam.json, any of them may reach it: fail closed.
      compliance:
        m.sshCapable && !exempt && (exposedTo > 0 || unlistedPrincipals) ? 'NON_COMPLIANT' : 'COMPLIANT',
    };
  });

  const sshDocumentArn = documents.find((d) => d.ssh)?.arn as string;
  const explicitlyDenied = analysis.filter((pa) => {
    const ssh = pa.documents.find((d) => d.document.ssh);
    const decision = ssh?.decision;
    return decision?.decision === 'denied' && decision.denial === 'explicit';
  }).length;
  const guardrail = findGuardrails(inventory.attachedPolicies, sshDocumentArn, explicitlyDenied);
  const sessionLogging = describeSessionLogging(snapshot.sessionPreferences);

  const facts = {
    account: snapshot.account,
    policy,
    principals,
    instances: instanceReports,
    sessionLogging,
    guardrail,
    violations,
  };
  const findings = RULES.flatMap((rule) => rule.check(facts));

  const gaps = mergeGaps([...snapshot.gaps, ...inventory.gaps, ...instanceGaps, ...documentGaps]);
  return {
    schemaVersion: 1,
    generatedAt: now.toISOString(),
    account: { id: snapshot.account.id, region: snapshot.account.region },
    complete: gaps.length === 0,
    gaps,
    summary: {
      principals: principals.length,
      instances: instanceReports.length,
      sshCapableInstances: capableCount,
      instanceClasses: classes.length,
      nonCompliantPrincipals: principals.filter((p) => p.compliance === 'NON_COMPLIANT').length,
      nonCompliantInstances: instanceReports.filter((i) => i.compliance === 'NON_COMPLIANT').length,
      principalsWithUnauditedAccess: principals.filter(
        (p) => p.sshOverSessionManager !== 'denied' || p.portForwarding !== 'denied',
      ).length,
      exposedInstances: instanceReports.filter((i) => i.exposedTo > 0 && i.sshCapable).length,
      findings: findings.length,
    },
    sessionLogging,
    guardrail,
    principals,
    instances: instanceReports,
    findings,
  };
}

/**
 * Whether a conditional decision on a resource whose tags were not read (an instance, or a customer
 * document) may be a definite Allow for some tags: every layer has an Allow that applies outright or
 * only under conditions and patterns that the resource's tags decide, and no Deny applies under
 * conditions the tags cannot decide. A condition or pattern is decided by the tags when it reads a tag,
 * through its key (`ssm:resourceTag/Team`) or a policy variable (`aws:PrincipalArn` equal to
 * `${aws:ResourceTag/Owner}`, a Resource ending in `${aws:ResourceTag/x}`), and everything else it
 * reads is known for this principal (`known`):
 * `"ssm:resourceTag/Team": "${aws:PrincipalTag/Team}"` is not, for a role whose session tags are
 * unknown, and `"aws:PrincipalTag/Team": "${ssm:resourceTag/Team}"` is, for a user whose tags are read;
 * nor is a condition that the tag's absence satisfies (`StringNotEquals`, `...IfExists`). A Deny that
 * reads a tag at all may not apply. Tags count as able to take any value or none, so the answer errs
 * towards yes (fail closed).
 */
function mayBeAllowedForSomeTags(decision: Decision, known: RequestContext): boolean {
  if (decision.decision !== 'conditional') return false;
  const tagOrKnown = (key: string): boolean => TAG_KEY.test(key) || known.lookup(key).state !== 'unknown';
  const readsOf = (c: UndeterminedCondition): string[] => [
    c.key,
    ...c.values.flatMap((v) => policyVariableKeys(v)),
  ];
  const readsTag = (keys: readonly string[]): boolean => keys.some((k) => TAG_KEY.test(k));
  // An Allow's condition some tags satisfy outright: one that reads a tag and nothing else unknown, or
  // one on a tag key that the key's absence satisfies (IfExists, a negated operator, ForAllValues, Null).
  const allowDecided = (c: UndeterminedCondition): boolean =>
    (tagOrKnown(c.key) && valuesDecided(c)) || (TAG_KEY.test(c.key) && conditionFactsOf(c).whenMissing);
  // The values of a key are ORed: one value that reads nothing else unknown is enough, `["${aws:
  // PrincipalTag/Team}", "red"]` on a tag, except for a negated operator, which must miss them all.
  const valuesDecided = (c: UndeterminedCondition): boolean => {
    const keyReadsTag = TAG_KEY.test(c.key);
    const decided = (v: string): boolean => policyVariableKeys(v).every(tagOrKnown);
    const readsTagOf = (v: string): boolean => keyReadsTag || readsTag(policyVariableKeys(v));
    return conditionFactsOf(c).negated
      ? c.values.every(decided) && c.values.some(readsTagOf)
      : c.values.some((v) => decided(v) && readsTagOf(v));
  };
  const patternDecided = (pattern: string): boolean => {
    const keys = policyVariableKeys(pattern);
    return readsTag(keys) && keys.every(tagOrKnown);
  };
  const onTagsOnly = (s: StatementRef): boolean => {
    if (!s.conditional) return true;
    const conditions = s.undeterminedConditions ?? [];
    const patterns = s.undeterminedPatterns ?? [];
    return (
      conditions.length + patterns.length > 0 &&
      conditions.every(allowDecided) &&
      // The patterns of a Resource list are ORed: one the tags decide is enough (for a NotResource
      // list, which must miss them all, this errs towards yes).
      (patterns.length === 0 || patterns.some(patternDecided))
    );
  };
  const layers = new Set<string>();
  const granting = new Set<string>();
  for (const s of decision.statements) {
    if (s.effect === 'Deny') {
      // A Deny that reads a tag may not apply for some tags, whatever else it reads (fail closed).
      if (
        !(s.undeterminedConditions ?? []).some((c) => readsTag(readsOf(c))) &&
        !(s.undeterminedPatterns ?? []).some((p) => readsTag(policyVariableKeys(p)))
      )
        return false;
      continue;
    }
    layers.add(s.layer);
    if (onTagsOnly(s)) granting.add(s.layer);
  }
  return layers.size > 0 && granting.size === layers.size;
}

/**
 * Of an undetermined condition, worked out once (the engine shares each between all the principals
 * and instance classes whose decisions cite it): whether its operator is a negated one
 * (`StringNotEquals`, `NotIpAddress`, ...), and whether it holds when its key is missing from the
 * request, as the evaluator reads the operator: whatever the case of its text (`stringNotEquals`), and
 * with a `ForAnyValue:` qualifier false even on a negated or `...IfExists` operator.
 */
const conditionFacts = new WeakMap<UndeterminedCondition, { negated: boolean; whenMissing: boolean }>();
function conditionFactsOf(c: UndeterminedCondition): { negated: boolean; whenMissing: boolean } {
  let facts = conditionFacts.get(c);
  if (!facts) {
    const compiled = compileCondition(c.operator, c.key, c.values, { variables: true });
    facts = {
      negated: compiled.operator?.negated === true,
      whenMissing: evaluateCondition(compiled, requestContext({ absent: [c.key] })) === 'yes',
    };
    conditionFacts.set(c, facts);
  }
  return facts;
}

/** One gap per source: what the loader and the rules say about the same missing data, together. */
function mergeGaps(gaps: readonly Gap[]): Gap[] {
  const bySource = new Map<string, string[]>();
  for (const gap of gaps) {
    const messages = bySource.get(gap.source) ?? [];
    if (!messages.includes(gap.message)) messages.push(gap.message);
    bySource.set(gap.source, messages);
  }
  return [...bySource].map(([source, messages]) => ({ source, message: messages.join('; ') }));
}

export function representativeInstance(
  account: AccountSnapshot['account'],
  why: 'empty' | 'unlisted' = 'empty',
): ManagedInstance {
  const info = { InstanceId: 'i-00000000000000000' };
  return {
    info,
    instanceId: info.InstanceId,
    arn: instanceArn(info, account),
    hybrid: false,
    tags: undefined,
    context: resourceTagContext(undefined),
    sshCapable: true,
    ...(why === 'unlisted' ? { placeholder: true } : {}),
    capability:
      why === 'empty'
        ? 'a representative instance: the inventory is empty'
        : 'a representative instance: it stands for those missing from a truncated inventory',
  };
}

/**
 * The statements to change: for each Port document the principal is not denied, the decisions on its
 * best-reached instance class; and why it is denied SSH, when it is, since sshOverSessionManager is
 * the report's first verdict on it (a Deny of AWS-StartSSHSession beside a port-forwarding grant).
 */
function principalReasons(
  pa: PrincipalAccess,
  classes: readonly InstanceClass[],
  byDecision: WeakMap<Decision, Reason[]>,
): Reason[] {
  const best = (d: DocumentAccess): number => {
    if (!d.perClass) return 0;
    return d.perClass.indexOf(d.access);
  };
  const granted = pa.documents.filter((d) => d.access !== 'denied');
  const sshDenied = pa.documents.filter((d) => d.document.ssh && d.access === 'denied');
  const shown = [...sshDenied, ...granted];
  const reasonsFor = (d: DocumentAccess): Reason[] => {
    const id = best(d);
    const target = targetFor(pa, d, id);
    // Without an instance decision the reasons depend on the document decision alone, which
    // principals alike share (see session-access.ts): worked out once per decision.
    if (target.instance) return targetReasons(target, d.document.arn, classes[id]?.representative.arn);
    let found = byDecision.get(target.document);
    if (!found) {
      found = targetReasons(target, d.document.arn, undefined);
      byDecision.set(target.document, found);
    }
    return found;
  };
  if (shown.length === 1) return reasonsFor(shown[0] as DocumentAccess);
  return uniqueReasons(shown.flatMap(reasonsFor));
}
