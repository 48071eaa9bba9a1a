import { parseSnapshotValues } from '../../src/snapshot/parse-snapshot';
import { SnapshotInputError } from '../../src/snapshot/errors';
import { instanceArn } from '../../src/rules/instances';
import { isHybrid } from '../../src/snapshot/instance-kind';

/**
 * EC2 instances have `i-` ids and the ResourceType `EC2Instance`; hybrid nodes have `mi-` ids and
 * `ManagedInstance`. The kind decides the ARN that policies are matched against and whether the
 * activation tier applies. A record whose two fields disagree was put together by hand, and either
 * reading could report a reachable instance COMPLIANT (an EC2 instance read as a hybrid node in the
 * standard tier cannot take SSH): it is refused, naming the file, the place and both fields. A record
 * without a ResourceType is read by its id.
 */
const account = { Account: '111122223333', Arn: 'arn:aws:iam::111122223333:root', Region: 'eu-west-1' };
const iam = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };

/** An entry of `aws ssm describe-instance-information`. */
const ec2 = (id: string, resourceType?: string) => ({
  InstanceId: id,
  PingStatus: 'Online',
  LastPingDateTime: '2026-03-16T07:58:42.318000+00:00',
  AgentVersion: '3.3.1957.0',
  IsLatestVersion: true,
  PlatformType: 'Linux',
  PlatformName: 'Amazon Linux',
  PlatformVersion: '2023',
  ...(resourceType === undefined ? {} : { ResourceType: resourceType }),
  IPAddress: '10.20.1.17',
  ComputerName: 'ip-10-20-1-17.eu-west-1.compute.internal',
  SourceId: id,
  SourceType: 'AWS::EC2::Instance',
});
const hybrid = (id: string, resourceType?: string) => ({
  InstanceId: id,
  PingStatus: 'Online',
  LastPingDateTime: '2026-03-16T07:58:42.318000+00:00',
  AgentVersion: '3.3.1957.0',
  PlatformType: 'Linux',
  PlatformName: 'Ubuntu',
  PlatformVersion: '22.04',
  ...(resourceType === undefined ? {} : { ResourceType: resourceType }),
  ActivationId: '5743558d-563b-4457-8682-d16c3EXAMPLE',
  IamRole: 'service-role/AcmeSSMHybridActivationRole',
  RegistrationDate: '2025-11-04T10:12:40.117000+00:00',
  IPAddress: '192.168.40.21',
  ComputerName: 'db-replica-01.corp.example.com',
  SourceId: id,
  SourceType: 'AWS::SSM::ManagedInstance',
});

const parse = (...list: object[]) =>
  parseSnapshotValues({ account, iam, instances: { InstanceInformationList: list } });

const refused: readonly (readonly [string, object[], string])[] = [
  [
    'an EC2 instance id with the ResourceType of a hybrid node',
    [ec2('i-0a1b2c3d4e5f60718', 'ManagedInstance')],
    'instances.json: InstanceInformationList[0]: ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-0a1b2c3d4e5f60718" is an EC2 instance\'s (hybrid nodes have mi- ids); nothing says which is true',
  ],
  [
    'an EC2 instance id of the older 8-digit form with the ResourceType of a hybrid node',
    [ec2('i-0a1b2c3d', 'ManagedInstance')],
    'instances.json: InstanceInformationList[0]: ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-0a1b2c3d" is an EC2 instance\'s (hybrid nodes have mi- ids); nothing says which is true',
  ],
  [
    'a hybrid node id with the ResourceType of an EC2 instance',
    [hybrid('mi-0a1b2c3d4e5f67890', 'EC2Instance')],
    'instances.json: InstanceInformationList[0]: ResourceType "EC2Instance" says an EC2 instance, but InstanceId "mi-0a1b2c3d4e5f67890" is a hybrid node\'s (EC2 instances have i- ids); nothing says which is true',
  ],
  [
    'the third of three instances, after two that agree',
    [
      ec2('i-0a1b2c3d4e5f60718', 'EC2Instance'),
      hybrid('mi-0a1b2c3d4e5f67890', 'ManagedInstance'),
      ec2('i-0b2c3d4e5f6071829', 'ManagedInstance'),
    ],
    'instances.json: InstanceInformationList[2]: ResourceType "ManagedInstance" says a hybrid node, but InstanceId "i-0b2c3d4e5f6071829" is an EC2 instance\'s (hybrid nodes have mi- ids); nothing says which is true',
  ],
];

/** Accepted records, and whether the audit reads each as a hybrid node (its ARN says which). */
const accepted: readonly (readonly [string, object, 'hybrid' | 'EC2'])[] = [
  ['an EC2 instance as AWS lists it', ec2('i-0a1b2c3d4e5f60718', 'EC2Instance'), 'EC2'],
  ['a hybrid node as AWS lists it', hybrid('mi-0a1b2c3d4e5f67890', 'ManagedInstance'), 'hybrid'],
  ['an EC2 instance without a ResourceType, known by its i- id', ec2('i-0a1b2c3d4e5f60718'), 'EC2'],
  ['a hybrid node without a ResourceType, known by its mi- id', hybrid('mi-0a1b2c3d4e5f67890'), 'hybrid'],
  [
    'an id of neither form (written by hand), known by its ResourceType',
    hybrid('db-replica-01', 'ManagedInstance'),
    'hybrid',
  ],
];

describe('an instance whose ResourceType contradicts its id', () => {
  it.each(refused)('is refused: %s', (_, list, message) => {
    // When instances.json is parsed / Then it is refused with a one-line error naming both fields
    expect(() => parse(...list)).toThrow(SnapshotInputError);
    expect(() => parse(...list)).toThrow(message);
  });
});

describe('an instance whose ResourceType and id agree, or that has only one of them', () => {
  it.each(accepted)('is accepted: %s', (_, record, kind) => {
    // When instances.json is parsed
    const snapshot = parse(record);
    // Then the instance is kept and read as the kind its fields say, with that kind's ARN
    const [info] = snapshot.instances;
    expect(info).toBeDefined();
    expect(isHybrid(info!)).toBe(kind === 'hybrid');
    expect(instanceArn(info!, snapshot.account)).toBe(
      kind === 'hybrid'
        ? `arn:aws:ssm:eu-west-1:111122223333:managed-instance/${info!.InstanceId}`
        : `arn:aws:ec2:eu-west-1:111122223333:instance/${info!.InstanceId}`,
    );
  });
});
