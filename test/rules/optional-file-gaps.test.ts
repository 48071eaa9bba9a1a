import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';

/**
 * A snapshot file the audit can do without (the activation tier, the session preferences, the Session
 * documents, the tags) may be absent, or hold the error its collection met. Either way the report says
 * once which file, and what is unknown for want of it: the loader and the rules do not each say it.
 */
const account = { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', Region: 'us-east-1' };
const base: SnapshotValues = {
  account,
  iam: { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] },
  instances: {
    InstanceInformationList: [
      { InstanceId: 'i-0123456789abcdef0', ResourceType: 'EC2Instance', AgentVersion: '3.3.1142.0' },
    ],
  },
  tags: { Tags: [] },
  sessionDocuments: { DocumentIdentifiers: [] },
  activationTier: {
    ServiceSetting: { SettingId: '/ssm/managed-instance/activation-tier', SettingValue: 'standard' },
  },
  sessionPreferences: {
    Error: { Code: 'InvalidDocument', Message: 'The specified document does not exist.' },
  },
};
const denied = { Error: { Code: 'AccessDeniedException', Message: 'not authorized to perform the call' } };

const table: readonly (readonly [keyof SnapshotValues, string, string])[] = [
  ['sessionDocuments', 'session-documents', 'customer-owned port-forwarding documents are unknown'],
  ['activationTier', 'activation-tier', 'the instances tier is unknown'],
  ['sessionPreferences', 'session-preferences', 'session logging settings are unknown'],
];

describe.each(table)('without %s', (key, source, consequence) => {
  it.each([
    ['absent', undefined, `${source}.json is not in the snapshot: ${consequence}`],
    ['an access error', denied, `AccessDeniedException: not authorized to perform the call; ${consequence}`],
  ] as const)('the report says once, when the file is %s, what is unknown', (_, value, message) => {
    const values: SnapshotValues = { ...base, [key]: value };
    const report = audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY);
    expect(report.complete).toBe(false);
    expect(report.gaps).toEqual([{ source, message }]);
  });
});

/**
 * InvalidDocument says "no such document" only of SSM-SessionManagerRunShell, where it means Session
 * Manager runs with its defaults. In any other optional file it is one more failed read: a gap, like
 * any other error the file records, not a file to refuse and not data.
 */
describe.each(table.filter(([key]) => key !== 'sessionPreferences'))(
  '%s holding InvalidDocument',
  (key, source, consequence) => {
    it('is a gap naming the error and what is unknown', () => {
      // Given the optional file holding the error record of a failed read
      const invalid = {
        Error: { Code: 'InvalidDocument', Message: 'The specified document does not exist.' },
      };
      const values: SnapshotValues = { ...base, [key]: invalid };
      // When the snapshot is audited
      const report = audit(parseSnapshotValues(values), DEFAULT_COMPLIANCE_POLICY);
      // Then the read is a gap, and the report incomplete
      expect(report.complete).toBe(false);
      expect(report.gaps).toEqual([
        { source, message: `InvalidDocument: The specified document does not exist.; ${consequence}` },
      ]);
    });
  },
);
