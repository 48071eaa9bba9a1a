#!/usr/bin/env node
/**
 * Generates the snapshot directory of a large, realistic AWS account for the scale benchmark
 * (`npm run bench`): the seven files of DESIGN.md's snapshot contract, in the shapes the AWS CLI and
 * the IAM API write them.
 *
 * At scale 1: 2,000 users, 5,000 roles, 300 groups, about 500 AWS managed policies in use (taken from
 * the 1,523 real ones in ../shared/data, read in place) and about 800 customer-managed policies, half
 * of all policy documents URL-encoded as the IAM API returns them, 10% of principals with a permissions
 * boundary, and 20,000 managed instances (10% hybrid `mi-` nodes) with their tags. `scale` multiplies
 * every count. The output is deterministic for a given scale and seed (mulberry32).
 *
 * @example
 *   node bench/generate-account.js /tmp/snap --scale 0.25 --seed 42
 *   require('./bench/generate-account').generateAccount('/tmp/snap', { scale: 1 })
 */
'use strict';
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { gunzipSync } = require('node:zlib');

const CORPUS_PATH = resolve(__dirname, '..', '..', 'shared', 'data', 'aws-managed-policies.json.gz');
const ACCOUNT = '210987654321';
const REGION = 'eu-west-1';
const ORG = 'globex';

/** Counts at scale 1. */
const BASE = {
  users: 2000,
  roles: 5000,
  groups: 300,
  customerPolicies: 800,
  boundaryPolicies: 20,
  guardrailPolicies: 12,
  awsManagedUsed: 500,
  instances: 20000,
};

// ---------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: a small, fast, seeded generator of floats in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTools(seed) {
  const random = mulberry32(seed);
  const int = (min, max) => min + Math.floor(random() * (max - min + 1));
  const pick = (list) => list[Math.floor(random() * list.length)];
  const chance = (p) => random() < p;
  /** pairs: [[value, weight], ...] */
  const weighted = (pairs) => {
    let total = 0;
    for (const [, w] of pairs) total += w;
    let r = random() * total;
    for (const [value, w] of pairs) {
      r -= w;
      if (r < 0) return value;
    }
    return pairs[pairs.length - 1][0];
  };
  /** A popularity-skewed index into a list of n (index 0 the most popular). */
  const skewed = (n, power = 3) => Math.min(n - 1, Math.floor(n * random() ** power));
  const shuffle = (list) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [list[i], list[j]] = [list[j], list[i]];
    }
    return list;
  };
  const sample = (list, k) => shuffle([...list]).slice(0, k);
  const chars = (alphabet, n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  };
  const hex = (n) => chars('0123456789abcdef', n);
  return { random, int, pick, chance, weighted, skewed, shuffle, sample, chars, hex };
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary

const TEAMS = [
  'platform',
  'payments',
  'data',
  'ml',
  'web',
  'mobile',
  'security',
  'it',
  'search',
  'identity',
  'growth',
  'infra',
];
const ENVIRONMENTS = ['prod', 'staging', 'dev', 'test'];
const APPS = [
  'api',
  'web',
  'worker',
  'batch',
  'etl',
  'ingest',
  'auth',
  'billing',
  'ledger',
  'search',
  'recs',
  'notify',
  'gateway',
  'reporting',
  'kafka',
  'db',
  'cache',
  'jenkins',
  'bastion',
  'build',
];
const FIRST = [
  'alice',
  'bob',
  'carol',
  'dave',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'victor',
  'walter',
  'yasmin',
  'zoe',
  'omar',
  'li',
  'priya',
  'kenji',
  'fatima',
  'lucas',
  'sofia',
  'mateo',
  'amara',
];
const LAST = [
  'nguyen',
  'martin',
  'jones',
  'lee',
  'smith',
  'garcia',
  'kim',
  'patel',
  'muller',
  'rossi',
  'dubois',
  'silva',
  'novak',
  'tanaka',
  'okafor',
  'haddad',
  'larsen',
  'kowalski',
  'schmidt',
  'costa',
];
const GROUP_KINDS = [
  'developers',
  'admins',
  'readonly',
  'oncall',
  'contractors',
  'auditors',
  'dba',
  'sre',
  'analysts',
  'release',
];
const SSO_PERMISSION_SETS = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'DeveloperAccess',
  'SupportUser',
  'SecurityAudit',
  'DataEngineer',
  'Billing',
];
const SERVICE_PRINCIPALS = [
  'ec2.amazonaws.com',
  'lambda.amazonaws.com',
  'ecs-tasks.amazonaws.com',
  'states.amazonaws.com',
  'glue.amazonaws.com',
  'codebuild.amazonaws.com',
];

/** AWS managed policies in the order real accounts use them most; the rest follow at random. */
const POPULAR_AWS_MANAGED = [
  'ReadOnlyAccess',
  'AmazonSSMManagedInstanceCore',
  'AmazonS3ReadOnlyAccess',
  'CloudWatchAgentServerPolicy',
  'AWSLambdaBasicExecutionRole',
  'ViewOnlyAccess',
  'AmazonEC2ContainerRegistryReadOnly',
  'AmazonECSTaskExecutionRolePolicy',
  'SecurityAudit',
  'AdministratorAccess',
  'AmazonEC2ReadOnlyAccess',
  'AWSLambdaVPCAccessExecutionRole',
  'PowerUserAccess',
  'AmazonDynamoDBReadOnlyAccess',
  'AmazonSSMReadOnlyAccess',
  'AmazonEKSWorkerNodePolicy',
  'AmazonEKSClusterPolicy',
  'IAMReadOnlyAccess',
  'AmazonRDSReadOnlyAccess',
  'AWSSupportAccess',
  'CloudWatchLogsReadOnlyAccess',
  'AmazonSSMFullAccess',
  'AmazonEC2RoleforSSM',
  'AmazonS3FullAccess',
  'AWSCloud9User',
  'Billing',
  'AmazonSSMAutomationRole',
];

// ---------------------------------------------------------------------------------------------------
// Formatting helpers

const T0 = Date.UTC(2019, 0, 1);
const T1 = Date.UTC(2026, 2, 1);
/** IAM dates: 2022-01-17T09:20:31+00:00 */
const iamDate = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+00:00');
/** SSM dates: 2026-03-16T07:58:42.318000+00:00 */
const ssmDate = (ms) => new Date(ms).toISOString().replace(/Z$/, '000+00:00');

/** Half of all policy documents are URL-encoded strings, as the raw IAM API returns them. */
function encoder(r) {
  return (doc) => (r.chance(0.5) ? encodeURIComponent(JSON.stringify(doc)) : doc);
}

function uniqueIds(r, prefix) {
  const seen = new Set();
  return () => {
    for (;;) {
      const id = prefix + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17);
      if (!seen.has(id)) {
        seen.add(id);
        return id;
      }
    }
  };
}

/**
 * Names unique as IAM requires of users, groups, roles and customer managed policies: one of a name per
 * account whatever its path, and names that differ only in case are one name (IAM refuses `Ops` when
 * `ops` exists, and so does the loader). A repeated name gets the first free suffix.
 */
function uniqueNames() {
  const used = new Set();
  const next = new Map();
  return (name) => {
    let candidate = name;
    let n = next.get(name.toLowerCase()) ?? 1;
    while (used.has(candidate.toLowerCase())) candidate = `${name}-${++n}`;
    next.set(name.toLowerCase(), n);
    used.add(candidate.toLowerCase());
    return candidate;
  };
}

const list = (values) => (values.length === 1 ? values[0] : values);

// ---------------------------------------------------------------------------------------------------
// Instances and tags

const AGENT_VERSIONS = [
  ['2.3.612.0', 2],
  ['2.3.662.0', 2],
  ['2.3.672.0', 2],
  ['2.3.701.0', 3],
  ['2.3.842.0', 3],
  ['2.3.1319.0', 4],
  ['3.0.1124.0', 5],
  ['3.1.1188.0', 6],
  ['3.1.1732.0', 7],
  ['3.2.582.0', 8],
  ['3.2.1297.0', 9],
  ['3.2.2303.0', 10],
  ['3.3.40.0', 10],
  ['3.3.987.0', 11],
  ['3.3.1142.0', 12],
  ['3.3.1957.0', 14],
];
const LATEST_AGENT = '3.3.1957.0';
const LINUX = [
  [['Amazon Linux', '2023'], 30],
  [['Amazon Linux', '2'], 25],
  [['Ubuntu', '22.04'], 15],
  [['Ubuntu', '24.04'], 8],
  [['Ubuntu', '20.04'], 6],
  [['Red Hat Enterprise Linux', '9.4'], 6],
  [['Red Hat Enterprise Linux', '8.10'], 5],
  [['Debian GNU/Linux', '12'], 5],
];
const WINDOWS = [
  [['Microsoft Windows Server 2022 Datacenter', '10.0.20348'], 60],
  [['Microsoft Windows Server 2019 Datacenter', '10.0.17763'], 40],
];

function generateInstances(r, count) {
  const instances = [];
  const tags = [];
  const ids = new Set();
  for (let n = 0; n < count; n++) {
    const hybrid = r.chance(0.1);
    let id;
    do id = hybrid ? `mi-${r.hex(17)}` : `i-0${r.hex(16)}`;
    while (ids.has(id));
    ids.add(id);

    const windows = r.chance(0.2);
    const [platformName, platformVersion] = r.weighted(windows ? WINDOWS : LINUX);
    const agentVersion = r.weighted(AGENT_VERSIONS);
    const ping = r.weighted([
      ['Online', 92],
      ['ConnectionLost', 6],
      ['Inactive', 2],
    ]);
    const team = r.pick(TEAMS);
    const env = r.weighted([
      ['prod', 45],
      ['staging', 20],
      ['dev', 25],
      ['test', 10],
    ]);
    const app = r.pick(APPS);
    const name = `${team}-${app}-${env}-${String(r.int(1, 99)).padStart(2, '0')}`;
    const ip = hybrid
      ? `192.168.${r.int(0, 255)}.${r.int(1, 254)}`
      : `10.${r.int(0, 63)}.${r.int(0, 255)}.${r.int(1, 254)}`;
    const lastPing = T1 + 14 * 86400e3 - r.int(0, ping === 'Online' ? 600e3 : 40 * 86400e3);
    const lastAssoc = lastPing - r.int(60e3, 6 * 3600e3);
    const computerName = hybrid
      ? `${name}.dc${r.int(1, 3)}.${ORG}.example`
      : windows
        ? `EC2AMAZ-${r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 7)}`
        : `ip-${ip.replace(/\./g, '-')}.${REGION}.compute.internal`;
    const info = {
      InstanceId: id,
      PingStatus: ping,
      LastPingDateTime: ssmDate(lastPing),
      AgentVersion: agentVersion,
      IsLatestVersion: agentVersion === LATEST_AGENT,
      PlatformType: windows ? 'Windows' : 'Linux',
      PlatformName: platformName,
      PlatformVersion: platformVersion,
    };
    if (hybrid) {
      info.ActivationId = `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${r.hex(3)}-${r.hex(12)}`;
      info.IamRole = `service-role/${ORG}-SSMHybridActivationRole`;
      info.RegistrationDate = ssmDate(T0 + r.random() * (T1 - T0));
      info.ResourceType = 'ManagedInstance';
      info.Name = name;
    } else {
      info.ResourceType = 'EC2Instance';
    }
    info.IPAddress = ip;
    info.ComputerName = computerName;
    // Only instances with State Manager associations carry the association fields.
    if (r.chance(0.4)) {
      info.AssociationStatus = 'Success';
      info.LastAssociationExecutionDate = ssmDate(lastAssoc);
      info.LastSuccessfulAssociationExecutionDate = ssmDate(lastAssoc);
      info.AssociationOverview = {
        DetailedStatus: 'Success',
        InstanceAssociationStatusAggregatedCount: { Success: r.int(1, 3) },
      };
    }
    info.SourceId = id;
    info.SourceType = hybrid ? 'AWS::SSM::ManagedInstance' : 'AWS::EC2::Instance';
    instances.push(info);

    // describe-tags order: by key within a resource.
    const resourceType = hybrid ? 'managed-instance' : 'instance';
    const own = [];
    if (!r.chance(0.02)) own.push(['Environment', env]);
    own.push(['Name', name]);
    if (!r.chance(0.03)) own.push(['Team', team]);
    for (const [Key, Value] of own) tags.push({ Key, ResourceId: id, ResourceType: resourceType, Value });
  }
  return { instances, tags };
}

// ---------------------------------------------------------------------------------------------------
// Customer-managed policy documents

function statementFactory(r, instanceIds) {
  const account = ACCOUNT;
  const bucket = () => `${ORG}-${r.pick(TEAMS)}-${r.pick(APPS)}-${r.pick(ENVIRONMENTS)}`;
  const fn = () => `${r.pick(TEAMS)}-${r.pick(APPS)}-${r.pick(ENVIRONMENTS)}`;
  const some = (actions, min = 1, max = 4) => r.sample(actions, r.int(min, Math.min(max, actions.length)));
  const sid = (s) => (r.chance(0.6) ? { Sid: s } : {});
  const instanceArn = (id) =>
    id.startsWith('mi-')
      ? `arn:aws:ssm:${REGION}:${account}:managed-instance/${id}`
      : `arn:aws:ec2:${REGION}:${account}:instance/${id}`;
  const someInstances = () =>
    Array.from({ length: r.int(1, 3) }, () =>
      // Now and then an instance that no longer exists.
      r.chance(0.1) ? `i-0${r.hex(16)}` : r.pick(instanceIds),
    );
  const teamValues = () => (r.chance(0.8) ? r.pick(TEAMS) : r.sample(TEAMS, 2));

  /** Statements that have nothing to do with Session Manager: most of any real account. */
  const unrelated = [
    () => ({
      ...sid('S3Access'),
      Effect: 'Allow',
      Action: list(
        some(['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:GetObjectVersion', 's3:PutObjectAcl']),
      ),
      Resource: list(Array.from({ length: r.int(1, 3) }, () => `arn:aws:s3:::${bucket()}/*`)),
    }),
    () => ({
      ...sid('ListBuckets'),
      Effect: 'Allow',
      Action: ['s3:ListBucket', 's3:GetBucketLocation'],
      Resource: `arn:aws:s3:::${bucket()}`,
    }),
    () => {
      const table = `arn:aws:dynamodb:${REGION}:${account}:table/${fn()}`;
      return {
        ...sid('DynamoDBTable'),
        Effect: 'Allow',
        Action: some(
          [
            'dynamodb:GetItem',
            'dynamodb:PutItem',
            'dynamodb:Query',
            'dynamodb:Scan',
            'dynamodb:UpdateItem',
            'dynamodb:BatchGetItem',
            'dynamodb:BatchWriteItem',
            'dynamodb:DeleteItem',
          ],
          2,
          6,
        ),
        Resource: [table, `${table}/index/*`],
      };
    },
    () => ({
      ...sid('InvokeFunctions'),
      Effect: 'Allow',
      Action: list(some(['lambda:InvokeFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration'])),
      Resource: `arn:aws:lambda:${REGION}:${account}:function:${fn()}${r.chance(0.3) ? '*' : ''}`,
    }),
    () => {
      const group = `/aws/${r.pick(['lambda', 'ecs', 'apps'])}/${fn()}`;
      return {
        ...sid('Logs'),
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: [
          `arn:aws:logs:${REGION}:${account}:log-group:${group}`,
          `arn:aws:logs:${REGION}:${account}:log-group:${group}:*`,
        ],
      };
    },
    () => ({
      ...sid('Describe'),
      Effect: 'Allow',
      Action: list(
        some(
          [
            'ec2:Describe*',
            'ec2:DescribeInstances',
            'ec2:DescribeTags',
            'ec2:DescribeSecurityGroups',
            'autoscaling:Describe*',
            'elasticloadbalancing:Describe*',
            'cloudwatch:GetMetricData',
            'cloudwatch:ListMetrics',
          ],
          1,
          4,
        ),
      ),
      Resource: '*',
    }),
    () => ({
      ...sid('Queues'),
      Effect: 'Allow',
      Action: ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      Resource: `arn:aws:sqs:${REGION}:${account}:${fn()}${r.chance(0.4) ? '-*' : ''}`,
    }),
    () => ({
      ...sid('Publish'),
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: `arn:aws:sns:${REGION}:${account}:${fn()}`,
    }),
    () => ({
      ...sid('DecryptViaS3'),
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: `arn:aws:kms:${REGION}:${account}:key/${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`,
      Condition: { StringEquals: { 'kms:ViaService': `s3.${REGION}.amazonaws.com` } },
    }),
    () => ({
      ...sid('Secrets'),
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      Resource: `arn:aws:secretsmanager:${REGION}:${account}:secret:${r.pick(TEAMS)}/${fn()}-*`,
    }),
    () => ({
      ...sid('Parameters'),
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      Resource: `arn:aws:ssm:${REGION}:${account}:parameter/${r.pick(TEAMS)}/${r.pick(ENVIRONMENTS)}/*`,
    }),
    () => ({
      ...sid('RunCommand'),
      Effect: 'Allow',
      Action: ['ssm:SendCommand', 'ssm:ListCommandInvocations', 'ssm:GetCommandInvocation'],
      Resource: [
        `arn:aws:ssm:${REGION}::document/AWS-RunShellScript`,
        `arn:aws:ec2:${REGION}:${account}:instance/*`,
      ],
      ...(r.chance(0.5) ? { Condition: { StringEquals: { 'aws:ResourceTag/Team': r.pick(TEAMS) } } } : {}),
    }),
    () => ({
      ...sid('Ecr'),
      Effect: 'Allow',
      Action: ['ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:BatchCheckLayerAvailability'],
      Resource: `arn:aws:ecr:${REGION}:${account}:repository/${r.pick(TEAMS)}/*`,
    }),
    () => ({
      ...sid('Metrics'),
      Effect: 'Allow',
      Action: 'cloudwatch:PutMetricData',
      Resource: '*',
      Condition: { StringEquals: { 'cloudwatch:namespace': `${ORG}/${r.pick(APPS)}` } },
    }),
    () => ({
      ...sid('PassRole'),
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: `arn:aws:iam::${account}:role/${r.pick(TEAMS)}-*`,
      Condition: { StringEquals: { 'iam:PassedToService': r.pick(SERVICE_PRINCIPALS) } },
    }),
    () => ({
      ...sid('DenyUnencryptedUploads'),
      Effect: 'Deny',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${bucket()}/*`,
      Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
    }),
    () => ({
      ...sid('DenyOutsideBuckets'),
      Effect: 'Deny',
      Action: 's3:*',
      NotResource: [`arn:aws:s3:::${bucket()}`, `arn:aws:s3:::${bucket()}/*`],
      Condition: { StringEquals: { 'aws:PrincipalTag/sandbox': 'true' } },
    }),
  ];

  const documents = (names) => names.map((d) => `arn:aws:ssm:*:*:document/${d}`);
  /** Statements that grant (or scope) Session Manager access. */
  const session = [
    // Every instance, with the SSH document or all documents.
    () => ({
      ...sid('SessionManagerSSH'),
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: [
        'arn:aws:ec2:*:*:instance/*',
        ...(r.chance(0.3) ? ['arn:aws:ssm:*:*:managed-instance/*'] : []),
        ...(r.chance(0.7) ? documents(['AWS-StartSSHSession']) : ['arn:aws:ssm:*:*:document/*']),
      ],
    }),
    // Named instances.
    () => ({
      ...sid('SessionToNamedInstances'),
      Effect: 'Allow',
      Action: list(r.chance(0.7) ? ['ssm:StartSession'] : ['ssm:StartSession', 'ssm:ResumeSession']),
      Resource: [
        ...someInstances().map(instanceArn),
        ...documents(
          r.pick([
            ['SSM-SessionManagerRunShell'],
            ['AWS-StartPortForwardingSession'],
            ['AWS-StartSSHSession'],
            [`${ORG}-StartTunnel`],
          ]),
        ),
      ],
    }),
    // Instances of a team, by tag.
    () => [
      {
        ...sid('TeamInstances'),
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: r.chance(0.8)
          ? 'arn:aws:ec2:*:*:instance/*'
          : ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ssm:*:*:managed-instance/*'],
        Condition: {
          [r.chance(0.8) ? 'StringEquals' : 'StringLike']: {
            [r.chance(0.85) ? 'ssm:resourceTag/Team' : 'aws:ResourceTag/Team']: teamValues(),
          },
        },
      },
      {
        ...sid('TeamDocuments'),
        Effect: 'Allow',
        Action: 'ssm:StartSession',
        Resource: documents(
          r.pick([
            ['SSM-SessionManagerRunShell'],
            ['AWS-StartSSHSession'],
            ['AWS-StartPortForwardingSession', 'AWS-StartPortForwardingSessionToRemoteHost'],
            ['AWS-Start*'],
          ]),
        ),
      },
    ],
    // Non-production only.
    () => ({
      ...sid('NonProdSessions'),
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: [
        'arn:aws:ec2:*:*:instance/*',
        ...documents(['AWS-StartSSHSession', 'SSM-SessionManagerRunShell']),
      ],
      Condition: { StringNotEquals: { 'ssm:resourceTag/Environment': 'prod' } },
    }),
    // With MFA.
    () => ({
      ...sid('SessionsWithMFA'),
      Effect: 'Allow',
      Action: 'ssm:StartSession',
      Resource: ['arn:aws:ec2:*:*:instance/*', ...documents(['AWS-StartSSHSession'])],
      Condition: r.chance(0.7)
        ? { Bool: { 'aws:MultiFactorAuthPresent': 'true' } }
        : { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } },
    }),
    // Managing one's own sessions: policy variables in a non-instance resource.
    () => [
      {
        ...sid('OwnSessions'),
        Effect: 'Allow',
        Action: ['ssm:TerminateSession', 'ssm:ResumeSession'],
        Resource: 'arn:aws:ssm:*:*:session/${aws:username}-*',
      },
      {
        ...sid('DescribeSessions'),
        Effect: 'Allow',
        Action: ['ssm:DescribeSessions', 'ssm:GetConnectionStatus', 'ssm:DescribeInstanceInformation'],
        Resource: '*',
      },
    ],
    // SSM administration.
    () => ({ ...sid('SsmAdmin'), Effect: 'Allow', Action: 'ssm:*', Resource: '*' }),
  ];
  const sessionWeights = [16, 12, 22, 6, 10, 10, 4];

  const guardrail = [
    () => ({
      Sid: 'VisualEditor1',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
    }),
    () => ({
      Sid: 'DenyUnauditedSessions',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: documents(['AWS-StartSSHSession', 'AWS-StartPortForwardingSession*']),
    }),
    () => ({
      Sid: 'DenySSHUnlessApproved',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ssm:*:*:document/AWS-StartSSHSession',
      Condition: { StringNotEquals: { 'aws:PrincipalTag/ssh-approved': 'true' } },
    }),
    () => ({
      Sid: 'DenySSHToProduction',
      Effect: 'Deny',
      Action: 'ssm:StartSession',
      Resource: 'arn:aws:ec2:*:*:instance/*',
      Condition: { StringEquals: { 'ssm:resourceTag/Environment': 'prod' } },
    }),
  ];

  const notAction = [
    // PowerUser-like: everything but IAM.
    () => ({
      Effect: 'Allow',
      NotAction: ['iam:*', 'organizations:*', 'account:*'],
      Resource: '*',
    }),
    // Region guardrail.
    () => ({
      Sid: 'DenyOutsideApprovedRegions',
      Effect: 'Deny',
      NotAction: ['iam:*', 'sts:*', 'support:*', 'cloudfront:*', 'route53:*', 'health:*'],
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:RequestedRegion': [REGION, 'us-east-1'] } },
    }),
    // Everything on a team's buckets but deleting them.
    () => ({
      Effect: 'Allow',
      NotAction: ['s3:DeleteBucket', 's3:PutBucketPolicy'],
      Resource: [`arn:aws:s3:::${bucket()}`, `arn:aws:s3:::${bucket()}/*`],
    }),
  ];

  /** One document, `kind`: mostly unrelated, sometimes Session Manager, a guardrail or NotAction. */
  function document() {
    const statements = [];
    const n = r.weighted([
      [1, 30],
      [2, 30],
      [3, 20],
      [4, 12],
      [6, 8],
    ]);
    for (let i = 0; i < n; i++) {
      const kind = r.weighted([
        ['unrelated', 88],
        ['session', 7],
        ['guardrail', 1.5],
        ['notAction', 1.5],
      ]);
      let s;
      if (kind === 'session') s = session[r.weighted(sessionWeights.map((w, k) => [k, w]))]();
      else if (kind === 'guardrail') s = r.pick(guardrail)();
      else if (kind === 'notAction')
        s = r.weighted(
          [
            [0, 2],
            [1, 5],
            [2, 3],
          ].map(([k, w]) => [notAction[k], w]),
        )();
      else s = r.pick(unrelated)();
      for (const one of Array.isArray(s) ? s : [s]) statements.push(one);
    }
    return {
      Version: '2012-10-17',
      Statement: statements.length === 1 && r.chance(0.3) ? statements[0] : statements,
    };
  }

  function guardrailDocument() {
    return {
      Version: '2012-10-17',
      Statement: r.sample(guardrail, r.int(1, 2)).map((g) => g()),
    };
  }

  function boundaryDocument() {
    const statements = [];
    if (r.chance(0.5)) {
      statements.push({ Sid: 'AllowEverything', Effect: 'Allow', Action: '*', Resource: '*' });
    } else {
      statements.push({
        Sid: 'AllowWorkloadServices',
        Effect: 'Allow',
        Action: r.sample(
          [
            's3:*',
            'dynamodb:*',
            'lambda:*',
            'logs:*',
            'sqs:*',
            'sns:*',
            'ec2:Describe*',
            'cloudwatch:*',
            'kms:Decrypt',
            'ssm:Get*',
            'ssm:StartSession',
            'ssm:*',
            'ecr:*',
            'secretsmanager:GetSecretValue',
          ],
          r.int(5, 10),
        ),
        Resource: '*',
      });
    }
    statements.push({
      Sid: 'DenyIamEscalation',
      Effect: 'Deny',
      Action: [
        'iam:CreateUser',
        'iam:CreateAccessKey',
        'iam:PutUserPolicy',
        'iam:AttachUserPolicy',
        'iam:DeleteRolePermissionsBoundary',
      ],
      Resource: '*',
    });
    if (r.chance(0.4)) statements.push(r.pick(guardrail)());
    return { Version: '2012-10-17', Statement: statements };
  }

  return { document, guardrailDocument, boundaryDocument };
}

function trustPolicy(r, kind) {
  if (kind === 'sso') {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::${ACCOUNT}:saml-provider/AWSSSO_${r.hex(16)}_DO_NOT_DELETE` },
          Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'],
          Condition: { StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' } },
        },
      ],
    };
  }
  if (kind === 'ci') {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`,
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: { 'token.actions.githubusercontent.com:sub': `repo:${ORG}/${r.pick(APPS)}-*:*` },
          },
        },
      ],
    };
  }
  if (kind === 'cross-account') {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${r.int(100000000000, 999999999999)}:root` },
          Action: 'sts:AssumeRole',
          ...(r.chance(0.5) ? { Condition: { StringEquals: { 'sts:ExternalId': r.hex(24) } } } : {}),
        },
      ],
    };
  }
  if (kind === 'service-linked') {
    return {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: `${r.pick(APPS)}.amazonaws.com` },
          Action: 'sts:AssumeRole',
        },
      ],
    };
  }
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: r.pick(SERVICE_PRINCIPALS) }, Action: 'sts:AssumeRole' },
    ],
  };
}

// ---------------------------------------------------------------------------------------------------
// The account

function loadCorpus() {
  if (!existsSync(CORPUS_PATH)) {
    throw new Error(
      `the AWS managed policy corpus ${CORPUS_PATH} is missing; the benchmark needs ../shared beside the project`,
    );
  }
  return JSON.parse(gunzipSync(readFileSync(CORPUS_PATH)).toString('utf8')).Policies;
}

/**
 * Writes the snapshot directory `dir` (created if needed) and returns what it holds.
 * @param {string} dir
 * @param {{scale?: number, seed?: number}} [options]
 */
function generateAccount(dir, { scale = 1, seed = 42 } = {}) {
  if (!(scale > 0)) throw new Error(`scale must be a positive number (got ${scale})`);
  const r = randomTools(seed);
  const count = (name) => Math.max(1, Math.round(BASE[name] * scale));
  const encode = encoder(r);
  const corpus = loadCorpus();

  // Instances first: some customer policies name instances.
  const { instances, tags } = generateInstances(r, count('instances'));
  const instanceIds = instances.map((i) => i.InstanceId);
  const statements = statementFactory(r, instanceIds);
  const policyId = uniqueIds(r, 'ANPA');

  // AWS managed policies that this account uses: the popular ones, then a random choice of the rest.
  // Service-linked roles use the /aws-service-role/ ones.
  const byName = new Map(corpus.map((p) => [p.PolicyName, p]));
  const serviceRolePolicies = corpus.filter((p) => p.Path === '/aws-service-role/');
  const generalPolicies = corpus.filter((p) => p.Path !== '/aws-service-role/' && p.Path !== '/root-task/');
  const popular = POPULAR_AWS_MANAGED.map((n) => byName.get(n)).filter(Boolean);
  const usedTarget = Math.min(corpus.length, count('awsManagedUsed'));
  const slrTarget = Math.min(serviceRolePolicies.length, Math.round(usedTarget * 0.24));
  const generalPool = [...popular, ...r.shuffle(generalPolicies.filter((p) => !popular.includes(p)))].slice(
    0,
    Math.min(generalPolicies.length, usedTarget - slrTarget),
  );
  const slrPool = r.sample(serviceRolePolicies, slrTarget);

  // Customer-managed policies.
  const customer = [];
  const customerName = uniqueNames();
  const addCustomer = (name, path, versions) => {
    const defaultIndex = versions.length === 1 ? 0 : r.int(0, versions.length - 1);
    const created = T0 + r.random() * (T1 - T0 - 86400e3 * 400);
    const policy = {
      PolicyName: name,
      PolicyId: policyId(),
      Arn: `arn:aws:iam::${ACCOUNT}:policy${path}${name}`,
      Path: path,
      DefaultVersionId: `v${defaultIndex + 1}`,
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: iamDate(created),
      UpdateDate: iamDate(created + (versions.length - 1) * 86400e3 * 30),
      PolicyVersionList: versions
        .map((doc, i) => ({
          Document: encode(doc),
          VersionId: `v${i + 1}`,
          IsDefaultVersion: i === defaultIndex,
          CreateDate: iamDate(created + i * 86400e3 * 30),
        }))
        .reverse(),
    };
    customer.push(policy);
    return policy;
  };
  const versionsOf = (make) => {
    const n = r.weighted([
      [1, 85],
      [2, 10],
      [3, 5],
    ]);
    return Array.from({ length: n }, make);
  };
  const boundaries = [];
  for (let i = 0; i < count('boundaryPolicies'); i++) {
    const name = customerName(
      `${r.pick(TEAMS)}-${r.pick(['Developer', 'Workload', 'Contractor', 'Service'])}Boundary`,
    );
    boundaries.push(
      addCustomer(
        name,
        '/boundaries/',
        versionsOf(() => statements.boundaryDocument()),
      ),
    );
  }
  const guardrails = [];
  for (let i = 0; i < count('guardrailPolicies'); i++) {
    const name = customerName(
      r.pick(['DenySSHOverSessionManager', 'DenyPortForwarding', 'SessionManagerGuardrail']),
    );
    guardrails.push(
      addCustomer(
        name,
        '/guardrails/',
        versionsOf(() => statements.guardrailDocument()),
      ),
    );
  }
  const attachable = [...guardrails];
  const general = count('customerPolicies') - boundaries.length - guardrails.length;
  for (let i = 0; i < general; i++) {
    const team = r.pick(TEAMS);
    const name = customerName(
      `${team}-${r.pick(APPS)}-${r.pick(['access', 'read', 'write', 'ops', 'deploy', 'runtime', 'debug'])}`,
    );
    const path = r.chance(0.3) ? `/teams/${team}/` : '/';
    attachable.push(
      addCustomer(
        name,
        path,
        versionsOf(() => statements.document()),
      ),
    );
  }

  // Principals and groups, with how many managed policies each attaches; the policies are dealt later.
  const userId = uniqueIds(r, 'AIDA');
  const roleId = uniqueIds(r, 'AROA');
  const groupId = uniqueIds(r, 'AGPA');
  const inlineName = uniqueNames();
  const inlinePolicies = (n) =>
    Array.from({ length: n }, () => ({
      PolicyName: inlineName(`${r.pick(APPS)}-${r.pick(['inline', 'extra', 'temp', 'access', 'debug'])}`),
      PolicyDocument: encode(statements.document()),
    }));
  const inlineCount = () =>
    r.weighted([
      [0, 58],
      [1, 30],
      [2, 12],
    ]);
  const managedCount = (forUsers) =>
    r.weighted(
      forUsers
        ? [
            [0, 35],
            [1, 30],
            [2, 18],
            [3, 10],
            [4, 7],
          ]
        : [
            [0, 12],
            [1, 28],
            [2, 27],
            [3, 19],
            [4, 14],
          ],
    );
  /** Entities that need managed policies, with their slots: 'aws' or 'customer'. */
  const slots = [];
  const wantManaged = (entity, n, awsShare) => {
    for (let i = 0; i < n; i++) slots.push({ entity, kind: r.chance(awsShare) ? 'aws' : 'customer' });
  };

  const groups = [];
  const groupName = uniqueNames();
  for (let i = 0; i < count('groups'); i++) {
    const name = groupName(`${r.pick(TEAMS)}-${r.pick(GROUP_KINDS)}`);
    const path = r.chance(0.8) ? '/' : `/${r.pick(['teams', 'functions'])}/`;
    const group = {
      Path: path,
      GroupName: name,
      GroupId: groupId(),
      Arn: `arn:aws:iam::${ACCOUNT}:group${path}${name}`,
      CreateDate: iamDate(T0 + r.random() * (T1 - T0)),
      GroupPolicyList: inlinePolicies(inlineCount()),
      AttachedManagedPolicies: [],
    };
    groups.push(group);
    wantManaged(group, managedCount(false), 0.5);
  }

  const users = [];
  const userName = uniqueNames();
  const boundaryOf = () => {
    const b = boundaries[r.skewed(boundaries.length, 2)];
    b.PermissionsBoundaryUsageCount++;
    return { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: b.Arn };
  };
  const principalTags = () => {
    const t = [];
    if (r.chance(0.7)) t.push({ Key: 'team', Value: r.pick(TEAMS) });
    if (r.chance(0.3)) t.push({ Key: 'cost-center', Value: String(r.int(1000, 9999)) });
    if (r.chance(0.05)) t.push({ Key: 'ssh-approved', Value: 'true' });
    return t;
  };
  for (let i = 0; i < count('users'); i++) {
    const contractor = r.chance(0.1);
    const name = userName(`${r.pick(FIRST)}.${r.pick(LAST)}`);
    const path = contractor ? '/contractors/' : r.chance(0.2) ? `/${r.pick(TEAMS)}/` : '/';
    const groupCount = r.weighted([
      [0, 10],
      [1, 40],
      [2, 35],
      [3, 15],
    ]);
    const memberOf = new Set();
    while (memberOf.size < Math.min(groupCount, groups.length))
      memberOf.add(groups[r.skewed(groups.length, 2)].GroupName);
    const user = {
      Path: path,
      UserName: name,
      UserId: userId(),
      Arn: `arn:aws:iam::${ACCOUNT}:user${path}${name}`,
      CreateDate: iamDate(T0 + r.random() * (T1 - T0)),
      UserPolicyList: inlinePolicies(inlineCount()),
      GroupList: [...memberOf],
      AttachedManagedPolicies: [],
    };
    if (r.chance(0.1)) user.PermissionsBoundary = boundaryOf();
    user.Tags = principalTags();
    users.push(user);
    wantManaged(user, managedCount(true), 0.4);
  }

  const roles = [];
  const roleName = uniqueNames();
  for (let i = 0; i < count('roles'); i++) {
    const kind = r.weighted([
      ['workload', 62],
      ['service-linked', 8],
      ['sso', 5],
      ['ci', 10],
      ['cross-account', 15],
    ]);
    let name;
    let path = '/';
    const team = r.pick(TEAMS);
    if (kind === 'service-linked') {
      const p = slrPool.length ? slrPool[r.skewed(slrPool.length, 1.5)] : undefined;
      const service = (p ? p.PolicyName.replace(/ServiceRolePolicy$|Policy$/, '') : 'Support').replace(
        /^AWS|^Amazon/,
        '',
      );
      name = roleName(`AWSServiceRoleFor${service}`);
      path = `/aws-service-role/${service.toLowerCase()}.amazonaws.com/`;
    } else if (kind === 'sso') {
      name = roleName(`AWSReservedSSO_${r.pick(SSO_PERMISSION_SETS)}_${r.hex(16)}`);
      path = `/aws-reserved/sso.amazonaws.com/${REGION}/`;
    } else if (kind === 'ci') {
      name = roleName(`${team}-${r.pick(APPS)}-deploy`);
      path = '/ci/';
    } else if (kind === 'cross-account') {
      name = roleName(`${team}-${r.pick(['vendor', 'audit', 'monitoring', 'backup', 'partner'])}-access`);
    } else {
      name = roleName(
        `${team}-${r.pick(APPS)}-${r.pick(ENVIRONMENTS)}-${r.pick(['role', 'task', 'instance', 'lambda'])}`,
      );
      if (r.chance(0.25)) path = '/service-role/';
    }
    const role = {
      Path: path,
      RoleName: name,
      RoleId: roleId(),
      Arn: `arn:aws:iam::${ACCOUNT}:role${path}${name}`,
      CreateDate: iamDate(T0 + r.random() * (T1 - T0)),
      AssumeRolePolicyDocument: encode(trustPolicy(r, kind)),
      InstanceProfileList: [],
      RolePolicyList: kind === 'service-linked' || kind === 'sso' ? [] : inlinePolicies(inlineCount()),
      AttachedManagedPolicies: [],
    };
    if (kind !== 'service-linked' && r.chance(0.1)) role.PermissionsBoundary = boundaryOf();
    role.Tags = kind === 'service-linked' ? [] : principalTags();
    role.RoleLastUsed = r.chance(0.7)
      ? { LastUsedDate: iamDate(T1 - r.int(0, 90 * 86400e3)), Region: REGION }
      : {};
    roles.push(role);
    if (kind === 'service-linked') {
      if (slrPool.length) slots.push({ entity: role, kind: 'slr' });
    } else if (kind === 'sso') {
      wantManaged(role, r.int(1, 3), 0.8);
    } else {
      wantManaged(role, managedCount(false), 0.45);
    }
  }

  // Deal the managed policies: each policy of a pool once (so that the pool is what the account
  // uses), then popularity-skewed picks for the remaining slots; all in shuffled order.
  const deal = (kind, pool, power) => {
    const mine = slots.filter((s) => s.kind === kind);
    const deck = pool.slice(0, mine.length);
    while (deck.length < mine.length) deck.push(pool[r.skewed(pool.length, power)]);
    r.shuffle(deck);
    mine.forEach((slot, i) => {
      const attached = slot.entity.AttachedManagedPolicies;
      let policy = deck[i];
      for (let tries = 0; attached.some((a) => a.PolicyArn === policy.Arn) && tries < 20; tries++)
        policy = pool[r.skewed(pool.length, power)];
      if (attached.some((a) => a.PolicyArn === policy.Arn)) return;
      attached.push({ PolicyName: policy.PolicyName, PolicyArn: policy.Arn });
      if (kind === 'customer') policy.AttachmentCount++;
      else awsAttachments.set(policy, (awsAttachments.get(policy) ?? 0) + 1);
    });
  };
  const awsAttachments = new Map();
  deal('aws', generalPool, 3);
  deal('slr', slrPool, 1.5);
  // About 10% of customer policies stay unattached, as in real accounts.
  const attachedCustomer = attachable.slice(0, Math.ceil(attachable.length * 0.9));
  r.shuffle(attachedCustomer);
  deal('customer', attachedCustomer, 2);

  // Policies: every customer-managed policy; AWS managed ones only when attached (as the API does).
  const awsUsed = corpus
    .filter((p) => awsAttachments.has(p))
    .map((p) => ({
      ...p,
      AttachmentCount: awsAttachments.get(p),
      PolicyVersionList: p.PolicyVersionList.map((v) => ({ ...v, Document: encode(v.Document) })),
    }));
  const iam = {
    UserDetailList: users,
    GroupDetailList: groups,
    RoleDetailList: roles,
    Policies: [...awsUsed, ...customer].sort((a, b) =>
      a.PolicyName < b.PolicyName ? -1 : a.PolicyName > b.PolicyName ? 1 : 0,
    ),
    IsTruncated: false,
  };

  const files = {
    'iam.json': iam,
    'instances.json': { InstanceInformationList: instances },
    'tags.json': { Tags: tags },
    'account.json': {
      UserId: `AROA${r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 17)}:security-audit`,
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SecurityAuditReadOnly/security-audit`,
      Region: REGION,
    },
    'activation-tier.json': {
      ServiceSetting: {
        SettingId: '/ssm/managed-instance/activation-tier',
        SettingValue: 'advanced',
        LastModifiedDate: '2023-04-11T09:14:52.118000+00:00',
        LastModifiedUser: `arn:aws:sts::${ACCOUNT}:assumed-role/PlatformAdmin/ops`,
        ARN: `arn:aws:ssm:${REGION}:${ACCOUNT}:servicesetting/ssm/managed-instance/activation-tier`,
        Status: 'Customized',
      },
    },
    'session-preferences.json': sessionPreferences(),
    'session-documents.json': sessionDocuments(),
  };
  mkdirSync(dir, { recursive: true });
  let bytes = 0;
  const sizes = {};
  for (const [name, value] of Object.entries(files)) {
    // Compact JSON: the shapes of the AWS CLI's output, without its indentation.
    const text = JSON.stringify(value);
    writeFileSync(join(dir, name), text);
    sizes[name] = Buffer.byteLength(text);
    bytes += sizes[name];
  }
  return {
    dir,
    scale,
    seed,
    bytes,
    sizes,
    counts: {
      users: users.length,
      roles: roles.length,
      groups: groups.length,
      principals: users.length + roles.length,
      awsManagedPolicies: awsUsed.length,
      customerManagedPolicies: customer.length,
      instances: instances.length,
      hybridInstances: instances.filter((i) => i.InstanceId.startsWith('mi-')).length,
      tags: tags.length,
    },
  };
}

function sessionPreferences() {
  const content = {
    schemaVersion: '1.0',
    description: 'Document to hold regional settings for Session Manager',
    sessionType: 'Standard_Stream',
    inputs: {
      s3BucketName: `${ORG}-session-logs`,
      s3KeyPrefix: `session-manager/${ACCOUNT}/${REGION}`,
      s3EncryptionEnabled: true,
      cloudWatchLogGroupName: '/ssm/sessions',
      cloudWatchEncryptionEnabled: true,
      cloudWatchStreamingEnabled: true,
      idleSessionTimeout: '20',
      maxSessionDuration: '',
      kmsKeyId: `arn:aws:kms:${REGION}:${ACCOUNT}:key/5d0c8e1a-2f47-4b6e-8c15-a3b7e0d54f92`,
      runAsEnabled: false,
      runAsDefaultUser: '',
      shellProfile: { windows: '', linux: '' },
    },
  };
  return {
    Name: 'SSM-SessionManagerRunShell',
    CreatedDate: '2021-06-02T10:20:47.318000+00:00',
    DocumentVersion: '7',
    Status: 'Active',
    Content: JSON.stringify(content, null, 2),
    DocumentType: 'Session',
    DocumentFormat: 'JSON',
  };
}

function sessionDocuments() {
  const doc = (Name, Owner, SessionType, CreatedDate, DocumentVersion = '1') => ({
    Name,
    CreatedDate,
    Owner,
    PlatformTypes: ['Windows', 'Linux', 'MacOS'],
    DocumentVersion,
    DocumentType: 'Session',
    SchemaVersion: '1.0',
    DocumentFormat: 'JSON',
    Tags: [],
    SessionType,
  });
  return {
    DocumentIdentifiers: [
      doc('AWS-StartInteractiveCommand', 'Amazon', 'InteractiveCommands', '2021-02-18T22:53:06.446000+00:00'),
      doc(
        'AWS-StartNonInteractiveCommand',
        'Amazon',
        'NonInteractiveCommands',
        '2022-09-26T18:14:37.902000+00:00',
      ),
      doc('AWS-StartPortForwardingSession', 'Amazon', 'Port', '2019-08-29T20:51:32.310000+00:00'),
      doc('AWS-StartPortForwardingSessionToRemoteHost', 'Amazon', 'Port', '2022-05-26T19:06:58.735000+00:00'),
      doc('AWS-StartSSHSession', 'Amazon', 'Port', '2019-07-09T18:37:04.121000+00:00'),
      doc(`${ORG}-RunShellAsAppUser`, ACCOUNT, 'Standard_Stream', '2023-02-14T12:40:11.802000+00:00', '3'),
      doc(`${ORG}-StartTunnel`, ACCOUNT, 'Port', '2023-09-05T08:02:39.517000+00:00', '2'),
      doc('SSM-SessionManagerRunShell', ACCOUNT, 'Standard_Stream', '2021-06-02T10:20:47.318000+00:00', '7'),
    ],
  };
}

module.exports = { generateAccount, mulberry32, BASE };

// ---------------------------------------------------------------------------------------------------
// CLI: node bench/generate-account.js OUTDIR [--scale N] [--seed N]

if (require.main === module) {
  const { parseArgs } = require('node:util');
  let parsed;
  try {
    parsed = parseArgs({
      options: { scale: { type: 'string', default: '1' }, seed: { type: 'string', default: '42' } },
      allowPositionals: true,
    });
  } catch (e) {
    console.error(`generate-account: ${e.message}`);
    process.exit(2);
  }
  const [out] = parsed.positionals;
  const scale = Number(parsed.values.scale);
  const seed = Number(parsed.values.seed);
  if (!out || !(scale > 0) || !Number.isInteger(seed)) {
    console.error('Usage: node bench/generate-account.js OUTDIR [--scale N] [--seed N]');
    process.exit(2);
  }
  const t = process.hrtime.bigint();
  const result = generateAccount(out, { scale, seed });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  console.log(
    `wrote ${result.dir}: ${(result.bytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s ` +
      `(scale ${scale}, seed ${seed})`,
  );
  for (const [name, bytes] of Object.entries(result.sizes))
    console.log(`  ${name.padEnd(26)} ${(bytes / 1e6).toFixed(2)} MB`);
  for (const [name, n] of Object.entries(result.counts)) console.log(`  ${name.padEnd(26)} ${n}`);
}
