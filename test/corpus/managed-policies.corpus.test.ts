import {
  compilePolicyDocument,
  defaultVersionDocument,
  evaluate,
  requestContext,
  type Decision,
  type PolicySet,
} from '../../src/iam';
import { CORPUS_SIZE, loadCorpus, type CorpusPolicy } from './load-corpus';

const SSH_DOCUMENT = 'arn:aws:ssm:us-east-1::document/AWS-StartSSHSession';
const PORT_FORWARDING_DOCUMENT = 'arn:aws:ssm:us-east-1::document/AWS-StartPortForwardingSession';
const INSTANCE = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0';

function policySetFor(policy: CorpusPolicy): PolicySet {
  const version = defaultVersionDocument(policy.PolicyVersionList, policy.PolicyName);
  if (!version.ok) throw version.error;
  return {
    identity: [
      {
        origin: {
          policyName: policy.PolicyName,
          policyArn: policy.Arn,
          attachment: 'managed',
          attachedTo: 'arn:aws:iam::111122223333:role/CorpusSubject',
        },
        compiled: compilePolicyDocument(version.document, policy.PolicyName),
      },
    ],
  };
}

function startSession(set: PolicySet, resource: string): Decision {
  return evaluate(set, { action: 'ssm:StartSession', resource, context: requestContext() });
}

describe('the 1,523 real AWS managed policies', () => {
  const corpus = loadCorpus();
  const byName = new Map(corpus.map((p) => [p.PolicyName, p]));

  it('holds every policy of the corpus', () => {
    expect(corpus).toHaveLength(CORPUS_SIZE);
  });

  it('parses every default version without error', () => {
    const failures = corpus
      .map((p) => ({ name: p.PolicyName, compiled: policySetFor(p).identity[0]?.compiled }))
      .filter((r) => !r.compiled?.ok)
      .map((r) => r.name);
    expect(failures).toEqual([]);
  });

  it('gives every policy a definite decision on the SSH document and on an instance', () => {
    const undecided: string[] = [];
    for (const policy of corpus) {
      const set = policySetFor(policy);
      for (const resource of [SSH_DOCUMENT, INSTANCE]) {
        const d = startSession(set, resource).decision;
        if (!['allowed', 'conditional', 'denied'].includes(d)) undecided.push(`${policy.PolicyName}: ${d}`);
      }
    }
    expect(undecided).toEqual([]);
  });

  // DOMAIN.md §2: real AWS managed policies show every case.
  it.each([
    ['AdministratorAccess', 'allowed', 'allowed'],
    ['PowerUserAccess', 'allowed', 'allowed'],
    ['AmazonSSMFullAccess', 'allowed', 'allowed'],
    ['AmazonSSMAutomationRole', 'allowed', 'allowed'],
    ['AWSCloud9User', 'allowed', 'conditional'],
    ['AWSDenyAll', 'denied', 'denied'],
    ['ReadOnlyAccess', 'denied', 'denied'],
    ['AmazonSSMReadOnlyAccess', 'denied', 'denied'],
    ['AWSSystemsManagerJustInTimeAccessTokenPolicy', 'denied', 'allowed'],
  ])('decides %s: SSH document %s, instance %s', (name, onDocument, onInstance) => {
    // Given the managed policy attached alone to a role
    const policy = byName.get(name);
    expect(policy).toBeDefined();
    const set = policySetFor(policy as CorpusPolicy);
    // When StartSession is asked on the SSH document and on an instance
    // Then the decisions are the documented ones
    expect([startSession(set, SSH_DOCUMENT).decision, startSession(set, INSTANCE).decision]).toEqual([
      onDocument,
      onInstance,
    ]);
  });

  it('denies AWSDenyAll explicitly, and ReadOnlyAccess only implicitly', () => {
    const denyAll = startSession(policySetFor(byName.get('AWSDenyAll') as CorpusPolicy), SSH_DOCUMENT);
    const readOnly = startSession(policySetFor(byName.get('ReadOnlyAccess') as CorpusPolicy), SSH_DOCUMENT);
    expect(denyAll).toMatchObject({ decision: 'denied', denial: 'explicit' });
    expect(readOnly).toMatchObject({ decision: 'denied', denial: 'implicit' });
  });

  it('allows port forwarding under AWSSystemsManagerJustInTimeAccessTokenPolicy only through ssm-guiconnect', () => {
    const set = policySetFor(byName.get('AWSSystemsManagerJustInTimeAccessTokenPolicy') as CorpusPolicy);
    const decision = startSession(set, PORT_FORWARDING_DOCUMENT);
    expect(decision.decision).toBe('conditional');
    expect(decision.statements.map((s) => s.sid)).toEqual(['RdpStartSession']);
    expect(decision.statements[0]?.undeterminedConditions?.map((c) => c.key)).toEqual(['aws:CalledViaFirst']);
  });

  it('names the deciding statement of PowerUserAccess, whose NotAction allows ssm:StartSession', () => {
    const decision = startSession(policySetFor(byName.get('PowerUserAccess') as CorpusPolicy), SSH_DOCUMENT);
    expect(decision.decision).toBe('allowed');
    expect(decision.statements[0]?.policy.policyName).toBe('PowerUserAccess');
  });
});
