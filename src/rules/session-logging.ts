import type { AccountSnapshot } from '../snapshot/types';
import type { SessionLoggingReport } from '../report/types';
import type { Rule } from './rule';

/**
 * AWS: "Logging isn't available for Session Manager sessions that connect through port forwarding or SSH."
 * Sessions of the command types (AWS-StartInteractiveCommand, AWS-StartNonInteractiveCommand) are
 * logged like shell sessions: SSM Agent runs them through the same shell plugin.
 */
const BLIND_SPOT =
  'Session Manager logging covers shell and command sessions (Standard_Stream, InteractiveCommands, NonInteractiveCommands): ' +
  'it does not record SSH or port-forwarding sessions (AWS-StartSSHSession and every other Port document), because ' +
  'Session Manager only tunnels their bytes, which SSH encrypts.';

/** What the preferences document (SSM-SessionManagerRunShell) says about session logging. */
export function describeSessionLogging(
  preferences: AccountSnapshot['sessionPreferences'],
): SessionLoggingReport {
  if (preferences === undefined) {
    return {
      state: 'unknown',
      s3: null,
      cloudWatch: null,
      coversPortSessions: false,
      statement: `Session logging settings are unknown. ${BLIND_SPOT}`,
    };
  }
  if (preferences.state === 'absent') {
    return {
      state: 'not-configured',
      s3: null,
      cloudWatch: null,
      coversPortSessions: false,
      statement: `No session logging is configured. ${BLIND_SPOT}`,
    };
  }
  const p = preferences.inputs;
  const s3 = p.s3BucketName
    ? { bucket: p.s3BucketName, prefix: p.s3KeyPrefix || null, encrypted: p.s3EncryptionEnabled === true }
    : null;
  const cloudWatch = p.cloudWatchLogGroupName
    ? {
        logGroup: p.cloudWatchLogGroupName,
        encrypted: p.cloudWatchEncryptionEnabled === true,
        streaming: p.cloudWatchStreamingEnabled === true,
      }
    : null;
  const parts = [
    s3 ? `S3 bucket ${s3.bucket}${s3.encrypted ? ' (encrypted)' : ' (not encrypted)'}` : '',
    cloudWatch
      ? `CloudWatch log group ${cloudWatch.logGroup}${cloudWatch.encrypted ? ' (encrypted)' : ' (not encrypted)'}`
      : '',
  ].filter(Boolean);
  if (!parts.length) {
    return {
      state: 'not-configured',
      s3,
      cloudWatch,
      coversPortSessions: false,
      statement: `No session logging is configured. ${BLIND_SPOT}`,
    };
  }
  return {
    state: 'configured',
    s3,
    cloudWatch,
    coversPortSessions: false,
    statement: `Session logging goes to ${parts.join(' and ')}. ${BLIND_SPOT}`,
  };
}

/** The account-level statement that the logging people rely on misses these sessions. */
export const sessionLoggingRule: Rule = {
  id: 'session-logging-blind-spot',
  title: 'Session logging does not cover SSH or port-forwarding sessions',
  severity: 'high',
  risk: 'Teams that enabled session logging believe every session is recorded; SSH and port-forwarding sessions are not.',
  remediation:
    'Deny ssm:StartSession on the Port documents to everyone who must be audited, and monitor CloudTrail StartSession ' +
    'events whose requestParameters.documentName is a Port document.',
  check(facts) {
    const principals = facts.principals.filter((p) => p.compliance === 'NON_COMPLIANT').length;
    const instances = facts.instances.filter((i) => i.compliance === 'NON_COMPLIANT').length;
    if (principals === 0 && instances === 0) return [];
    return [
      {
        rule: this.id,
        severity: this.severity,
        resourceType: 'AWS::::Account',
        resourceId: facts.account.id,
        message: `${facts.sessionLogging.statement} ${principals} principal(s) and ${instances} instance(s) are exposed to unaudited sessions.`,
        remediation: this.remediation,
      },
    ];
  },
};
