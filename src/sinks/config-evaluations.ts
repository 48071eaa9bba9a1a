import {
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type ConfigServiceClient,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import type { AuditReport } from '../report/types';
import { accountAnnotation, annotation, instanceAnnotation, principalAnnotation } from './annotation';

/**
 * The AWS Config sink: evaluations from an AuditReport, PutEvaluations in batches of at most 100
 * with the failed ones retried, and NOT_APPLICABLE for resources an earlier run evaluated that are
 * gone now.
 *
 * IAM resources are keyed by their unique id (AIDA..., AROA...), as Config keys them; instances by
 * their id, as AWS::SSM::ManagedInstanceInventory.
 */
export const MAX_EVALUATIONS_PER_CALL = 100;
export const INSTANCE_RESOURCE_TYPE = 'AWS::SSM::ManagedInstanceInventory';
export const ACCOUNT_RESOURCE_TYPE = 'AWS::::Account';

export class PutEvaluationsError extends Error {
  override readonly name = 'PutEvaluationsError';
}

export interface EvaluationScope {
  /** Only these principals (unique ids) and instances; all when undefined. */
  readonly principalIds?: ReadonlySet<string>;
  readonly instanceIds?: ReadonlySet<string>;
  readonly account?: boolean;
}

/**
 * One evaluation per principal and instance in scope, plus the account. With `onlyNonCompliant`
 * (an incomplete report), COMPLIANT verdicts are left out: nothing is reported COMPLIANT on data
 * that could not be read.
 */
export function evaluationsFromReport(
  report: AuditReport,
  orderingTimestamp: Date,
  scope: EvaluationScope = {},
  onlyNonCompliant = !report.complete,
): Evaluation[] {
  const evaluations: Evaluation[] = [];
  for (const p of report.principals) {
    if (scope.principalIds && !scope.principalIds.has(p.id)) continue;
    evaluations.push({
      ComplianceResourceType: p.type === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Role',
      ComplianceResourceId: p.id,
      ComplianceType: p.compliance,
      Annotation: principalAnnotation(p),
      OrderingTimestamp: orderingTimestamp,
    });
  }
  for (const i of report.instances) {
    if (scope.instanceIds && !scope.instanceIds.has(i.instanceId)) continue;
    evaluations.push({
      ComplianceResourceType: INSTANCE_RESOURCE_TYPE,
      ComplianceResourceId: i.instanceId,
      ComplianceType: i.compliance,
      Annotation: instanceAnnotation(i),
      OrderingTimestamp: orderingTimestamp,
    });
  }
  if (scope.account ?? (!scope.principalIds && !scope.instanceIds)) {
    const accountFindings = report.findings.some((f) => f.resourceType === ACCOUNT_RESOURCE_TYPE);
    evaluations.push({
      ComplianceResourceType: ACCOUNT_RESOURCE_TYPE,
      ComplianceResourceId: report.account.id,
      ComplianceType: accountFindings || !report.complete ? 'NON_COMPLIANT' : 'COMPLIANT',
      Annotation: accountAnnotation(report),
      OrderingTimestamp: orderingTimestamp,
    });
  }
  return onlyNonCompliant ? evaluations.filter((e) => e.ComplianceType !== 'COMPLIANT') : evaluations;
}

export function notApplicable(
  resourceType: string,
  resourceId: string,
  orderingTimestamp: Date,
  why: string,
): Evaluation {
  return {
    ComplianceResourceType: resourceType,
    ComplianceResourceId: resourceId,
    ComplianceType: 'NOT_APPLICABLE',
    Annotation: annotation(why),
    OrderingTimestamp: orderingTimestamp,
  };
}

export interface PutResult {
  readonly posted: number;
  readonly calls: number;
}

/** Posts evaluations, at most 100 a call; FailedEvaluations are retried, then surfaced. */
export async function putEvaluations(
  client: ConfigServiceClient,
  evaluations: readonly Evaluation[],
  resultToken: string,
  options: { readonly attempts?: number } = {},
): Promise<PutResult> {
  const attempts = options.attempts ?? 3;
  // The SDK sends an Invalid Date as `NaN`, which Config cannot read: refuse before posting anything.
  const undated = evaluations.filter((e) => Number.isNaN(e.OrderingTimestamp?.getTime() ?? NaN));
  if (undated.length > 0) {
    const names = undated.map((e) => `${e.ComplianceResourceType}/${e.ComplianceResourceId}`).join(', ');
    throw new PutEvaluationsError(
      `OrderingTimestamp is not a valid date for ${undated.length} evaluation(s): ${names}`,
    );
  }
  const testMode = resultToken === 'TESTMODE';
  let calls = 0;
  for (let start = 0; start < evaluations.length; start += MAX_EVALUATIONS_PER_CALL) {
    let batch = evaluations.slice(start, start + MAX_EVALUATIONS_PER_CALL);
    for (let attempt = 1; batch.length > 0; attempt++) {
      const response = await client.send(
        new PutEvaluationsCommand({
          Evaluations: batch,
          ResultToken: resultToken,
          ...(testMode ? { TestMode: true } : {}),
        }),
      );
      calls++;
      const failed = response.FailedEvaluations ?? [];
      if (failed.length === 0) break;
      if (attempt >= attempts) {
        const names = failed.map((f) => `${f.ComplianceResourceType}/${f.ComplianceResourceId}`).join(', ');
        throw new PutEvaluationsError(
          `PutEvaluations kept failing for ${failed.length} evaluation(s) after ${attempts} attempts: ${names}`,
        );
      }
      const key = (e: Evaluation) => `${e.ComplianceResourceType}\u0000${e.ComplianceResourceId}`;
      const sent = new Set(batch.map(key));
      // A failure that names no evaluation of this batch cannot be re-sent: without this check the
      // retry batch would come out empty and the failure would pass for a success.
      const unknown = failed.filter((f) => !sent.has(key(f)));
      if (unknown.length > 0) {
        const names = unknown.map((f) => `${f.ComplianceResourceType}/${f.ComplianceResourceId}`).join(', ');
        throw new PutEvaluationsError(
          `PutEvaluations reported ${unknown.length} failed evaluation(s) that were not in the request: ${names}`,
          { cause: failed },
        );
      }
      const retry = new Set(failed.map(key));
      batch = batch.filter((e) => retry.has(key(e)));
    }
  }
  return { posted: evaluations.length, calls };
}

/** Every resource the rule has a COMPLIANT or NON_COMPLIANT result for, paged. */
export async function previouslyEvaluated(
  client: ConfigServiceClient,
  configRuleName: string,
): Promise<{ resourceType: string; resourceId: string }[]> {
  const out: { resourceType: string; resourceId: string }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: configRuleName,
        ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
        Limit: 100,
        NextToken: token,
      }),
    );
    for (const r of page.EvaluationResults ?? []) {
      const q = r.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (q?.ResourceType && q.ResourceId)
        out.push({ resourceType: q.ResourceType, resourceId: q.ResourceId });
    }
    token = page.NextToken;
  } while (token);
  return out;
}

/** NOT_APPLICABLE for what was evaluated before and is not in this run's evaluations. */
export function staleEvaluations(
  previous: readonly { resourceType: string; resourceId: string }[],
  current: readonly Evaluation[],
  orderingTimestamp: Date,
): Evaluation[] {
  const now = new Set(current.map((e) => `${e.ComplianceResourceType}\u0000${e.ComplianceResourceId}`));
  const seen = new Set<string>();
  const out: Evaluation[] = [];
  for (const p of previous) {
    const key = `${p.resourceType}\u0000${p.resourceId}`;
    if (now.has(key) || seen.has(key)) continue;
    seen.add(key);
    out.push(notApplicable(p.resourceType, p.resourceId, orderingTimestamp, 'no longer in the account'));
  }
  return out;
}
