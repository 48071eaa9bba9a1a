import { escapeControls } from './escape';
import type { AuditReport } from './types';

/**
 * The name the audit gives the customer documents a snapshot does not list (session-documents.json
 * missing or cut short): no SSM document can have it. The same as UNLISTED_DOCUMENT of the rules,
 * which a test holds it to.
 */
export const UNLISTED_DOCUMENT_NAME = '(unlisted customer document)';

/** The Remediation section of the text, markdown and HTML reports. */
export interface Remediation {
  /** What to do; when there is a policy, it introduces it. */
  readonly advice: string;
  /** A Deny policy to attach, shown after the advice. */
  readonly policy?: Readonly<Record<string, unknown>>;
  /** What to know besides, one paragraph each. */
  readonly notes: readonly string[];
}

/**
 * What to do about the principals the report lists as NON_COMPLIANT: remove the Allows named, or deny
 * ssm:StartSession on the Port documents they use. Every Port document is unaudited, not only
 * AWS-StartSSHSession, so the Deny covers the port-forwarding documents too, and an existing guardrail,
 * which the audit checks against the SSH document alone, is only named with that caveat. With nothing
 * NON_COMPLIANT there is no access to change; the SSH guardrail is still offered when there is none (the
 * no-ssh-guardrail finding asks for it).
 *
 * @example
 * remediation(report).policy;
 * // -> { Version: '2012-10-17', Statement: [{ Sid: 'DenyUnauditedSessions', Effect: 'Deny',
 * //      Action: 'ssm:StartSession', Resource: ['arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession'] }] }
 */
export function remediation(report: AuditReport): Remediation {
  const s = report.summary;
  const guardrail = report.guardrail;
  if (s.nonCompliantPrincipals === 0 && s.nonCompliantInstances === 0) {
    if (!guardrail.remediation)
      return { advice: 'Nothing is NON_COMPLIANT: no access to change.', notes: [] };
    return {
      advice:
        'Nothing is NON_COMPLIANT. No explicit Deny guards AWS-StartSSHSession: to keep a future grant from ' +
        'opening unaudited SSH sessions, attach this Deny to everyone who must not use SSH (add the ' +
        'port-forwarding documents to its Resource to cover tunnels too):',
      policy: guardrail.remediation,
      notes: [],
    };
  }
  const listed = report.principals.filter((p) => p.compliance === 'NON_COMPLIANT');
  if (!listed.length) {
    // A report narrowed to instances, or one whose only exposure is principals a cut-short iam.json
    // does not list.
    return {
      advice:
        'Remove the Allow statements that grant the NON_COMPLIANT principals ssm:StartSession on Port ' +
        'documents (AWS-StartSSHSession and every document whose sessionType is Port), or deny it to ' +
        'them explicitly.',
      notes: [],
    };
  }

  const names = new Set<string>();
  for (const p of listed) for (const d of p.sessionDocuments) names.add(d.document);
  const unlisted = names.delete(UNLISTED_DOCUMENT_NAME);
  const documents = [...names].sort((a, b) => rank(a) - rank(b));
  const partition = listed[0]?.arn.split(':')[1] || 'aws';
  const arns = documents.map((name) => `arn:${partition}:ssm:*:*:document/${name}`);

  const notes: string[] = [];
  if (unlisted) {
    notes.push(
      'Some of them may also use customer Port documents the snapshot does not list ' +
        '(session-documents.json is missing or cut short): deny those too.',
    );
  }
  if (guardrail.exists) {
    notes.push(
      documents.some((d) => d !== SSH_DOCUMENT) || unlisted
        ? 'The existing Deny guardrail was checked against AWS-StartSSHSession only: extending it to these ' +
            'principals ends their port forwarding only if it covers the other documents too.'
        : 'Extending the existing Deny guardrail of AWS-StartSSHSession to them does the same.',
    );
  }
  if (!arns.length) {
    return {
      advice:
        'Change the statements named above, or deny ssm:StartSession explicitly on the Port ' +
        'documents the principals listed above use.',
      notes,
    };
  }
  return {
    advice:
      'Change the statements named above, or attach this explicit Deny to the principals listed ' +
      'above: it covers the Port documents they use, whose sessions Session Manager cannot log.',
    policy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyUnauditedSessions',
          Effect: 'Deny',
          Action: 'ssm:StartSession',
          Resource: arns.length === 1 ? arns[0] : arns,
        },
      ],
    },
    notes,
  };
}

const SSH_DOCUMENT = 'AWS-StartSSHSession';

/** Said after "no" guardrail when Denies of the SSH document exist, each only under some conditions. */
export function conditionalOnly(report: AuditReport): string {
  return !report.guardrail.exists && report.guardrail.statements.length ? ' (conditional Denies only)' : '';
}

/**
 * A policy as indented JSON, line by line, with the control and bidi characters a document name from
 * input may hold made visible (JSON escapes only the C0 controls).
 */
export function policyLines(policy: Readonly<Record<string, unknown>>): string[] {
  return JSON.stringify(policy, null, 2).split('\n').map(escapeControls);
}

/** SSH first, then the AWS-owned documents, then the customer ones, each in the report's order. */
function rank(name: string): number {
  return name === SSH_DOCUMENT ? 0 : /^AWS-/.test(name) ? 1 : 2;
}
