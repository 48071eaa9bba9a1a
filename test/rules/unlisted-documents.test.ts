import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { UNLISTED_DOCUMENT } from '../../src/rules/session-documents';
import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';

/**
 * When session-documents.json is missing or cut short, a customer document the snapshot does not show
 * may be a Port document: a grant that can name one is `unknown`, never `denied`. Only names AWS
 * reserves for itself, and lists known to be complete, rule a grant out.
 */
const ACCOUNT = '111122223333';
const INSTANCES = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`;
const TOKEN = 'eyJOZXh0VG9rZW4iOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAxfQ==';

type Listing =
  | 'missing'
  | 'cut short'
  | 'complete'
  | 'cut short, with a shared Zed'
  | 'complete, with two Zed'
  | 'complete, with a shared Zed'
  | 'complete, with a Port document that names no owner';

function documents(listing: Listing): Pick<SnapshotValues, 'sessionDocuments'> {
  if (listing === 'missing') return {};
  const zed = (owner: string, SessionType: string) => ({
    Name: 'Zed',
    Owner: owner,
    DocumentType: 'Session',
    SessionType,
  });
  if (listing === 'cut short, with a shared Zed')
    return {
      sessionDocuments: { DocumentIdentifiers: [zed('444455556666', 'Standard_Stream')], NextToken: TOKEN },
    };
  if (listing === 'complete, with a Port document that names no owner')
    return {
      sessionDocuments: {
        DocumentIdentifiers: [{ Name: 'Foo', DocumentType: 'Session', SessionType: 'Port' }],
      },
    };
  if (listing === 'complete, with a shared Zed')
    return { sessionDocuments: { DocumentIdentifiers: [zed('444455556666', 'Port')] } };
  if (listing === 'complete, with two Zed')
    return { sessionDocuments: { DocumentIdentifiers: [zed('444455556666', 'Port'), zed(ACCOUNT, 'Port')] } };
  return {
    sessionDocuments: {
      DocumentIdentifiers: [
        { Name: 'Acme-Shell', Owner: ACCOUNT, DocumentType: 'Session', SessionType: 'Standard_Stream' },
        { Name: 'Team', Owner: ACCOUNT, DocumentType: 'Session', SessionType: 'Standard_Stream' },
      ],
      ...(listing === 'cut short' ? { NextToken: TOKEN } : {}),
    },
  };
}

function auditedReport(listing: Listing, statements: readonly object[]) {
  const snapshot = parseSnapshotValues({
    account: { Account: ACCOUNT, Region: 'us-east-1', Arn: `arn:aws:iam::${ACCOUNT}:user/auditor` },
    instances: {
      InstanceInformationList: [
        { InstanceId: 'i-0123456789abcdef0', AgentVersion: '3.3.1957.0', ResourceType: 'EC2Instance' },
      ],
    },
    ...documents(listing),
    iam: {
      UserDetailList: [
        {
          UserName: 'dev',
          UserId: 'AIDAEXAMPLEDEV',
          Arn: `arn:aws:iam::${ACCOUNT}:user/dev`,
          UserPolicyList: [
            {
              PolicyName: 'Sessions',
              PolicyDocument: { Version: '2012-10-17', Statement: statements },
            },
          ],
        },
      ],
      GroupDetailList: [],
      RoleDetailList: [],
      Policies: [],
    },
  });
  return audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
}

function audited(listing: Listing, statements: readonly object[]) {
  return auditedReport(listing, statements).principals[0];
}

const allow = (...documentPatterns: string[]) => ({
  Effect: 'Allow',
  Action: 'ssm:StartSession',
  Resource: [INSTANCES, ...documentPatterns],
});
const deny = (...documentPatterns: string[]) => ({
  Effect: 'Deny',
  Action: 'ssm:StartSession',
  Resource: documentPatterns,
});
const doc = (name: string, account = ACCOUNT) => `arn:aws:ssm:us-east-1:${account}:document/${name}`;

const table: readonly (readonly [string, Listing, readonly object[], 'unknown' | 'denied' | 'allowed'])[] = [
  ['a named document not on the pages read', 'cut short', [allow(doc('Acme-Tunnel'))], 'unknown'],
  [
    'a name prefix whose bare prefix is a listed shell document',
    'cut short',
    [allow(doc('Acme-Shell*'))],
    'unknown',
  ],
  ['a wildcard around a word AWS reserves only at the start', 'missing', [allow(doc('*Amazon*'))], 'unknown'],
  ['a wildcard in the resource type', 'missing', [allow('arn:aws:ssm:*:*:doc*/Acme-Tunnel')], 'unknown'],
  [
    'a prefix beside a Deny of the one listed name',
    'missing',
    [allow(doc('Team*')), deny(doc('Team'))],
    'unknown',
  ],
  [
    'a document shared from another account',
    'missing',
    [allow(doc('Shared-Tunnel', '444455556666'))],
    'unknown',
  ],
  ['a five-segment pattern (no account)', 'missing', [allow('arn:aws:ssm:*:document/Acme-*')], 'unknown'],
  [
    'an Allow of everything beside a Deny of everything else (NotResource) but one named document',
    'cut short',
    [
      { Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' },
      {
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        NotResource: [`arn:aws:ec2:*:*:instance/*`, doc('Acme-Tunnel')],
      },
    ],
    'unknown',
  ],
  [
    'an account pattern with wildcards',
    'missing',
    [allow('arn:aws:ssm:*:4444555566??:document/Shared-*')],
    'unknown',
  ],
  [
    'any account, with this account and AWS denied',
    'missing',
    [
      allow('arn:aws:ssm:*:*:document/*'),
      deny(`arn:aws:ssm:*:${ACCOUNT}:document/*`, 'arn:aws:ssm:*::document/*'),
    ],
    'unknown',
  ],
  [
    'another account with the name of a listed document',
    'cut short',
    [allow(doc('Acme-Shell', '444455556666'))],
    'unknown',
  ],
  [
    'a prefix beside a Deny of the same prefix and one more character',
    'missing',
    [allow(doc('Acme-*')), deny(doc('Acme-?'))],
    'unknown',
  ],
  [
    'NotResource that leaves out the AWS names and one odd name',
    'missing',
    [
      {
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        NotResource: ['arn:aws:ssm:*:*:document/AWS-*', doc('*(*')],
      },
    ],
    'unknown',
  ],
  [
    'NotResource that leaves out only the AWS names',
    'missing',
    [{ Effect: 'Allow', Action: 'ssm:StartSession', NotResource: 'arn:aws:ssm:*:*:document/AWS-*' }],
    'unknown',
  ],
  [
    'hybrid-node patterns, which name no document',
    'missing',
    [allow('arn:aws:ssm:*:*:managed-instance/*')],
    'denied',
  ],
  ['a document in another region', 'missing', [allow('arn:aws:ssm:eu-west-1:*:document/*')], 'denied'],
  [
    'a Deny whose NotResource variable has no value, beside a Deny of AWS documents',
    'cut short',
    [
      { Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*' },
      { Effect: 'Deny', Action: 'ssm:StartSession', Resource: 'arn:aws:ssm:*::document/*' },
      {
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        NotResource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:document/AWS-${aws:PrincipalTag/x}'],
      },
    ],
    'unknown',
  ],
  [
    "this account's document named like a listed shared one",
    'cut short, with a shared Zed',
    [allow(doc('Zed'))],
    'unknown',
  ],
  [
    "this account's Port document beside a shared one of the same name",
    'complete, with two Zed',
    [allow(doc('Zed'))],
    'allowed',
  ],
  // A shared document's ARN carries its owner's account: a grant on this account's document of that
  // name does not reach it, and a grant in the owner's account does.
  [
    "this account's document named like a listed shared Port document",
    'complete, with a shared Zed',
    [allow(doc('Zed'))],
    'denied',
  ],
  [
    'a listed shared Port document, in its owner account',
    'complete, with a shared Zed',
    [allow(doc('Zed', '444455556666'))],
    'allowed',
  ],
  [
    'a listed Port document that names no owner',
    'complete, with a Port document that names no owner',
    [allow(doc('Foo'))],
    'allowed',
  ],
  ['a name made of a policy variable', 'missing', [allow(doc('${aws:username}-*'))], 'unknown'],
  ['a name AWS reserves (AWS-)', 'missing', [allow(doc('AWS-StartInteractiveCommand'))], 'denied'],
  // AWS's Port document that forwards to a local Unix socket (sessionType Port, like the other three):
  // a grant of it alone is port forwarding, whether or not the list shows it.
  [
    'the AWS document that forwards to a Unix socket',
    'missing',
    [allow('arn:aws:ssm:*::document/AWS-StartPortForwardingSessionToSocket')],
    'allowed',
  ],
  ['a prefix AWS reserves (amzn)', 'missing', [allow(doc('amzn*'))], 'denied'],
  [
    'a Deny of every document',
    'missing',
    [allow(doc('Acme-*')), deny(`arn:aws:ssm:*:*:document/*`)],
    'denied',
  ],
  ['a name prefix when the list is complete', 'complete', [allow(doc('Acme-Shell*'))], 'denied'],
  ['a listed shell document when the list is complete', 'complete', [allow(doc('Team'))], 'denied'],
];

describe('port forwarding through customer documents the snapshot does not list', () => {
  it.each(table.map(([what, listing, statements, access]) => [what, listing, access, statements] as const))(
    'through %s, the list %s, is %s',
    (_what, listing, access, statements) => {
      expect(audited(listing, statements)?.portForwarding).toBe(access);
    },
  );

  it('reports the stand-ins for unlisted documents as one session document, with the most access of them', () => {
    // Given grants on three named documents and a prefix, none of them listed
    const principal = audited('missing', [
      allow(doc('A-Tunnel'), doc('B-Tunnel'), doc('C-Tunnel'), doc('Ops-*')),
    ]);
    // Then one line stands for all of them, and the reasons cite one of them, not every one (besides
    // AWS-StartSSHSession, whose denial they explain)
    const unlisted = principal?.sessionDocuments.filter((d) => d.document.startsWith(UNLISTED_DOCUMENT));
    expect(unlisted).toEqual([
      {
        document: UNLISTED_DOCUMENT,
        access: 'unknown',
        reachableInstanceCount: 0,
        reachesAllInstances: false,
      },
    ]);
    const cited = new Set(
      principal?.reasons
        .filter((r) => r.resource === 'document' && !r.resourceArn.endsWith('/AWS-StartSSHSession'))
        .map((r) => r.resourceArn),
    );
    expect(cited.size).toBe(1);
  });

  it.each<[string, string, RegExp]>([
    [
      'a name prefix: the pattern, which may name one of them',
      doc('Acme-*'),
      new RegExp(
        `on arn:aws:ssm:us-east-1:${ACCOUNT}:document/Acme-\\* \\(it may name a customer Port document the snapshot does not list\\)$`,
      ),
    ],
    [
      'every document of every account: all of them, each of which may be a Port document',
      'arn:aws:ssm:*:*:document/*',
      /on any customer document the snapshot does not list \(each may be a Port document\)$/,
    ],
  ])('names, in the reason on the unlisted documents, for %s', (_what, pattern, wording) => {
    // Given a grant on the pattern, and no list of the Session documents
    const principal = audited('missing', [allow(pattern)]);
    // When the reason on the stand-in for the unlisted documents is read
    const reason = principal?.reasons.find(
      (r) => r.resource === 'document' && r.resourceArn.endsWith(`document/${UNLISTED_DOCUMENT}`),
    );
    // Then it says what may be covered, and never names the stand-in as if it were a document
    expect(reason?.message).toMatch(wording);
    expect(reason?.message).not.toContain(UNLISTED_DOCUMENT);
  });

  it.each<[string, readonly object[], string]>([
    [
      'only through unlisted documents: that it may',
      [allow(doc('Acme-*'))],
      'may be able to open port-forwarding sessions through customer documents the snapshot does not list (unknown)',
    ],
    [
      'through an AWS document and unlisted ones: that it can through the one, and may through the others',
      [allow('arn:aws:ssm:*:*:document/AWS-StartPortForwardingSession', doc('*'))],
      'can open port-forwarding sessions through AWS-StartPortForwardingSession (allowed), and may be able to open them through customer documents the snapshot does not list (unknown)',
    ],
  ])('says, of a principal that forwards ports %s', (_what, statements, wording) => {
    // Given the grant, and no list of the Session documents
    const report = auditedReport('missing', statements);
    // When its port-forwarding finding is read
    const finding = report.findings.find((f) => f.rule === 'port-forwarding-over-session-manager');
    // Then it states what is known, and only as possible what is not
    expect(finding?.message).toBe(
      `arn:aws:iam::${ACCOUNT}:user/dev ${wording}; these sessions are unaudited.`,
    );
  });

  it('does not let a grant on AWS documents alone (an empty account) reach an unlisted customer document', () => {
    const principal = audited('missing', [allow('arn:aws:ssm:*::document/*')]);
    // The AWS port-forwarding documents are reached; the stand-in for customer documents is not
    expect(principal?.portForwarding).toBe('allowed');
    expect(principal?.sessionDocuments.map((d) => d.document)).not.toContain(UNLISTED_DOCUMENT);
  });
});
