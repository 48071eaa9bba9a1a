import { portDocuments } from '../../src/rules/session-documents';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { ACCOUNT, ACCOUNT_FILE, ONE_INSTANCE } from './one-role-account';

/**
 * Which Port documents the audit asks about, read from the Session documents the snapshot lists
 * (`aws ssm list-documents --filters Key=DocumentType,Values=Session`, with each one's sessionType).
 * ListDocuments names every document's Owner: "Amazon" for AWS's own, an account id otherwise. A list
 * written by some other tool may leave it out; then a name that starts with a prefix AWS reserves
 * (CreateDocument: `aws`, `amazon`, `amzn`; matched in any case, as AWS's own `AWS-` names need)
 * is still AWS's, and any other name is taken to be this account's, with a gap that says so.
 */
const AWS_PORT_DOCUMENTS = [
  'AWS-StartSSHSession',
  'AWS-StartPortForwardingSession',
  'AWS-StartPortForwardingSessionToRemoteHost',
  'AWS-StartPortForwardingSessionToSocket',
].map((name) => `arn:aws:ssm:us-east-1::document/${name}`);

const ownDocument = (name: string): string => `arn:aws:ssm:us-east-1:${ACCOUNT}:document/${name}`;

interface Case {
  readonly title: string;
  readonly listed: readonly Record<string, unknown>[];
  /** The ARNs of the Port documents, besides AWS's own four. */
  readonly more: readonly string[];
  /** The message of the session-documents gap, or null for none. */
  readonly gap: string | null;
}

const CASES: readonly Case[] = [
  {
    title:
      "takes a Port document listed without an Owner, under a name AWS does not reserve, as this account's, and says so",
    listed: [{ Name: 'TunnelToDatabase', DocumentType: 'Session', Tags: [], SessionType: 'Port' }],
    more: [ownDocument('TunnelToDatabase')],
    gap: `1 Session document(s) have no Owner ("TunnelToDatabase"); taken to be this account's`,
  },
  {
    title: "keeps AWS-StartSSHSession listed without an Owner as AWS's own document, with no gap",
    listed: [{ Name: 'AWS-StartSSHSession', DocumentType: 'Session', SessionType: 'Port' }],
    more: [],
    gap: null,
  },
  {
    title: "keeps an Amazon- or amzn-named document listed without an Owner as AWS's, with no gap",
    listed: [
      { Name: 'Amazon-PortDocument', DocumentType: 'Session', SessionType: 'Port' },
      { Name: 'amzn-PortDocument', DocumentType: 'Session', SessionType: 'Port' },
    ],
    more: ['Amazon-PortDocument', 'amzn-PortDocument'].map((n) => `arn:aws:ssm:us-east-1::document/${n}`),
    gap: null,
  },
  {
    title: 'puts a Port document shared from another account under that account, with no gap',
    listed: [
      {
        Name: 'TunnelToDatabase',
        Owner: '444455556666',
        DocumentType: 'Session',
        Tags: [],
        SessionType: 'Port',
      },
    ],
    more: ['arn:aws:ssm:us-east-1:444455556666:document/TunnelToDatabase'],
    gap: null,
  },
  {
    title: "lists AWS's own Port documents once, however often the list names them",
    listed: [
      { Name: 'AWS-StartSSHSession', Owner: 'Amazon', DocumentType: 'Session', SessionType: 'Port' },
      { Name: 'AWS-StartSSHSession', DocumentType: 'Session', SessionType: 'Port' },
    ],
    more: [],
    gap: null,
  },
];

describe('the Port documents read from the listed Session documents', () => {
  it.each(CASES.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    // Given a snapshot whose Session document list holds these entries
    const snapshot = parseSnapshotValues({
      account: ACCOUNT_FILE,
      instances: ONE_INSTANCE,
      iam: { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] },
      sessionDocuments: { DocumentIdentifiers: c.listed },
    });
    // When the Port documents are worked out
    const { documents, gaps } = portDocuments(snapshot);
    // Then they are AWS's four and the listed ones, each under its owner's account, and nothing stands
    // in for unlisted documents (the list is complete)
    expect(documents.map((d) => d.arn)).toEqual([...AWS_PORT_DOCUMENTS, ...c.more]);
    expect(documents.some((d) => d.placeholder)).toBe(false);
    // And a gap says when a document was taken to be this account's
    expect(gaps.filter((g) => g.source === 'session-documents').map((g) => g.message)).toEqual(
      c.gap === null ? [] : [c.gap],
    );
  });
});
