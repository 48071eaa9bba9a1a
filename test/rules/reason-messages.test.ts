import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import {
  ACCOUNT,
  DENY_WITHOUT_MFA,
  INSTANCE,
  auditOneRole,
  oneInstanceAccount,
  roleDetail,
} from './one-role-account';

/**
 * A report line's reasons are the statements to change: each names its statement (by Sid, or by index
 * when it has none), the policy and where it is attached, whether it allows or denies, and, for
 * conditional access, what the access depends on. A reader acts on the message alone (the text and
 * markdown reports print it), so it must say all of that.
 */
const SSH_DOCUMENT = 'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/ops`;
const INSTANCES = 'arn:aws:ec2:*:*:instance/*';

describe('the reasons a report line gives', () => {
  it('names a conditional Allow by its Sid, and says which condition key the access depends on', () => {
    // Given a role allowed SSH only with MFA, in a statement with a Sid
    const report = auditOneRole([
      {
        Sid: 'SSHOnlyWithMFA',
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: [INSTANCES, 'arn:aws:ssm:*:*:document/AWS-StartSSHSession'],
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      },
    ]);
    // When its reasons are read
    const reasons = report.principals[0]?.reasons ?? [];
    // Then the reason on the SSH document names the statement by its Sid and the key it depends on
    expect(report.principals[0]?.sshOverSessionManager).toBe('conditional');
    expect(reasons).toContainEqual(
      expect.objectContaining({
        resource: 'document',
        resourceArn: SSH_DOCUMENT,
        decision: 'conditional',
        sid: 'SSHOnlyWithMFA',
        undeterminedKeys: ['aws:MultiFactorAuthPresent'],
        message: `statement "SSHOnlyWithMFA" of inline policy Sessions on ${ROLE} allows ssm:StartSession on ${SSH_DOCUMENT} only when its condition on aws:MultiFactorAuthPresent holds`,
      }),
    );
  });

  it('names an explicit Deny without a Sid by its index, says it denies, and marks the denial explicit', () => {
    // Given a role allowed SSH by its first statement and denied it by its second, which has no Sid
    const report = auditOneRole([
      {
        Sid: 'Sessions',
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: [INSTANCES, 'arn:aws:ssm:*:*:document/AWS-StartSSHSession'],
      },
      {
        Effect: 'Deny',
        Action: 'ssm:StartSession',
        Resource: 'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
      },
    ]);
    // When its reasons are read
    const principal = report.principals[0];
    // Then it is denied SSH, and the reason is the Deny statement, named by its index
    expect(principal?.sshOverSessionManager).toBe('denied');
    expect(principal?.reasons).toEqual([
      expect.objectContaining({
        resource: 'document',
        resourceArn: SSH_DOCUMENT,
        decision: 'denied',
        denial: 'explicit',
        statementIndex: 1,
        effect: 'Deny',
        message: `statement #1 of inline policy Sessions on ${ROLE} denies ssm:StartSession on ${SSH_DOCUMENT}`,
      }),
    ]);
    expect(principal?.reasons[0]).not.toHaveProperty('sid');
  });

  it('names, for each principal holding one managed policy, that principal as where the policy is attached', () => {
    // Given two roles with the same customer managed policy attached, which allows SSH everywhere
    const policyArn = `arn:aws:iam::${ACCOUNT}:policy/SshEverywhere`;
    const role = (name: string, id: string) =>
      roleDetail(name, id, [{ PolicyName: 'SshEverywhere', PolicyArn: policyArn }]);
    const snapshot = oneInstanceAccount({
      RoleDetailList: [role('Alpha', 'AROAEXAMPLEALPHA00000'), role('Bravo', 'AROAEXAMPLEBRAVO00000')],
      Policies: [
        {
          PolicyName: 'SshEverywhere',
          PolicyId: 'ANPAEXAMPLESSHEVERYW0',
          Arn: policyArn,
          Path: '/',
          DefaultVersionId: 'v1',
          AttachmentCount: 2,
          PermissionsBoundaryUsageCount: 0,
          IsAttachable: true,
          PolicyVersionList: [
            {
              Document: {
                Version: '2012-10-17',
                Statement: [
                  {
                    Sid: 'Ssh',
                    Effect: 'Allow',
                    Action: 'ssm:StartSession',
                    Resource: [INSTANCES, 'arn:aws:ssm:*:*:document/AWS-StartSSHSession'],
                  },
                ],
              },
              VersionId: 'v1',
              IsDefaultVersion: true,
            },
          ],
        },
      ],
    });
    // When the account is audited
    const report = audit(snapshot, DEFAULT_COMPLIANCE_POLICY);
    // Then each role's reasons, on the document and on the instance, name that role and no other
    for (const name of ['Alpha', 'Bravo']) {
      const arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
      const principal = report.principals.find((p) => p.arn === arn);
      expect(principal?.sshOverSessionManager).toBe('allowed');
      expect(principal?.reasons.map((r) => [r.resource, r.attachedTo])).toEqual([
        ['document', arn],
        ['instance', arn],
      ]);
      expect(principal?.reasons.map((r) => r.message)).toEqual([
        `statement "Ssh" of managed policy SshEverywhere on ${arn} allows ssm:StartSession on ${SSH_DOCUMENT}`,
        `statement "Ssh" of managed policy SshEverywhere on ${arn} allows ssm:StartSession on arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${INSTANCE}`,
      ]);
    }
  });

  it.each<[string, object[], RegExp]>([
    [
      'a conditional Allow, as allowing when its condition holds',
      [
        {
          Sid: 'WithMFA',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: '*',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
      /^statement "WithMFA" .* allows ssm:StartSession on .+ only when its condition on aws:MultiFactorAuthPresent holds$/,
    ],
    [
      'a conditional Deny, as denying when its condition holds',
      [{ Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' }, DENY_WITHOUT_MFA],
      /^statement "DenyWithoutMFA" .* denies ssm:StartSession on .+ only when its condition on aws:MultiFactorAuthPresent holds$/,
    ],
    [
      'a condition on two unknown keys, with both',
      [
        {
          Sid: 'OfficeWithMFA',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: '*',
          Condition: {
            IpAddress: { 'aws:SourceIp': '203.0.113.0/24' },
            Bool: { 'aws:MultiFactorAuthPresent': 'true' },
          },
        },
      ],
      /only when its condition on aws:SourceIp and aws:MultiFactorAuthPresent holds$/,
    ],
    [
      "a Resource pattern with the role's unknown session tag, as holding for some values of its variables",
      [
        {
          Sid: 'Document',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: 'arn:aws:ssm:*:*:document/*',
        },
        {
          Sid: 'OwnInstance',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: 'arn:aws:ec2:*:*:instance/${aws:PrincipalTag/instance}',
        },
      ],
      /^statement "OwnInstance" .* allows ssm:StartSession on \S+ only for some values of the policy variables in arn:aws:ec2:\*:\*:instance\/\$\{aws:PrincipalTag\/instance\}$/,
    ],
  ])('words %s', (_what, statements, wording) => {
    // Given the role ops with these statements
    const report = auditOneRole(statements);
    // When the reasons of its conditional SSH access are read
    const principal = report.principals[0];
    expect(principal?.sshOverSessionManager).toBe('conditional');
    const conditional = principal?.reasons.filter((r) => r.undeterminedKeys || r.undeterminedPatterns) ?? [];
    // Then each says when the statement applies, whatever its effect
    expect(conditional.length).toBeGreaterThan(0);
    for (const reason of conditional) expect(reason.message).toMatch(wording);
  });
});
