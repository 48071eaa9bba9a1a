import { DEFAULT_COMPLIANCE_POLICY } from '../../src/config/compliance-policy';
import { readEnvironment } from '../../src/lambda/environment';

/**
 * The functions' environment (serverless.yml sets it; operators edit it in the Lambda console, where a
 * variable left blank is an empty string): REPORT_TOPIC_ARN, AUDIT_SNAPSHOT_DIR, COMPLIANCE_POLICY and
 * ACCOUNT_CACHE_TTL_SECONDS.
 * A blank variable means the variable is not set, never an error and never an empty path or topic.
 */
describe('the functions read their environment', () => {
  it.each<[string, NodeJS.ProcessEnv]>([
    ['with no variables at all', {}],
    [
      'with every variable empty, as the console leaves a cleared value',
      { REPORT_TOPIC_ARN: '', AUDIT_SNAPSHOT_DIR: '', COMPLIANCE_POLICY: '', ACCOUNT_CACHE_TTL_SECONDS: '' },
    ],
    ['with a COMPLIANCE_POLICY of blanks and a line break', { COMPLIANCE_POLICY: '  \n\t' }],
  ])('%s: no topic, no snapshot directory, the default policy, a 300 s account cache', (_case, env) => {
    // Given the environment; When it is read
    const read = readEnvironment(env);
    // Then nothing is set but the default compliance policy and account cache
    expect(read).toEqual({
      reportTopicArn: undefined,
      snapshotDir: undefined,
      policy: DEFAULT_COMPLIANCE_POLICY,
      accountCacheTtlSeconds: 300,
    });
  });

  it('reads the topic, the snapshot directory and a compliance policy given as JSON', () => {
    // Given every variable set, the policy with the line breaks a multi-line parameter leaves around it
    const env = {
      REPORT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:ssm-ssh-audit-report',
      AUDIT_SNAPSHOT_DIR: '/var/task/examples/account',
      COMPLIANCE_POLICY:
        '\n{"exemptPrincipals": ["arn:aws:iam::111122223333:role/BreakGlass*"], "conditionalIsViolation": false}\n',
    };
    // When it is read
    const read = readEnvironment(env);
    // Then each is taken as given, and the policy fills in what it leaves out with the defaults
    expect(read.reportTopicArn).toBe(env.REPORT_TOPIC_ARN);
    expect(read.snapshotDir).toBe(env.AUDIT_SNAPSHOT_DIR);
    expect(read.policy).toEqual({
      ...DEFAULT_COMPLIANCE_POLICY,
      exemptPrincipals: ['arn:aws:iam::111122223333:role/BreakGlass*'],
      conditionalIsViolation: false,
    });
  });

  it('refuses a COMPLIANCE_POLICY that is not JSON, naming the variable', () => {
    // Given a policy cut short; When it is read; Then the error names COMPLIANCE_POLICY
    expect(() => readEnvironment({ COMPLIANCE_POLICY: '{"exemptPrincipals": [' })).toThrow(
      expect.objectContaining({
        name: 'ConfigurationError',
        message: expect.stringMatching(/^COMPLIANCE_POLICY is not valid JSON/),
      }),
    );
  });

  it.each<[string, number]>([
    ['0', 0],
    ['60', 60],
    [' 900\n', 900],
  ])('reads ACCOUNT_CACHE_TTL_SECONDS %j as %d seconds (0 turns the cache off)', (text, seconds) => {
    // Given the variable; When it is read; Then the number of seconds
    expect(readEnvironment({ ACCOUNT_CACHE_TTL_SECONDS: text }).accountCacheTtlSeconds).toBe(seconds);
  });

  it.each(['-1', '5m', '1.5', '1e3', 'off'])(
    'refuses ACCOUNT_CACHE_TTL_SECONDS %j, naming the variable, rather than guess what was meant',
    (text) => {
      expect(() => readEnvironment({ ACCOUNT_CACHE_TTL_SECONDS: text })).toThrow(
        expect.objectContaining({
          name: 'ConfigurationError',
          message: expect.stringMatching(/^ACCOUNT_CACHE_TTL_SECONDS must be a whole number of seconds/),
        }),
      );
    },
  );
});
