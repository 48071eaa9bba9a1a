import { statementToFix } from '../../src/report/headline';
import { renderText } from '../../src/report/render-text';
import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { audit } from '../../src/rules/audit';
import {
  ADMINISTRATOR_ACCESS_POLICY,
  auditOneRole,
  DENY_WITHOUT_MFA,
  oneInstanceAccount,
  roleDetail,
} from '../rules/one-role-account';

/**
 * The "change:" line of the text, markdown and HTML reports names the statement a person should change.
 * For conditional access that is the statement whose condition decides it, and the line names the
 * condition keys (or the Resource patterns) it depends on: an Allow that grants outright what a
 * conditional Deny takes away is not what decides, and naming it alone hides the condition.
 */
const SSH_DOCUMENT = 'arn:aws:ssm:*:*:document/AWS-StartSSHSession';
const INSTANCES = 'arn:aws:ec2:*:*:instance/*';
const ALLOW_ALL = { Sid: 'Everything', Effect: 'Allow', Action: '*', Resource: '*' };

describe('the statement to change', () => {
  it.each<[string, object[], { names: RegExp; notNames?: RegExp }]>([
    [
      'an Allow of everything: that Allow',
      [ALLOW_ALL],
      { names: /^statement "Everything" .* allows ssm:StartSession on .*AWS-StartSSHSession$/ },
    ],
    [
      'an Allow of everything and a Deny of sessions without MFA: the Deny, with its condition key',
      [ALLOW_ALL, DENY_WITHOUT_MFA],
      {
        names: /^statement "DenyWithoutMFA" .* denies ssm:StartSession .*aws:MultiFactorAuthPresent/,
        notNames: /Everything/,
      },
    ],
    [
      'an Allow of the document and an Allow of instances tagged Environment=dev, tags unread: the tag key',
      [
        { Sid: 'Document', Effect: 'Allow', Action: 'ssm:StartSession', Resource: SSH_DOCUMENT },
        {
          Sid: 'DevInstances',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: INSTANCES,
          Condition: { StringEquals: { 'ssm:resourceTag/Environment': 'dev' } },
        },
      ],
      { names: /^statement "DevInstances" .*ssm:resourceTag\/Environment/, notNames: /"Document"/ },
    ],
    [
      'two conditional Allows on different keys: both keys',
      [
        { Sid: 'Document', Effect: 'Allow', Action: 'ssm:StartSession', Resource: SSH_DOCUMENT },
        {
          Sid: 'FromOffice',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: INSTANCES,
          Condition: { IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
        },
        {
          Sid: 'WithMFA',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: INSTANCES,
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
      {
        names:
          /^statement "FromOffice" .*aws:SourceIp.*aws:MultiFactorAuthPresent \(statement "WithMFA" of Sessions\)$/,
      },
    ],
    [
      "an Allow of the document and of instances named by the role's session tag: the pattern",
      [
        { Sid: 'Document', Effect: 'Allow', Action: 'ssm:StartSession', Resource: SSH_DOCUMENT },
        {
          Sid: 'OwnInstance',
          Effect: 'Allow',
          Action: 'ssm:StartSession',
          Resource: 'arn:aws:ec2:*:*:instance/${aws:PrincipalTag/instance}',
        },
      ],
      { names: /^statement "OwnInstance" .*\$\{aws:PrincipalTag\/instance\}/, notNames: /"Document"/ },
    ],
    [
      'two Allows of the SSH document and of instances: the first, and that the other allows it too',
      [
        ALLOW_ALL,
        { Sid: 'Ssh', Effect: 'Allow', Action: 'ssm:StartSession', Resource: [SSH_DOCUMENT, INSTANCES] },
      ],
      {
        names:
          /^statement "Everything" .* allows ssm:StartSession on .*AWS-StartSSHSession; also allowed by statement "Ssh" of Sessions$/,
      },
    ],
    [
      'an Allow of everything and a Deny of the SSH document: the Allow of a port-forwarding document',
      [ALLOW_ALL, { Sid: 'NoSsh', Effect: 'Deny', Action: 'ssm:StartSession', Resource: SSH_DOCUMENT }],
      {
        names: /^statement "Everything" .* allows ssm:StartSession on .*AWS-StartPortForwardingSession/,
        notNames: /AWS-StartSSHSession/,
      },
    ],
  ])('with %s', (_what, statements, { names, notNames }) => {
    // Given the role ops with these statements, and no tags.json
    const report = auditOneRole(statements);
    const principal = report.principals[0]!;
    expect(principal.compliance).toBe('NON_COMPLIANT');

    // When the statement to change is named, in the text report too
    const line = statementToFix(principal);
    const text = renderText(report);

    // Then it is the deciding statement, with what it depends on
    expect(line).toMatch(names);
    if (notNames) expect(line).not.toMatch(notNames);
    expect(text).toContain(`      change: ${line}\n`);
  });

  it("names no boundary's Allow as a second grant: changing the identity policy's Allow ends the access", () => {
    // Given the role ops, allowed everything inline, with AdministratorAccess as its permissions boundary
    const report = audit(
      oneInstanceAccount({
        Policies: [ADMINISTRATOR_ACCESS_POLICY],
        RoleDetailList: [
          {
            ...roleDetail('ops', 'AROAEXAMPLEOPS'),
            RolePolicyList: [
              { PolicyName: 'Sessions', PolicyDocument: { Version: '2012-10-17', Statement: [ALLOW_ALL] } },
            ],
            PermissionsBoundary: {
              PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
              PermissionsBoundaryArn: ADMINISTRATOR_ACCESS_POLICY.Arn,
            },
          },
        ],
      }),
      DEFAULT_COMPLIANCE_POLICY,
    );
    const principal = report.principals[0]!;
    // (the boundary's Allow is among the reasons: the request needs it too)
    expect(principal.reasons.some((r) => r.layer === 'boundary' && r.effect === 'Allow')).toBe(true);

    // When the statement to change is named, then it is the inline Allow alone
    expect(statementToFix(principal)).toMatch(
      /^statement "Everything" of inline policy Sessions .*AWS-StartSSHSession$/,
    );
  });

  it('is what the SSH finding calls deciding, for SSH that a conditional Deny makes conditional', () => {
    // Given a role allowed everything, and denied sessions without MFA
    const report = auditOneRole([ALLOW_ALL, DENY_WITHOUT_MFA]);

    // When its SSH finding is read
    const finding = report.findings.find((f) => f.rule === 'ssh-over-session-manager');

    // Then it names the Deny and its key as deciding, not the Allow it overrides
    expect(finding?.message).toMatch(/Deciding: statement "DenyWithoutMFA" .*aws:MultiFactorAuthPresent/);
    expect(finding?.message).not.toMatch(/Everything/);
  });
});
