/**
 * Differential test on the 1,523 real AWS managed policies: each one, attached alone as an identity
 * policy of a role, must get the same decision from our evaluator and from iam-simulate for a fixed
 * set of requests, in two fixed closed-world contexts.
 *
 * Runs in `npm run test:corpus` (it needs ../shared/data). Results and exclusions are described in
 * docs/differential-testing.md.
 */
import { decodePolicyDocument, defaultVersionDocument } from '../../src/iam';
import { CORPUS_SIZE, loadCorpus, type CorpusPolicy } from '../corpus/load-corpus';
import {
  ACCOUNT,
  ours,
  simulateRaw,
  type DiffCase,
  type Disagreement,
  describeDisagreements,
} from './simulate';

const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:role/CorpusSubject`;
const INSTANCE = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-0123456789abcdef0`;

/** The requests asked of every policy. Every resource is owned by the principal's account. */
const REQUESTS: readonly (readonly [action: string, resource: string])[] = [
  ['ssm:StartSession', INSTANCE],
  ['ssm:StartSession', `arn:aws:ssm:us-east-1:${ACCOUNT}:document/Acme-Tunnel`],
  ['ssm:StartSession', `arn:aws:ssm:us-east-1:${ACCOUNT}:managed-instance/mi-0123456789abcdef0`],
  ['ssm:SendCommand', INSTANCE],
  ['s3:GetObject', 'arn:aws:s3:::acme-data/reports/q1.csv'],
  ['s3:PutObject', 'arn:aws:s3:::acme-data/reports/q1.csv'],
  ['ec2:TerminateInstances', INSTANCE],
  ['ec2:DescribeInstances', '*'],
  ['iam:CreateUser', `arn:aws:iam::${ACCOUNT}:user/new-user`],
  ['iam:PassRole', `arn:aws:iam::${ACCOUNT}:role/AppRole`],
  ['iam:AttachRolePolicy', `arn:aws:iam::${ACCOUNT}:role/AppRole`],
  ['sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`],
  ['lambda:InvokeFunction', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:resize`],
  ['secretsmanager:GetSecretValue', `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-AbCdEf`],
  ['ssm:GetParameter', `arn:aws:ssm:us-east-1:${ACCOUNT}:parameter/app/db-password`],
  ['logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app:log-stream:s1`],
];

/** Two closed-world contexts: every key not listed is known to be absent. */
const CONTEXTS: readonly (readonly [label: string, context: Record<string, string>])[] = [
  [
    'MFA, office IP, us-east-1',
    {
      'aws:MultiFactorAuthPresent': 'true',
      'aws:SourceIp': '203.0.113.10',
      'aws:RequestedRegion': 'us-east-1',
      'aws:PrincipalArn': PRINCIPAL,
      'aws:PrincipalAccount': ACCOUNT,
      'aws:SecureTransport': 'true',
      'aws:CurrentTime': '2025-06-01T12:00:00Z',
    },
  ],
  [
    'no MFA, private IP, eu-west-1',
    {
      'aws:MultiFactorAuthPresent': 'false',
      'aws:SourceIp': '10.1.2.3',
      'aws:RequestedRegion': 'eu-west-1',
      'aws:SecureTransport': 'false',
    },
  ],
];

/**
 * Policies whose comparison is deliberately left out, with the reason. Empty: every managed policy
 * is compared on every request. An entry here must be justified in docs/differential-testing.md,
 * and the test fails if an entry is no longer needed.
 */
const EXCLUDED_POLICIES: Readonly<Record<string, string>> = {};

/**
 * Left out of the comparison for every policy: iam-simulate cannot express a request on an
 * AWS-owned SSM document, whose ARN has an empty account (`arn:aws:ssm:REGION::document/NAME`): it
 * answers `no.resource.types`. The last test below checks that this is still so.
 */
const AWS_OWNED_DOCUMENT = 'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession';

function documentOf(policy: CorpusPolicy): unknown {
  const version = defaultVersionDocument(policy.PolicyVersionList, policy.PolicyName);
  if (!version.ok) throw version.error;
  // iam-simulate wants an object; the corpus may hold URL-encoded JSON strings, as the IAM API does.
  return decodePolicyDocument(version.document, policy.PolicyName);
}

describe('differential: the AWS managed policies against iam-simulate', () => {
  const corpus = loadCorpus();

  it('holds every policy of the corpus', () => {
    expect(corpus).toHaveLength(CORPUS_SIZE);
  });

  it(`agrees on every managed policy attached alone, for ${REQUESTS.length} requests in ${CONTEXTS.length} contexts`, async () => {
    const disagreements: Disagreement[] = [];
    const unexpectedErrors: string[] = [];
    const excludedHit = new Set<string>();
    const outcomes: Record<string, number> = {};
    let compared = 0;
    let excluded = 0;
    const started = Date.now();
    for (const policy of corpus) {
      const identity = [{ name: policy.PolicyName, document: documentOf(policy) }];
      for (const [, context] of CONTEXTS) {
        for (const [action, resource] of REQUESTS) {
          const c: DiffCase = { principal: PRINCIPAL, action, resource, context, identity };
          const reason = EXCLUDED_POLICIES[policy.PolicyName];
          const theirs = await simulateRaw(c); // throws if iam-simulate drops a context key
          if (theirs.kind === 'error') {
            if (reason) excludedHit.add(policy.PolicyName);
            else
              unexpectedErrors.push(
                `${policy.PolicyName} ${action} ${resource}: ${JSON.stringify(theirs.errors)}`,
              );
            excluded++;
            continue;
          }
          const mine = ours(c);
          if (mine !== theirs.outcome && reason) {
            excludedHit.add(policy.PolicyName);
            excluded++;
            continue;
          }
          compared++;
          outcomes[theirs.outcome] = (outcomes[theirs.outcome] ?? 0) + 1;
          if (mine !== theirs.outcome) disagreements.push({ case: c, ours: mine, theirs: theirs.outcome });
        }
      }
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `differential corpus: ${compared - disagreements.length} of ${compared} decisions agree ` +
        `(${corpus.length} policies x ${REQUESTS.length} requests x ${CONTEXTS.length} contexts, ` +
        `${excluded} excluded, ${seconds.toFixed(1)} s); outcomes ${JSON.stringify(outcomes)}`,
    );

    expect(unexpectedErrors).toEqual([]);
    expect(Object.keys(EXCLUDED_POLICIES).filter((name) => !excludedHit.has(name))).toEqual([]);
    expect(compared + excluded).toBe(corpus.length * REQUESTS.length * CONTEXTS.length);
    if (disagreements.length > 0) {
      throw new Error(
        `${disagreements.length} of ${compared} decisions disagree. First ones:\n${describeDisagreements(disagreements)}`,
      );
    }
  }, 120_000);

  it('leaves out AWS-owned documents, because iam-simulate rejects their empty account (no.resource.types)', async () => {
    const admin = corpus.find((p) => p.PolicyName === 'AdministratorAccess') as CorpusPolicy;
    const c: DiffCase = {
      principal: PRINCIPAL,
      action: 'ssm:StartSession',
      resource: AWS_OWNED_DOCUMENT,
      context: {},
      identity: [{ name: admin.PolicyName, document: documentOf(admin) }],
    };
    const theirs = await simulateRaw(c);
    expect(theirs.kind === 'error' ? theirs.errors.message : theirs.outcome).toBe('no.resource.types');
    // Our evaluator decides it (DOMAIN.md §2: `*` matches the empty account).
    expect(ours(c)).toBe('allowed');
  });
});
