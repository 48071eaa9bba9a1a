import {
  GetResourceConfigHistoryCommand,
  type ConfigServiceClient,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import { validateCompliancePolicy, type CompliancePolicy } from '../config/compliance-policy';
import type { AuditReport } from '../report/types';
import { audit } from '../rules/audit';
import {
  evaluationsFromReport,
  notApplicable,
  previouslyEvaluated,
  putEvaluations,
  staleEvaluations,
} from '../sinks/config-evaluations';
import type { AccountSnapshot } from '../snapshot/types';
import { normalizeRuleParameters, parseConfigRuleEvent, type InvokingEvent } from './config-event';
import { applyConfigurationItem, ConfigurationItemError } from './configuration-item';

/**
 * The Config rule: a periodic run audits everything; a change notification evaluates the changed
 * resource (and, for a group or managed policy, the principals it affects), and the instances that
 * only those principals expose.
 */
export interface ConfigRuleDependencies {
  readonly config: ConfigServiceClient;
  /** The whole account, read afresh. A periodic run always uses it. */
  readonly loadAccount: () => Promise<AccountSnapshot>;
  /**
   * The account a change notification applies its item to; loadAccount when not given. The handler
   * passes a recently read account here (src/lambda/account-cache.ts), so that a burst of
   * notifications does not read the whole account once each.
   */
  readonly accountForChange?: () => Promise<AccountSnapshot>;
  /** Told the account each run audited, once the audit is done and before anything is posted. */
  readonly audited?: (account: AuditedAccount) => void;
  readonly log?: (message: string, details?: Record<string, unknown>) => void;
}

/**
 * The account a run audited: for a periodic run, the account as read; for a change, the account before
 * and after its item was applied, and the item's resource and capture time. `complete` is the audit's:
 * false when anything was unread or unreadable.
 */
export type AuditedAccount =
  | {
      readonly trigger: 'ScheduledNotification';
      readonly snapshot: AccountSnapshot;
      readonly complete: boolean;
    }
  | {
      readonly trigger: 'change';
      readonly before: AccountSnapshot;
      readonly snapshot: AccountSnapshot;
      readonly complete: boolean;
      readonly resourceType: string;
      readonly resourceId: string;
      readonly capturedAt: Date;
    };

export interface ConfigRuleResult {
  readonly messageType: InvokingEvent['messageType'];
  readonly evaluations: number;
  readonly putCalls: number;
  readonly notApplicable: number;
  readonly complete: boolean;
}

/**
 * The instances NON_COMPLIANT only because of the changed principals: the same account audited
 * without them leaves these COMPLIANT. An IAM change that gives a principal access to instances nobody
 * else could reach makes them NON_COMPLIANT now, and their evaluations, which Config may hold as
 * COMPLIANT, are posted with the principal's instead of waiting for the next periodic run.
 *
 * The other way, a principal that loses its access, cannot be told from the new state alone (what it
 * reached before is not in the item): those instances stay NON_COMPLIANT until the periodic run, which
 * errs on the side of a finding.
 */
function exposedOnlyBy(
  applied: ReturnType<typeof applyConfigurationItem>,
  policy: CompliancePolicy,
  report: AuditReport,
): string[] {
  const changed = applied.principalIds;
  if (changed.size === 0) return [];
  const iam = applied.snapshot.iam;
  const without = audit(
    {
      ...applied.snapshot,
      iam: {
        ...iam,
        UserDetailList: iam.UserDetailList.filter((u) => !changed.has(u.UserId)),
        RoleDetailList: iam.RoleDetailList.filter((r) => !changed.has(r.RoleId)),
      },
    },
    policy,
  );
  const compliantWithout = new Set(
    without.instances.filter((i) => i.compliance === 'COMPLIANT').map((i) => i.instanceId),
  );
  return report.instances
    .filter((i) => i.compliance === 'NON_COMPLIANT' && compliantWithout.has(i.instanceId))
    .map((i) => i.instanceId);
}

/**
 * What a change notification's audit must read. A change to one instance's inventory is evaluated for
 * that instance alone, and no instance's verdict depends on another instance (who reaches it, whether
 * it can take SSH, whether it is exempt are its own): the audit reads the changed instance and no
 * other. An SSM Agent rollout sends one notification per instance, and with reserved concurrency 1
 * they run one after another; auditing the whole inventory for each would take hours in a large
 * account, past the 6 hours Lambda keeps a waiting event (README, "Deploying to AWS Lambda").
 * Other instances' gaps (an unreadable agent version) then do not fail the run either. An IAM change
 * is audited whole: a principal's verdict reads every instance.
 */
function whatDecides(
  applied: ReturnType<typeof applyConfigurationItem>,
  resourceType: string,
): AccountSnapshot {
  if (resourceType !== 'AWS::SSM::ManagedInstanceInventory') return applied.snapshot;
  const ids = applied.instanceIds;
  return { ...applied.snapshot, instances: applied.snapshot.instances.filter((i) => ids.has(i.InstanceId)) };
}

/** The audit could not read everything: the non-compliant verdicts were posted, and the invocation fails. */
export class IncompleteAuditError extends Error {
  override readonly name = 'IncompleteAuditError';
}

const EVALUATED_STATUSES = new Set(['OK', 'ResourceDiscovered']);

async function oversizedItem(
  client: ConfigServiceClient,
  summary: { resourceType: string; resourceId: string; configurationItemCaptureTime: string },
): Promise<{ status: string; configuration: unknown; captureTime: string }> {
  const history = await client.send(
    new GetResourceConfigHistoryCommand({
      resourceType: summary.resourceType as never,
      resourceId: summary.resourceId,
      laterTime: new Date(summary.configurationItemCaptureTime),
      limit: 1,
    }),
  );
  const item = history.configurationItems?.[0];
  if (!item) {
    throw new ConfigurationItemError(
      `GetResourceConfigHistory returned no item for ${summary.resourceType} ${summary.resourceId}`,
    );
  }
  let configuration: unknown = item.configuration;
  if (typeof configuration === 'string') {
    try {
      configuration = JSON.parse(configuration);
    } catch (cause) {
      throw new ConfigurationItemError(
        `the configuration of ${summary.resourceId} from GetResourceConfigHistory is not JSON`,
        { cause },
      );
    }
  }
  return {
    status: item.configurationItemStatus ?? 'OK',
    configuration,
    captureTime: item.configurationItemCaptureTime?.toISOString() ?? summary.configurationItemCaptureTime,
  };
}

/** The failure of a run whose audit has gaps, naming each gap, with the gaps as its cause. */
function incompleteAudit(report: AuditReport): IncompleteAuditError {
  return new IncompleteAuditError(
    `the audit is incomplete (${report.gaps.map((g) => `${g.source}: ${g.message}`).join('; ')}); only NON_COMPLIANT results were posted`,
    { cause: report.gaps },
  );
}

export async function runConfigRule(
  rawEvent: unknown,
  deps: ConfigRuleDependencies,
): Promise<ConfigRuleResult> {
  const { event, invoking, ruleParameters } = parseConfigRuleEvent(rawEvent);
  const policy = validateCompliancePolicy(normalizeRuleParameters(ruleParameters), 'ruleParameters');
  const log = deps.log ?? (() => undefined);

  if (invoking.messageType === 'ScheduledNotification') {
    // Valid: parseConfigRuleEvent accepts only ISO-8601 date-times for the event's time stamps.
    const ordering = new Date(invoking.notificationCreationTime);
    const snapshot = await deps.loadAccount();
    const report = audit(snapshot, policy);
    deps.audited?.({ trigger: invoking.messageType, snapshot, complete: report.complete });
    const evaluations = evaluationsFromReport(report, ordering);
    let stale: Evaluation[] = [];
    if (report.complete) {
      // Only a complete run may retire earlier results: an unread resource is not a deleted one.
      stale = staleEvaluations(
        await previouslyEvaluated(deps.config, event.configRuleName),
        evaluations,
        ordering,
      );
    }
    const all = [...evaluations, ...stale];
    const put = await putEvaluations(deps.config, all, event.resultToken);
    log('posted evaluations', {
      evaluations: all.length,
      stale: stale.length,
      calls: put.calls,
      complete: report.complete,
    });
    if (!report.complete) {
      throw incompleteAudit(report);
    }
    return {
      messageType: invoking.messageType,
      evaluations: evaluations.length,
      putCalls: put.calls,
      notApplicable: stale.length,
      complete: true,
    };
  }

  // A change to one resource.
  let resourceType: string;
  let resourceId: string;
  let status: string;
  let configuration: unknown;
  let captureTime: string;
  if (invoking.messageType === 'ConfigurationItemChangeNotification') {
    const item = invoking.configurationItem;
    ({
      resourceType,
      resourceId,
      configurationItemStatus: status,
      configurationItemCaptureTime: captureTime,
    } = item);
    configuration = item.configuration;
  } else {
    const summary = invoking.configurationItemSummary;
    ({ resourceType, resourceId, configurationItemStatus: status } = summary);
    if (EVALUATED_STATUSES.has(status) && !event.eventLeftScope) {
      ({ status, configuration, captureTime } = await oversizedItem(deps.config, summary));
    } else {
      captureTime = summary.configurationItemCaptureTime;
    }
  }
  const ordering = new Date(captureTime);

  if (event.eventLeftScope || !EVALUATED_STATUSES.has(status)) {
    const why = event.eventLeftScope ? 'left the rule scope' : `configuration item status ${status}`;
    const put = await putEvaluations(
      deps.config,
      [notApplicable(resourceType, resourceId, ordering, why)],
      event.resultToken,
    );
    return {
      messageType: invoking.messageType,
      evaluations: 1,
      putCalls: put.calls,
      notApplicable: 1,
      complete: true,
    };
  }

  const before = await (deps.accountForChange ?? deps.loadAccount)();
  const applied = applyConfigurationItem(before, resourceType, resourceId, configuration);
  const report = audit(whatDecides(applied, resourceType), policy);
  deps.audited?.({
    trigger: 'change',
    before,
    snapshot: applied.snapshot,
    complete: report.complete,
    resourceType,
    resourceId,
    capturedAt: ordering,
  });
  const exposed = exposedOnlyBy(applied, policy, report);
  const evaluations = evaluationsFromReport(report, ordering, {
    principalIds: applied.principalIds,
    instanceIds: new Set([...applied.instanceIds, ...exposed]),
    account: false,
  });
  // Groups and managed policies are judged through the principals that use them.
  const self =
    resourceType === 'AWS::IAM::Group' || resourceType === 'AWS::IAM::Policy'
      ? [
          notApplicable(
            resourceType,
            resourceId,
            ordering,
            `evaluated through the ${applied.principalIds.size} principal(s) it affects`,
          ),
        ]
      : [];
  const all = [...evaluations, ...self];
  const put = await putEvaluations(deps.config, all, event.resultToken);
  log('posted evaluations', { resourceType, resourceId, evaluations: all.length, calls: put.calls });
  if (!report.complete) {
    throw incompleteAudit(report);
  }
  return {
    messageType: invoking.messageType,
    evaluations: all.length,
    putCalls: put.calls,
    notApplicable: self.length,
    complete: true,
  };
}
