import type { AccountSnapshot, Gap } from '../snapshot/types';
import { firstFew } from '../util/first-few';
import { NO_TAGS, resourceTagContext } from './instances';
import { RESERVED_DOCUMENT_PREFIX, unlistedDocumentMatcher } from './unlisted-documents';
import { requestContext, type RequestContext, type ResourceMatcher } from '../iam';

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
  'AWS-StartPortForwardingSessionToSocket',
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
  /** The document's own tags: AWS-owned documents have none; customer ones as the listing gives them. */
  readonly context: RequestContext;
  /**
   * A customer document whose tags the listing does not give: a condition on them is unknown data, not
   * a condition of the request, so access it makes conditional may be allowed outright (see audit.ts).
   */
  readonly tagsUnread?: true;
  /**
   * For the stand-in, how a Resource or NotResource list reads on the documents it stands for: its ARN
   * names none of them (see unlisted-documents.ts).
   */
  readonly resources?: ResourceMatcher;
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

/** The session types Session Manager defines; a Session document of any other type is not understood. */
const SESSION_TYPES = new Set(['Port', 'Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands']);

/**
 * The Port documents a principal may be able to start a session with: the AWS-owned ones, and the
 * customer-owned ones the snapshot lists. When the list is missing or cut short, the documents it
 * does not show may be Port documents too: one stand-in takes their place (see `placeholder`), and
 * reads every policy pattern as what it says about those documents (see unlisted-documents.ts).
 */
export function portDocuments(snapshot: AccountSnapshot): { documents: PortDocument[]; gaps: Gap[] } {
  const gaps: Gap[] = [];
  const documents = new Map<string, PortDocument>();
  // By ARN: a document shared from another account may have the name of one of this account's.
  const untagged: string[] = [];
  const add = (name: string, owner: string | undefined, tags?: Readonly<Record<string, string>>): void => {
    const arn = documentArn(name, owner, snapshot.account);
    if (documents.has(arn)) return;
    const awsOwned = owner === undefined || owner === 'Amazon';
    const tagsUnread = !awsOwned && tags === undefined;
    if (tagsUnread) untagged.push(name);
    documents.set(arn, {
      name,
      arn,
      awsOwned,
      ssh: name === SSH_DOCUMENT,
      context: awsOwned ? NO_TAGS : tags ? resourceTagContext(tags) : UNKNOWN_TAGS,
      ...(tagsUnread ? { tagsUnread } : {}),
    });
  };
  for (const name of AWS_OWNED_PORT_DOCUMENTS) add(name, 'Amazon');
  /** The names of this account's own documents that the list shows. */
  const listed = new Set<string>();
  const ownerless: string[] = [];
  for (const listedDoc of snapshot.sessionDocuments ?? []) {
    let doc = listedDoc;
    // ListDocuments names the owner; without one, a name AWS does not reserve is a customer's, most
    // likely this account's (fail closed: an AWS document's ARN would match none of its grants).
    if (doc.Owner === undefined && !RESERVED_DOCUMENT_PREFIX.test(doc.Name)) {
      ownerless.push(doc.Name);
      doc = { ...doc, Owner: snapshot.account.id };
    }
    if (doc.Owner === snapshot.account.id) listed.add(doc.Name);
    if (doc.SessionType === 'Port') add(doc.Name, doc.Owner, doc.Tags);
    else if (doc.SessionType === undefined || !SESSION_TYPES.has(doc.SessionType)) {
      // Fail closed: a document whose type we could not read, or do not know, may open a Port session.
      add(doc.Name, doc.Owner, doc.Tags);
      gaps.push({
        source: `session-documents/${doc.Name}`,
        message:
          doc.SessionType === undefined
            ? `the sessionType of ${doc.Name} is unknown; treated as Port`
            : `the sessionType of ${doc.Name} is ${JSON.stringify(doc.SessionType)}, which Session Manager does not define; treated as Port`,
      });
    }
  }
  if (untagged.length) {
    gaps.push({
      source: 'session-documents',
      message: `the tags of ${untagged.length} customer Port document(s) are not listed (${firstFew(untagged.map((n) => JSON.stringify(n)))}); a condition on them cannot be decided`,
    });
  }
  if (ownerless.length) {
    gaps.push({
      source: 'session-documents',
      message: `${ownerless.length} Session document(s) have no Owner (${firstFew(ownerless.map((n) => JSON.stringify(n)))}); taken to be this account's`,
    });
  }
  const incomplete =
    snapshot.sessionDocuments === undefined || snapshot.gaps.some((g) => g.source === 'session-documents');
  if (incomplete) {
    // The loader names the missing file and its consequence; say it here only if nothing has.
    if (
      snapshot.sessionDocuments === undefined &&
      !snapshot.gaps.some((g) => g.source === 'session-documents')
    ) {
      gaps.push({
        source: 'session-documents',
        message:
          'the Session documents were not listed, so customer-owned port-forwarding documents are unknown',
      });
    }
    const arn = documentArn(UNLISTED_DOCUMENT, snapshot.account.id, snapshot.account);
    documents.set(arn, {
      name: UNLISTED_DOCUMENT,
      arn,
      awsOwned: false,
      ssh: false,
      context: UNKNOWN_TAGS,
      placeholder: true,
      resources: unlistedDocumentMatcher(snapshot.account, listed),
    });
  }
  return { documents: [...documents.values()], gaps };
}
