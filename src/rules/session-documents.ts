import type { AccountSnapshot, Gap } from '../snapshot/types';
import { NO_TAGS } from './instances';
import { requestContext, type RequestContext } from '../iam';

/**
 * The session documents that open unaudited sessions: every Session document whose `sessionType` is
 * `Port`. Session Manager only tunnels such a session's bytes, so its logging never sees them.
 */
export const SSH_DOCUMENT = 'AWS-StartSSHSession';

/** The AWS-owned Port documents, present in every region whether or not the snapshot lists them. */
export const AWS_OWNED_PORT_DOCUMENTS = [
  SSH_DOCUMENT,
  'AWS-StartPortForwardingSession',
  'AWS-StartPortForwardingSessionToRemoteHost',
] as const;

export interface PortDocument {
  readonly name: string;
  readonly arn: string;
  readonly awsOwned: boolean;
  /** True for AWS-StartSSHSession. */
  readonly ssh: boolean;
  /**
   * A stand-in for the customer-owned documents of an account whose Session documents were not
   * listed: access to it means access to a document that may be a Port document, so it counts as
   * `unknown`, never as `denied`.
   */
  readonly placeholder?: boolean;
  /** The document's own tags: AWS-owned documents have none; customer ones are not collected. */
  readonly context: RequestContext;
}

const UNKNOWN_TAGS = requestContext();

/** The placeholder's name: not a valid SSM document name, so it never collides with a real one. */
export const UNLISTED_DOCUMENT = '(unlisted customer document)';

/**
 * AWS-owned documents have an empty account field in their ARN; shared and owned documents carry the
 * owner's account.
 */
export function documentArn(
  name: string,
  owner: string | undefined,
  account: AccountSnapshot['account'],
): string {
  const accountField =
    owner === undefined || owner === 'Amazon' ? '' : /^\d{12}$/.test(owner) ? owner : account.id;
  return `arn:${account.partition}:ssm:${account.region}:${accountField}:document/${name}`;
}

export function portDocuments(snapshot: AccountSnapshot): { documents: PortDocument[]; gaps: Gap[] } {
  const gaps: Gap[] = [];
  const documents = new Map<string, PortDocument>();
  const add = (name: string, owner: string | undefined): void => {
    if (documents.has(name)) return;
    const awsOwned = owner === undefined || owner === 'Amazon';
    documents.set(name, {
      name,
      arn: documentArn(name, owner, snapshot.account),
      awsOwned,
      ssh: name === SSH_DOCUMENT,
      context: awsOwned ? NO_TAGS : UNKNOWN_TAGS,
    });
  };
  for (const name of AWS_OWNED_PORT_DOCUMENTS) add(name, 'Amazon');
  if (snapshot.sessionDocuments === undefined) {
    gaps.push({
      source: 'session-documents',
      message:
        'the Session documents were not listed, so customer-owned port-forwarding documents are unknown',
    });
    documents.set(UNLISTED_DOCUMENT, {
      name: UNLISTED_DOCUMENT,
      arn: documentArn(UNLISTED_DOCUMENT, snapshot.account.id, snapshot.account),
      awsOwned: false,
      ssh: false,
      context: UNKNOWN_TAGS,
      placeholder: true,
    });
  } else {
    for (const doc of snapshot.sessionDocuments) {
      if (doc.SessionType === 'Port') add(doc.Name, doc.Owner);
      else if (doc.SessionType === undefined) {
        // Fail closed: a document whose type we could not read may open a Port session.
        add(doc.Name, doc.Owner);
        gaps.push({
          source: `session-documents/${doc.Name}`,
          message: `the sessionType of ${doc.Name} is unknown; treated as Port`,
        });
      }
    }
  }
  return { documents: [...documents.values()], gaps };
}
