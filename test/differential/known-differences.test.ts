/**
 * Where @cloud-copilot/iam-simulate departs from the behaviour AWS documents, pinned one by one.
 *
 * The random differential test (random-policies.test.ts) does not generate these inputs, because the
 * two engines are known to disagree on them for a reason that is not a bug of ours. Each test here
 * pins OUR decision, which follows the AWS documentation page named in the test, and also records
 * what iam-simulate decides instead. If an iam-simulate assertion starts failing after an upgrade,
 * iam-simulate has been fixed: drop that assertion, and let the random generator produce the input
 * again (docs/differential-testing.md lists where each exclusion sits in the generator).
 *
 * Page titles are those of the AWS IAM User Guide.
 */
import { ACCOUNT, ours, simulate, type DiffCase } from './simulate';

const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/Ops`;
const INSTANCE = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;

function allowIf(condition: Record<string, Record<string, unknown>>): DiffCase['identity'] {
  return [
    {
      name: 'identity',
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'ssm:StartSession', Resource: '*', Condition: condition }],
      },
    },
  ];
}

function startSession(identity: DiffCase['identity'], context: DiffCase['context']): DiffCase {
  return { principal: PRINCIPAL, action: 'ssm:StartSession', resource: INSTANCE, context, identity };
}

/** A one-policy identity; `version: null` leaves the Version element out. */
function policy(statements: unknown[], version: string | null = '2012-10-17'): DiffCase['identity'] {
  return [
    {
      name: 'identity',
      document: version ? { Version: version, Statement: statements } : { Statement: statements },
    },
  ];
}

describe('known departures of iam-simulate from the AWS documentation', () => {
  it(
    'compares an epoch-seconds policy date with an ISO 8601 request date, and the reverse ' +
      '("IAM JSON policy elements: Condition operators", Date condition operators: values in W3C ISO 8601 or epoch time); ' +
      'iam-simulate compares epoch seconds with ISO milliseconds',
    async () => {
      // Given DateLessThan 1893456000 (2030-01-01 in epoch seconds) and aws:CurrentTime in 2025 (ISO)
      const epochPolicy = startSession(allowIf({ DateLessThan: { 'aws:CurrentTime': '1893456000' } }), {
        'aws:CurrentTime': '2025-06-01T12:00:00Z',
      });
      // Then the request is before the date: allowed. iam-simulate compares 1893456000 with 1748779200000.
      expect(ours(epochPolicy)).toBe('allowed');
      expect(await simulate(epochPolicy)).toBe('denied/implicit');

      // Given DateGreaterThan 2020-01-01T00:00:00Z (ISO) and aws:EpochTime 1748779200 (2025, epoch seconds)
      const isoPolicy = startSession(
        allowIf({ DateGreaterThan: { 'aws:EpochTime': '2020-01-01T00:00:00Z' } }),
        {
          'aws:EpochTime': '1748779200',
        },
      );
      expect(ours(isoPolicy)).toBe('allowed');
      expect(await simulate(isoPolicy)).toBe('denied/implicit');
    },
  );

  it(
    'matches a bare IPv6 address against the same address written differently ' +
      '("IAM JSON policy elements: Condition operators", IP address condition operators: an address without a prefix is a range); ' +
      'iam-simulate compares a bare IPv6 address as a string',
    async () => {
      // 2001:db8::5 and 2001:0db8:0:0:0:0:0:5 are the same address (RFC 4291 §2.2 text forms).
      const c = startSession(allowIf({ IpAddress: { 'aws:SourceIp': '2001:db8::5' } }), {
        'aws:SourceIp': '2001:0db8:0:0:0:0:0:5',
      });
      expect(ours(c)).toBe('allowed');
      expect(await simulate(c)).toBe('denied/implicit');
    },
  );

  it(
    'treats a bare IPv4 address as its /32 range in NotIpAddress, so an IPv6 source is outside it ' +
      '("IAM JSON policy elements: Condition operators", IP address condition operators: "IAM uses the default prefix value of /32"); ' +
      'iam-simulate never matches NotIpAddress with a bare IPv4 address against an IPv6 source, although it does with the /32 form',
    async () => {
      const bare = startSession(allowIf({ NotIpAddress: { 'aws:SourceIp': '203.0.113.10' } }), {
        'aws:SourceIp': '2001:db8:1::5',
      });
      const slash32 = startSession(allowIf({ NotIpAddress: { 'aws:SourceIp': '203.0.113.10/32' } }), {
        'aws:SourceIp': '2001:db8:1::5',
      });
      expect(ours(bare)).toBe('allowed');
      expect(ours(slash32)).toBe('allowed');
      expect(await simulate(slash32)).toBe('allowed');
      expect(await simulate(bare)).toBe('denied/implicit');
    },
  );

  it(
    'compares an IPv4-mapped IPv6 source (::ffff:10.1.2.3) as the IPv4 address it carries ' +
      '(no IAM User Guide page covers this: we follow RFC 4291 §2.5.5.2); iam-simulate never matches it against an IPv4 range',
    async () => {
      const c = startSession(allowIf({ IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }), {
        'aws:SourceIp': '::ffff:10.1.2.3',
      });
      expect(ours(c)).toBe('allowed');
      expect(await simulate(c)).toBe('denied/implicit');
    },
  );

  it(
    'matches every IPv4 source with 0.0.0.0/0 ' +
      '("IAM JSON policy elements: Condition operators", IP address condition operators: values in standard CIDR format); ' +
      'iam-simulate matches only 0.0.0.0 (its 32-bit mask shift by 32 is a no-op)',
    async () => {
      const c = startSession(allowIf({ IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } }), {
        'aws:SourceIp': '10.1.2.3',
      });
      expect(ours(c)).toBe('allowed');
      expect(await simulate(c)).toBe('denied/implicit');
    },
  );

  it.each([
    ['Version 2008-10-17', '2008-10-17'],
    ['no Version element', null],
  ])(
    'treats ${aws:username} as literal text in a policy with %s ' +
      '("IAM policy elements: Variables and tags": without Version 2012-10-17 variables are literal strings; ' +
      '"IAM JSON policy elements: Version"); iam-simulate substitutes the variable anyway',
    async (_label, version) => {
      const identity = policy(
        [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-data/${aws:username}/*' }],
        version,
      );
      const alice = {
        principal: `arn:aws:iam::${ACCOUNT}:user/alice`,
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::acme-data/alice/file.txt',
        context: { 'aws:username': 'alice' },
        identity,
      };
      // The pattern is the literal text, so alice's own prefix does not match...
      expect(ours(alice)).toBe('denied/implicit');
      expect(await simulate(alice)).toBe('allowed');
      // ...and an object whose key holds that literal text does.
      const literal = { ...alice, resource: 'arn:aws:s3:::acme-data/${aws:username}/file.txt' };
      expect(ours(literal)).toBe('allowed');
      expect(await simulate(literal)).toBe('denied/implicit');
    },
  );

  it(
    'never matches a non-numeric value in a numeric comparison, on either side ' +
      '("IAM JSON policy elements: Condition operators", Numeric condition operators compare integer or decimal values); ' +
      'iam-simulate reads "100abc" as 100 and "3600abc" as 3600 (parseInt)',
    async () => {
      const requestSide = startSession(allowIf({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }), {
        'aws:MultiFactorAuthAge': '100abc',
      });
      expect(ours(requestSide)).toBe('denied/implicit');
      expect(await simulate(requestSide)).toBe('allowed');

      const policySide = startSession(allowIf({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600abc' } }), {
        'aws:MultiFactorAuthAge': '100',
      });
      expect(ours(policySide)).toBe('denied/implicit');
      expect(await simulate(policySide)).toBe('allowed');
    },
  );

  it(
    'matches the partition, service and region of a Resource ARN with regard to case ' +
      '("IAM JSON policy elements: Resource" lists no case-insensitive segment, and "IAM JSON policy elements: Condition operators" ' +
      'documents ARN matching as case-sensitive in all six components); iam-simulate ignores case in the first five segments',
    async () => {
      const c = startSession(
        policy([
          {
            Effect: 'Allow',
            Action: 'ssm:StartSession',
            Resource: `arn:AWS:EC2:US-EAST-1:${ACCOUNT}:instance/*`,
          },
        ]),
        {},
      );
      expect(ours(c)).toBe('denied/implicit');
      expect(await simulate(c)).toBe('allowed');
    },
  );

  it(
    'lets a negated string operator match when its policy variable has no value ' +
      '("IAM policy elements: Variables and tags", Policy variables with no value: inverted operators like StringNotEquals ' +
      'or StringNotLike do match); iam-simulate makes the whole condition fail',
    async () => {
      for (const operator of ['StringNotEquals', 'StringNotLike']) {
        // aws:PrincipalTag/team is present; aws:PrincipalTag/owner, the variable, is absent.
        const c = startSession(
          allowIf({ [operator]: { 'aws:PrincipalTag/team': '${aws:PrincipalTag/owner}' } }),
          {
            'aws:PrincipalTag/team': 'ops',
          },
        );
        expect([operator, ours(c)]).toEqual([operator, 'allowed']);
        expect([operator, await simulate(c)]).toEqual([operator, 'denied/implicit']);
      }
    },
  );

  it(
    'matches wildcards in an S3 bucket name whatever the region and account segments of the pattern ' +
      '("IAM JSON policy elements: Resource", Using wildcards in resource ARNs: * and ? within any segment, * may match nothing); ' +
      'iam-simulate reads the bucket name as a literal resource type once region or account is not empty',
    async () => {
      const c: DiffCase = {
        principal: PRINCIPAL,
        action: 's3:GetObject',
        resource: 'arn:aws:s3:::acme-logs/alice/file.txt',
        context: {},
        identity: policy([
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:*:*:acme-*/alice/file.txt' },
        ]),
      };
      expect(ours(c)).toBe('allowed');
      expect(await simulate(c)).toBe('denied/implicit');
      // The same pattern with empty region and account segments: both agree.
      const plain = {
        ...c,
        identity: policy([
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::acme-*/alice/file.txt' },
        ]),
      };
      expect(ours(plain)).toBe('allowed');
      expect(await simulate(plain)).toBe('allowed');
    },
  );

  it(
    'applies a NotResource statement whose short ARN (trailing *) does not match the resource ' +
      '("IAM JSON policy elements: NotResource": matches every resource except those listed; ' +
      '"IAM JSON policy elements: Resource": a * that ends a segment can match beyond colons); ' +
      'iam-simulate never applies the statement then',
    async () => {
      // The queue is in us-west-2, outside arn:aws:sqs:us-east-1:*.
      const allow: DiffCase = {
        principal: PRINCIPAL,
        action: 'sqs:SendMessage',
        resource: `arn:aws:sqs:us-west-2:${ACCOUNT}:orders`,
        context: {},
        identity: policy([{ Effect: 'Allow', Action: 'sqs:*', NotResource: 'arn:aws:sqs:us-east-1:*' }]),
      };
      expect(ours(allow)).toBe('allowed');
      expect(await simulate(allow)).toBe('denied/implicit');

      const deny: DiffCase = {
        ...allow,
        identity: policy([
          { Effect: 'Allow', Action: 'sqs:*', Resource: '*' },
          { Effect: 'Deny', Action: 'sqs:*', NotResource: 'arn:aws:sqs:us-east-1:*' },
        ]),
      };
      expect(ours(deny)).toBe('denied/explicit');
      expect(await simulate(deny)).toBe('allowed');
    },
  );

  it(
    'substitutes a policy variable in the resource part of an ARN that has no resource-type prefix (an SQS queue name) ' +
      '("IAM policy elements: Variables and tags", Where you can use policy variables: in the resource portion, after the fifth colon); ' +
      "iam-simulate takes the text up to the variable's colon for a resource type, so the pattern never matches",
    async () => {
      const c: DiffCase = {
        principal: PRINCIPAL,
        action: 'sqs:SendMessage',
        resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:ops-orders`,
        context: { 'aws:PrincipalTag/team': 'ops' },
        identity: policy([
          {
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:\${aws:PrincipalTag/team}-*`,
          },
        ]),
      };
      expect(ours(c)).toBe('allowed');
      expect(await simulate(c)).toBe('denied/implicit');
    },
  );
});
