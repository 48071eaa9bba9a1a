import { join } from 'node:path';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import { loadSnapshotDirectory } from '../../src/snapshot/load-directory';

/**
 * A finding about a principal names it by the AWS Config resource type of what it is: an IAM user is
 * AWS::IAM::User and an IAM role AWS::IAM::Role (AWS Config, "Supported Resource Types"), so that a
 * finding can be matched with the Config evaluation of the same resource.
 */
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'account');
const PRINCIPAL_RULES = ['ssh-over-session-manager', 'port-forwarding-over-session-manager'];

describe('the SSH and port-forwarding findings of the example account', () => {
  it('name each user AWS::IAM::User and each role AWS::IAM::Role, by its ARN', async () => {
    // Given the example account, whose users and roles both have findings under the default policy
    const report = audit(await loadSnapshotDirectory(EXAMPLE), DEFAULT_COMPLIANCE_POLICY);
    const typeOf = new Map(report.principals.map((p) => [p.arn, p.type]));
    const findings = report.findings.filter((f) => PRINCIPAL_RULES.includes(f.rule));
    // When the findings' principals are looked up by ARN
    const types = findings.map((f) => [typeOf.get(f.resourceArn ?? f.resourceId), f.resourceType]);
    // Then there are findings for users and for roles, each with the Config type of its principal
    expect(new Set(types.map(([type]) => type))).toEqual(new Set(['user', 'role']));
    for (const [type, resourceType] of types) {
      expect(resourceType).toBe(type === 'user' ? 'AWS::IAM::User' : 'AWS::IAM::Role');
    }
  });
});
