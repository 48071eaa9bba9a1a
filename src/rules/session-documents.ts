import type { AccountSnapshot, Gap } from '../snapshot/types';
import { NO_TAGS } from './instances';
import { NOTHING_KNOWN } from './statement-parts';
import { requestContext, type CompiledPolicy, type RequestContext } from '../iam';

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

/** The session types Session Manager defines; a Session document of any other type is not understood. */
const SESSION_TYPES = new Set(['Port', 'Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands']);

/**
 * The Port documents a principal may be able to start a session with: the AWS-owned ones, and the
 * customer-owned ones the snapshot lists. When the list is missing or cut short, the documents it
 * does not show may be Port documents too: stand-ins take their place (see `placeholder`), one for any
 * name and one for each document name the account's StartSession statements allow, so that a grant
 * on one named document is seen as well as a grant on `document/*`.
 */
export function portDocuments(
  snapshot: AccountSnapshot,
  policies: readonly CompiledPolicy[] = [],
): { documents: PortDocument[]; gaps: Gap[] } {
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
  const listed = new Set<string>();
  for (const doc of snapshot.sessionDocuments ?? []) {
    listed.add(doc.Name);
    if (doc.SessionType === 'Port') add(doc.Name, doc.Owner);
    else if (doc.SessionType === undefined || !SESSION_TYPES.has(doc.SessionType)) {
      // Fail closed: a document whose type we could not read, or do not know, may open a Port session.
      add(doc.Name, doc.Owner);
      gaps.push({
        source: `session-documents/${doc.Name}`,
        message:
          doc.SessionType === undefined
            ? `the sessionType of ${doc.Name} is unknown; treated as Port`
            : `the sessionType of ${doc.Name} is ${JSON.stringify(doc.SessionType)}, which Session Manager does not define; treated as Port`,
      });
    }
  }
  const incomplete =
    snapshot.sessionDocuments === undefined || snapshot.gaps.some((g) => g.source === 'session-documents');
  if (incomplete) {
    if (snapshot.sessionDocuments === undefined) {
      gaps.push({
        source: 'session-documents',
        message:
          'the Session documents were not listed, so customer-owned port-forwarding documents are unknown',
      });
    }
    documents.set(UNLISTED_DOCUMENT, standIn(UNLISTED_DOCUMENT, snapshot.account.id, snapshot.account));
    for (const { pattern, name, owner } of unlistedDocumentsAllowed(policies, listed, snapshot.account)) {
      const label = `${UNLISTED_DOCUMENT} ${pattern}`;
      if (!documents.has(label))
        documents.set(label, { ...standIn(name, owner, snapshot.account), name: label });
    }
  }
  return { documents: [...documents.values()], gaps };
}

/** A document that stands for customer documents the snapshot does not list (see `placeholder`). */
function standIn(name: string, owner: string, account: AccountSnapshot['account']): PortDocument {
  return {
    name,
    arn: documentArn(name, owner, account),
    awsOwned: false,
    ssh: false,
    context: UNKNOWN_TAGS,
    placeholder: true,
  };
}

/** The document name prefixes SSM reserves for AWS (CreateDocument rejects them). */
const RESERVED_PREFIX = /^(aws|amazon|amzn)/i;

/**
 * For each document pattern the StartSession statements allow that can name a customer document the
 * list does not show, a name it matches that no listed document has: the pattern's last part with
 * each wildcard as `~`, a character no document name may hold. So `document/Acme-*` stands for
 * `Acme-~` even when `Acme-Shell` is listed, and a Deny of one listed name does not hide the others.
 * A shared document keeps its owner's account. A pattern with a policy variable names a document only
 * per principal and is not covered; the stand-in for any name covers `*` and `document/*`.
 */
function unlistedDocumentsAllowed(
  policies: readonly CompiledPolicy[],
  listed: ReadonlySet<string>,
  account: AccountSnapshot['account'],
): { pattern: string; name: string; owner: string }[] {
  const found = new Map<string, { pattern: string; name: string; owner: string }>();
  for (const policy of policies) {
    for (const statement of policy.statementsFor('ssm:StartSession')) {
      if (statement.effect !== 'Allow' || statement.resources.negated) continue;
      for (const pattern of statement.resources.patterns) {
        const source = pattern.source;
        if (pattern.matchesEverything || source.includes('${')) continue;
        const last = source.slice(source.lastIndexOf('/') + 1);
        const name = last.replace(/[*?]/g, '~');
        // Only AWS may create documents whose names begin with these: no customer document matches.
        if (!name || RESERVED_PREFIX.test(last.split(/[*?]/)[0] as string) || listed.has(name)) continue;
        const accountField = source.split(':')[4];
        const owner = accountField && /^\d{12}$/.test(accountField) ? accountField : account.id;
        const arn = documentArn(name, owner, account);
        // Only a pattern that matches such a document ARN can grant one: instance patterns cannot.
        if (found.has(arn) || pattern.match(arn, NOTHING_KNOWN) === 'no') continue;
        found.set(arn, { pattern: source, name, owner });
      }
    }
  }
  return [...found.values()];
}
