import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { ACCOUNT, ACCOUNT_FILE, ONE_INSTANCE } from './one-role-account';

/**
 * A customer Port document's own tags, as ListDocuments lists them (`Tags`), decide conditions on
 * `ssm:resourceTag/*` and `aws:ResourceTag/*` in a request that names the document. Listed, they are
 * known like an instance's; not listed, they are unknown data, never a condition of the request: even
 * where conditional access is accepted, access that some tags of the document would allow outright is
 * a violation (fail closed), and the report says the tags are missing.
 */
const TUNNEL = `arn:aws:ssm:us-east-1:${ACCOUNT}:document/Acme-StartTunnel`;

/** session-documents.json listing Acme-StartTunnel, a Port document, with `tags` (omitted: unlisted). */
function documents(tags: readonly { Key: string; Value: string }[] | undefined) {
  return {
    DocumentIdentifiers: [
      {
        Name: 'Acme-StartTunnel',
        Owner: ACCOUNT,
        DocumentVersion: '1',
        DocumentType: 'Session',
        SchemaVersion: '1.0',
        DocumentFormat: 'JSON',
        ...(tags ? { Tags: tags } : {}),
        SessionType: 'Port',
      },
    ],
  };
}

/**
 * The role `tunnels`: any instance, and documents under `documentStatements`; Acme-StartTunnel listed
 * with `tags`, unless another listing is given.
 */
function account(
  documentStatements: readonly object[],
  tags: readonly { Key: string; Value: string }[] | undefined,
  listing: object = documents(tags),
) {
  return parseSnapshotValues({
    account: ACCOUNT_FILE,
    instances: ONE_INSTANCE,
    tags: { Tags: [] },
    sessionDocuments: listing,
    iam: {
      UserDetailList: [],
      GroupDetailList: [],
      Policies: [],
      RoleDetailList: [
        {
          RoleName: 'tunnels',
          RoleId: 'AROAEXAMPLETUNNELS',
          Arn: `arn:aws:iam::${ACCOUNT}:role/tunnels`,
          RolePolicyList: [
            {
              PolicyName: 'Tunnels',
              PolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Effect: 'Allow',
                    Action: 'ssm:StartSession',
                    Resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`,
                  },
                  ...documentStatements,
                ],
              },
            },
          ],
        },
      ],
    },
  });
}

const ONLY_DEV = [
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: TUNNEL,
    Condition: { StringEquals: { 'ssm:resourceTag/Environment': 'dev' } },
  },
];
const ALL_BUT_DEV_DENIED = [
  { Effect: 'Allow', Action: 'ssm:StartSession', Resource: TUNNEL },
  {
    Effect: 'Deny',
    Action: 'ssm:StartSession',
    Resource: TUNNEL,
    Condition: { StringNotEquals: { 'aws:ResourceTag/Environment': 'dev' } },
  },
];
const ONLY_WITH_MFA = [
  {
    Effect: 'Allow',
    Action: 'ssm:StartSession',
    Resource: TUNNEL,
    Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
  },
];
const DEV = [{ Key: 'Environment', Value: 'dev' }];
const PROD = [{ Key: 'Environment', Value: 'prod' }];

describe('the tags of a customer Port document', () => {
  it.each([
    ['an Allow on Environment=dev', DEV, 'allowed', 'NON_COMPLIANT', ONLY_DEV],
    ['an Allow on Environment=dev', PROD, 'denied', 'COMPLIANT', ONLY_DEV],
    ['an Allow on Environment=dev', [], 'denied', 'COMPLIANT', ONLY_DEV],
    [
      'an Allow on Environment=dev',
      [{ Key: 'environment', Value: 'dev' }],
      'allowed',
      'NON_COMPLIANT',
      ONLY_DEV,
    ],
    ['a Deny unless Environment=dev', DEV, 'allowed', 'NON_COMPLIANT', ALL_BUT_DEV_DENIED],
    ['a Deny unless Environment=dev', PROD, 'denied', 'COMPLIANT', ALL_BUT_DEV_DENIED],
  ])(
    'decide %s when the listing gives them (%j): port forwarding %s, %s, and nothing missing',
    (_, tags, access, compliance, statements) => {
      // Given the role's grant on Acme-StartTunnel, whose tags the listing gives
      const snapshot = account(statements, tags);
      // When the account is audited, conditional access accepted
      const report = audit(snapshot, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: false });
      // Then the tags decide the grant outright
      const role = report.principals[0];
      expect(role?.portForwarding).toBe(access);
      expect(role?.compliance).toBe(compliance);
      expect(report.gaps.filter((g) => g.source === 'session-documents')).toEqual([]);
    },
  );

  it.each([
    ['an Allow on Environment=dev', ONLY_DEV],
    ['a Deny unless Environment=dev', ALL_BUT_DEV_DENIED],
  ])(
    'not listed, leave %s conditional, yet a violation where conditional access is accepted, and a gap',
    (_, statements) => {
      // Given the role's grant on Acme-StartTunnel, listed without its tags
      const snapshot = account(statements, undefined);
      // When the account is audited, conditional access accepted
      const report = audit(snapshot, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: false });
      // Then the access is conditional, but tagged dev the document would be open: NON_COMPLIANT, and
      // the instance it reaches is exposed; the report names the document whose tags are missing
      const role = report.principals[0];
      expect(role?.portForwarding).toBe('conditional');
      expect(role?.compliance).toBe('NON_COMPLIANT');
      expect(report.instances[0]?.exposedTo).toBe(1);
      expect(report.instances[0]?.compliance).toBe('NON_COMPLIANT');
      expect(report.gaps).toContainEqual({
        source: 'session-documents',
        message: expect.stringContaining('"Acme-StartTunnel"'),
      });
    },
  );

  it('not listed, do not make a condition of the request a violation where conditional access is accepted', () => {
    // Given the role's grant on Acme-StartTunnel only with MFA, listed without its tags
    const snapshot = account(ONLY_WITH_MFA, undefined);
    // When the account is audited, conditional access accepted
    const report = audit(snapshot, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: false });
    // Then no tags of the document would allow it without MFA: accepted, though the tags are a gap
    expect(report.principals[0]?.portForwarding).toBe('conditional');
    expect(report.principals[0]?.compliance).toBe('COMPLIANT');
    expect(report.instances[0]?.exposedTo).toBe(0);
    expect(report.gaps).toContainEqual({
      source: 'session-documents',
      message: expect.stringContaining('"Acme-StartTunnel"'),
    });
  });

  it('of another account, shared without tags in the listing, count as not listed', () => {
    // Given a Port document shared from 444455556666, listed without tags, and a grant on its dev tag
    const shared = 'arn:aws:ssm:us-east-1:444455556666:document/Partner-Tunnel';
    const snapshot = account([{ ...ONLY_DEV[0], Resource: shared }], undefined, {
      DocumentIdentifiers: [{ Name: 'Partner-Tunnel', Owner: '444455556666', SessionType: 'Port' }],
    });
    // When the account is audited, conditional access accepted
    const report = audit(snapshot, { ...DEFAULT_COMPLIANCE_POLICY, conditionalIsViolation: false });
    // Then its tags are as unknown as those of a document of this account listed without them
    expect(report.principals[0]?.compliance).toBe('NON_COMPLIANT');
    expect(report.gaps).toContainEqual({
      source: 'session-documents',
      message: expect.stringContaining('"Partner-Tunnel"'),
    });
  });

  it('listed twice under one key with different values are refused, naming the place', () => {
    // Given a listing whose document has Environment=dev and Environment=prod
    const listing = documents([...DEV, ...PROD]);
    // When it is read, then it is refused: nothing says which value a condition would read
    expect(() => account(ONLY_DEV, undefined, listing)).toThrow(
      'session-documents.json: DocumentIdentifiers[0].Tags[1]: tag "Environment" is listed twice with different values',
    );
  });
});
