import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import { SnapshotInputError } from '../../src/snapshot/errors';

/**
 * AWS lists every user, role, group, managed policy and managed instance once, and an account holds one
 * user, role, group or customer managed policy of a name, whatever its path and case. A file that lists
 * one twice was put together by hand or from overlapping pages, and nothing says which entry is true, so
 * it is refused with a one-line error naming the file, both places and the repeated value.
 */
const account = { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', Region: 'us-east-1' };
const user = (name: string, id: string, path = '/') => ({
  UserName: name,
  UserId: id,
  Arn: `arn:aws:iam::111122223333:user${path}${name}`,
  Path: path,
  CreateDate: '2024-01-02T03:04:05+00:00',
  GroupList: [],
  UserPolicyList: [],
  AttachedManagedPolicies: [],
  Tags: [],
});
const role = (name: string, id: string, path = '/') => ({
  RoleName: name,
  RoleId: id,
  Arn: `arn:aws:iam::111122223333:role${path}${name}`,
  Path: path,
  RolePolicyList: [],
  AttachedManagedPolicies: [],
});
const group = (name: string, id: string, path = '/') => ({
  GroupName: name,
  GroupId: id,
  Arn: `arn:aws:iam::111122223333:group${path}${name}`,
  Path: path,
  GroupPolicyList: [],
  AttachedManagedPolicies: [],
});
/** A customer managed policy; with `account` "aws", an AWS managed one. */
const policy = (name: string, id: string, path = '/', account = '111122223333') => ({
  PolicyName: name,
  PolicyId: id,
  Arn: `arn:aws:iam::${account}:policy${path}${name}`,
  Path: path,
  DefaultVersionId: 'v1',
  PolicyVersionList: [
    {
      VersionId: 'v1',
      IsDefaultVersion: true,
      Document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] },
    },
  ],
});
const instance = (id: string, ping: string) => ({
  InstanceId: id,
  PingStatus: ping,
  AgentVersion: '3.3.1957.0',
  PlatformType: 'Linux',
  ResourceType: 'EC2Instance',
});
const iam = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
const instances = { InstanceInformationList: [instance('i-0123456789abcdef0', 'Online')] };

const table: readonly (readonly [string, SnapshotValues, string])[] = [
  [
    'an instance listed twice, once per page',
    {
      instances: {
        InstanceInformationList: [
          instance('i-0123456789abcdef0', 'Online'),
          instance('i-0fedcba9876543210', 'Online'),
          instance('i-0123456789abcdef0', 'ConnectionLost'),
        ],
      },
    },
    'instances.json: InstanceInformationList[2].InstanceId: "i-0123456789abcdef0" is listed twice (also InstanceInformationList[0])',
  ],
  [
    'a user listed twice',
    { iam: { ...iam, UserDetailList: [user('alice', 'AIDA1'), user('alice', 'AIDA2')] } },
    'iam.json: UserDetailList[1].UserName: "alice" is listed twice (also UserDetailList[0])',
  ],
  [
    'a user name at two paths (a name is unique in the account whatever its path)',
    {
      iam: {
        ...iam,
        UserDetailList: [user('alice.nguyen', 'AIDA1'), user('alice.nguyen', 'AIDA2', '/x/')],
      },
    },
    'iam.json: UserDetailList[1].UserName: "alice.nguyen" is listed twice (also UserDetailList[0] as "arn:aws:iam::111122223333:user/alice.nguyen", which IAM does not tell apart: a name is unique in its account whatever its path)',
  ],
  [
    'a user name in two cases (IAM names are not distinguished by case)',
    {
      iam: {
        ...iam,
        UserDetailList: [user('alice.nguyen', 'AIDA1'), user('Alice.Nguyen', 'AIDA2')],
      },
    },
    'iam.json: UserDetailList[1].UserName: "Alice.Nguyen" is listed twice (also UserDetailList[0] as "alice.nguyen", which IAM does not tell apart by case)',
  ],
  [
    'a user name in two cases at two paths',
    {
      iam: {
        ...iam,
        UserDetailList: [
          user('alice.nguyen', 'AIDA1', '/contractors/'),
          user('bob', 'AIDA2'),
          user('ALICE.NGUYEN', 'AIDA3'),
        ],
      },
    },
    'iam.json: UserDetailList[2].UserName: "ALICE.NGUYEN" is listed twice (also UserDetailList[0] as "arn:aws:iam::111122223333:user/contractors/alice.nguyen", which IAM does not tell apart: a name is unique in its account whatever its path and case)',
  ],
  [
    'a role listed twice',
    { iam: { ...iam, RoleDetailList: [role('Ops', 'AROA1'), role('Dev', 'AROA2'), role('Ops', 'AROA3')] } },
    'iam.json: RoleDetailList[2].RoleName: "Ops" is listed twice (also RoleDetailList[0])',
  ],
  [
    'a role name in two cases',
    { iam: { ...iam, RoleDetailList: [role('OpsAdmin', 'AROA1'), role('opsadmin', 'AROA2')] } },
    'iam.json: RoleDetailList[1].RoleName: "opsadmin" is listed twice (also RoleDetailList[0] as "OpsAdmin", which IAM does not tell apart by case)',
  ],
  [
    'a role name at two paths',
    {
      iam: {
        ...iam,
        RoleDetailList: [role('OnCallEngineer', 'AROA1', '/ops/'), role('OnCallEngineer', 'AROA2')],
      },
    },
    'iam.json: RoleDetailList[1].RoleName: "OnCallEngineer" is listed twice (also RoleDetailList[0] as "arn:aws:iam::111122223333:role/ops/OnCallEngineer", which IAM does not tell apart: a name is unique in its account whatever its path)',
  ],
  [
    'a group name listed twice (users name their groups)',
    { iam: { ...iam, GroupDetailList: [group('admins', 'AGPA1'), group('admins', 'AGPA2')] } },
    'iam.json: GroupDetailList[1].GroupName: "admins" is listed twice (also GroupDetailList[0])',
  ],
  [
    'a group name listed twice in two cases (IAM names are not distinguished by case)',
    { iam: { ...iam, GroupDetailList: [group('Admins', 'AGPA1'), group('admins', 'AGPA2')] } },
    'iam.json: GroupDetailList[1].GroupName: "admins" is listed twice (also GroupDetailList[0] as "Admins", which IAM does not tell apart by case)',
  ],
  [
    'a group name at two paths',
    { iam: { ...iam, GroupDetailList: [group('admins', 'AGPA1'), group('admins', 'AGPA2', '/eu/')] } },
    'iam.json: GroupDetailList[1].GroupName: "admins" is listed twice (also GroupDetailList[0] as "arn:aws:iam::111122223333:group/admins", which IAM does not tell apart: a name is unique in its account whatever its path)',
  ],
  [
    'a managed policy listed twice',
    { iam: { ...iam, Policies: [policy('Guard', 'ANPA1'), policy('Guard', 'ANPA2')] } },
    'iam.json: Policies[1].PolicyName: "Guard" is listed twice (also Policies[0])',
  ],
  [
    'a customer managed policy name at two paths',
    {
      iam: {
        ...iam,
        Policies: [policy('Guard', 'ANPA1', '/guardrails/'), policy('Guard', 'ANPA2', '/legacy/')],
      },
    },
    'iam.json: Policies[1].PolicyName: "Guard" is listed twice (also Policies[0] as "arn:aws:iam::111122223333:policy/guardrails/Guard", which IAM does not tell apart: a name is unique in its account whatever its path)',
  ],
  [
    'a customer managed policy name in two cases',
    { iam: { ...iam, Policies: [policy('DenySSH', 'ANPA1'), policy('denyssh', 'ANPA2')] } },
    'iam.json: Policies[1].PolicyName: "denyssh" is listed twice (also Policies[0] as "DenySSH", which IAM does not tell apart by case)',
  ],
  [
    'an AWS managed policy listed twice',
    {
      iam: {
        ...iam,
        Policies: [
          policy('AdministratorAccess', 'ANPA1', '/', 'aws'),
          policy('AdministratorAccess', 'ANPA1', '/', 'aws'),
        ],
      },
    },
    'iam.json: Policies[1].PolicyName: "AdministratorAccess" is listed twice (also Policies[0])',
  ],
];

/**
 * Near misses: entries that share a name but that AWS holds side by side, because the names are in
 * different namespaces (entity types, or AWS's own namespace for AWS managed policies).
 */
type IamLists = Record<'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies', unknown[]>;
const accepted: readonly (readonly [string, IamLists])[] = [
  [
    'a user and a role of the same name',
    { ...iam, UserDetailList: [user('ops', 'AIDA1')], RoleDetailList: [role('ops', 'AROA1')] },
  ],
  [
    'a user and a group of the same name',
    { ...iam, UserDetailList: [user('admins', 'AIDA1')], GroupDetailList: [group('admins', 'AGPA1')] },
  ],
  [
    'a customer managed policy named like an AWS managed one, at the same path',
    {
      ...iam,
      Policies: [policy('AdministratorAccess', 'ANPA1', '/', 'aws'), policy('AdministratorAccess', 'ANPA2')],
    },
  ],
  [
    'a customer managed policy named like an AWS managed one in another case and path',
    {
      ...iam,
      Policies: [
        policy('AmazonSSMFullAccess', 'ANPA1', '/', 'aws'),
        policy('amazonssmfullaccess', 'ANPA2', '/copies/'),
      ],
    },
  ],
];

const tag = (key: string, value: string) => ({
  Key: key,
  Value: value,
  ResourceId: 'i-0123456789abcdef0',
  ResourceType: 'instance',
});

describe('a snapshot that lists one thing twice', () => {
  it.each(table)('is refused: %s', (_, overrides, message) => {
    const parse = () => parseSnapshotValues({ account, iam, instances, ...overrides });
    expect(parse).toThrow(SnapshotInputError);
    expect(parse).toThrow(message);
  });

  it('is refused when one tag of one instance has two values', () => {
    const parse = () =>
      parseSnapshotValues({
        account,
        iam,
        instances,
        tags: { Tags: [tag('Team', 'dev'), tag('Team', 'prod')] },
      });
    expect(parse).toThrow(SnapshotInputError);
    expect(parse).toThrow(
      'tags.json: Tags[1]: tag "Team" of "i-0123456789abcdef0" is listed twice with different values',
    );
  });

  it('keeps one tag listed twice with the same value, which says nothing new', () => {
    const snapshot = parseSnapshotValues({
      account,
      iam,
      instances,
      tags: { Tags: [tag('Team', 'dev'), tag('Team', 'dev')] },
    });
    expect({ ...snapshot.tags?.['i-0123456789abcdef0'] }).toEqual({ Team: 'dev' });
  });

  it('names a user of another account as such, not as a second user of the same name', () => {
    // Given a user of another account with the name of one of this account's users
    const other = { ...user('alice', 'AIDA2'), Arn: 'arn:aws:iam::999988887777:user/alice' };
    // When / Then: refused for its account, which is what is wrong with it
    expect(() =>
      parseSnapshotValues({
        account,
        instances,
        iam: { ...iam, UserDetailList: [user('alice', 'AIDA1'), other] },
      }),
    ).toThrow(
      'iam.json: UserDetailList[1].Arn: "arn:aws:iam::999988887777:user/alice" is in account 999988887777, but account.json says the snapshot is of account 111122223333',
    );
  });

  it.each(accepted)('is not confused with %s, which AWS allows', (_, names) => {
    // Given entries that share a name in namespaces AWS keeps apart
    // When the snapshot is parsed
    const snapshot = parseSnapshotValues({ account, instances, iam: names });
    // Then every entry is kept
    expect(snapshot.iam.UserDetailList).toHaveLength(names.UserDetailList.length);
    expect(snapshot.iam.GroupDetailList).toHaveLength(names.GroupDetailList.length);
    expect(snapshot.iam.RoleDetailList).toHaveLength(names.RoleDetailList.length);
    expect(snapshot.iam.Policies).toHaveLength(names.Policies.length);
  });
});
