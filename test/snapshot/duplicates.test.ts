import { parseSnapshotValues, type SnapshotValues } from '../../src/snapshot/parse-snapshot';
import { SnapshotInputError } from '../../src/snapshot/errors';

/**
 * AWS lists every user, role, group, managed policy and managed instance once. A file that lists one
 * twice was put together by hand or from overlapping pages, and nothing says which entry is true, so
 * it is refused with a one-line error naming the file, both places and the repeated value.
 */
const account = { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', Region: 'us-east-1' };
const user = (name: string, id: string) => ({
  UserName: name,
  UserId: id,
  Arn: `arn:aws:iam::111122223333:user/${name}`,
  Path: '/',
  CreateDate: '2024-01-02T03:04:05+00:00',
  GroupList: [],
  UserPolicyList: [],
  AttachedManagedPolicies: [],
  Tags: [],
});
const role = (name: string, id: string) => ({
  RoleName: name,
  RoleId: id,
  Arn: `arn:aws:iam::111122223333:role/${name}`,
  Path: '/',
  RolePolicyList: [],
  AttachedManagedPolicies: [],
});
const group = (name: string, id: string) => ({
  GroupName: name,
  GroupId: id,
  Arn: `arn:aws:iam::111122223333:group/${name}`,
  Path: '/',
  GroupPolicyList: [],
  AttachedManagedPolicies: [],
});
const policy = (name: string, id: string) => ({
  PolicyName: name,
  PolicyId: id,
  Arn: `arn:aws:iam::111122223333:policy/${name}`,
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
    'iam.json: UserDetailList[1].Arn: "arn:aws:iam::111122223333:user/alice" is listed twice (also UserDetailList[0])',
  ],
  [
    'a role listed twice',
    { iam: { ...iam, RoleDetailList: [role('Ops', 'AROA1'), role('Dev', 'AROA2'), role('Ops', 'AROA3')] } },
    'iam.json: RoleDetailList[2].Arn: "arn:aws:iam::111122223333:role/Ops" is listed twice (also RoleDetailList[0])',
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
    'a managed policy listed twice',
    { iam: { ...iam, Policies: [policy('Guard', 'ANPA1'), policy('Guard', 'ANPA2')] } },
    'iam.json: Policies[1].Arn: "arn:aws:iam::111122223333:policy/Guard" is listed twice (also Policies[0])',
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

  it('is not confused with a user and a role of the same name, which AWS allows', () => {
    const snapshot = parseSnapshotValues({
      account,
      instances,
      iam: { ...iam, UserDetailList: [user('ops', 'AIDA1')], RoleDetailList: [role('ops', 'AROA1')] },
    });
    expect(snapshot.iam.UserDetailList).toHaveLength(1);
    expect(snapshot.iam.RoleDetailList).toHaveLength(1);
  });
});
