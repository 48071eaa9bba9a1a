import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';

/**
 * SSM-SessionManagerRunShell as `aws ssm get-document --name SSM-SessionManagerRunShell` writes it: the
 * preferences are the `inputs` of its Content, a JSON string. Documents written by hand or by older
 * tooling may give the Boolean inputs as the strings "true" and "false" (AWS's own parameterized
 * Session documents declare such inputs as Strings allowed to be "true" or "false"). The audit reads
 * them as the Booleans they name, so "false" is never read as encryption or streaming being on.
 */
const account = { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', Region: 'us-east-1' };
const iam = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
const instances = { InstanceInformationList: [] };

function preferencesDocument(inputs: Record<string, unknown>) {
  return {
    Name: 'SSM-SessionManagerRunShell',
    CreatedDate: '2024-01-18T10:20:47.318000+00:00',
    DocumentVersion: '3',
    Status: 'Active',
    Content: JSON.stringify({
      schemaVersion: '1.0',
      description: 'Document to hold regional settings for Session Manager',
      sessionType: 'Standard_Stream',
      inputs,
    }),
    DocumentType: 'Session',
    DocumentFormat: 'JSON',
  };
}

const table: readonly (readonly [string, boolean, string | boolean])[] = [
  ['the string "false"', false, 'false'],
  ['the string "true"', true, 'true'],
  ['the Boolean false', false, false],
  ['the Boolean true', true, true],
];

describe('the Boolean inputs of the session preferences document', () => {
  it.each(table)('reads %s as %p', (_name, expected, given) => {
    // Given a preferences document logging to S3 and CloudWatch, its Boolean inputs all set to one value
    const sessionPreferences = preferencesDocument({
      s3BucketName: 'acme-session-logs-111122223333',
      s3EncryptionEnabled: given,
      cloudWatchLogGroupName: '/ssm/sessions',
      cloudWatchEncryptionEnabled: given,
      cloudWatchStreamingEnabled: given,
    });
    // When the snapshot is parsed
    const snapshot = parseSnapshotValues({ account, iam, instances, sessionPreferences });
    // Then each Boolean input is the Boolean it names
    expect(snapshot.sessionPreferences).toEqual({
      state: 'configured',
      inputs: {
        s3BucketName: 'acme-session-logs-111122223333',
        s3EncryptionEnabled: expected,
        cloudWatchLogGroupName: '/ssm/sessions',
        cloudWatchEncryptionEnabled: expected,
        cloudWatchStreamingEnabled: expected,
      },
    });
  });
});
