import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { CompliancePolicy } from '../config/compliance-policy';
import { buildSnsMessage } from '../report/sns-message';
import { audit } from '../rules/audit';
import type { AccountSnapshot } from '../snapshot/types';
import { ConfigurationError } from './environment';

export interface NightlyReportDependencies {
  readonly sns: SNSClient;
  readonly loadAccount: () => Promise<AccountSnapshot>;
  readonly topicArn: string | undefined;
  readonly policy: CompliancePolicy;
  readonly fullReportHint?: string;
}

export interface NightlyReportResult {
  readonly messageId: string | undefined;
  readonly subject: string;
  readonly bytes: number;
  readonly summarized: boolean;
  readonly complete: boolean;
}

/** Runs the full audit and publishes exactly one message to the report topic. */
export async function runNightlyReport(deps: NightlyReportDependencies): Promise<NightlyReportResult> {
  if (!deps.topicArn)
    throw new ConfigurationError('REPORT_TOPIC_ARN is not set: the nightly report has nowhere to go');
  const report = audit(await deps.loadAccount(), deps.policy);
  const message = buildSnsMessage(report, { fullReportHint: deps.fullReportHint });
  const { summarized, ...publish } = message;
  const response = await deps.sns.send(new PublishCommand({ TopicArn: deps.topicArn, ...publish }));
  return {
    messageId: response.MessageId,
    subject: message.Subject,
    bytes: Buffer.byteLength(message.Message),
    summarized,
    complete: report.complete,
  };
}
