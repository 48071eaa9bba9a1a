import {
  compileExemptions,
  CompliancePolicyError,
  DEFAULT_COMPLIANCE_POLICY,
  parseCompliancePolicy,
  validateCompliancePolicy,
} from '../../src/config/compliance-policy';
import { compliancePolicySchema } from '../../src/config/compliance-policy-schema';
import { normalizeRuleParameters, parseConfigRuleEvent } from '../../src/lambda/config-event';
import { readEnvironment } from '../../src/lambda/environment';
import { parseJsonUniqueKeys } from '../../src/util/json-unique-keys';

describe('the compliance policy', () => {
  it('defaults to: nobody exempt, conditional access is a violation, minimum agent 3.0.0.0', () => {
    expect(DEFAULT_COMPLIANCE_POLICY).toEqual({
      exemptPrincipals: [],
      exemptInstances: { ids: [], tags: {} },
      conditionalIsViolation: true,
      minimumAgentVersion: '3.0.0.0',
    });
  });

  it('defaults to exactly what the schema makes of an empty policy', () => {
    expect(DEFAULT_COMPLIANCE_POLICY).toEqual(compliancePolicySchema.parse({}));
  });

  it.each([[''], ['   \n']])('treats empty text %p as the default policy', (text) => {
    expect(parseCompliancePolicy(text, 'policy.yaml')).toEqual(DEFAULT_COMPLIANCE_POLICY);
  });

  it('reads YAML', () => {
    const policy = parseCompliancePolicy(
      [
        'exemptPrincipals:',
        '  - arn:aws:iam::*:role/BreakGlass*',
        'exemptInstances:',
        '  tags:',
        '    ssh-exempt: "true"',
        'conditionalIsViolation: false',
      ].join('\n'),
      'policy.yaml',
    );
    expect(policy.exemptPrincipals).toEqual(['arn:aws:iam::*:role/BreakGlass*']);
    expect(policy.exemptInstances).toEqual({ ids: [], tags: { 'ssh-exempt': 'true' } });
    expect(policy.conditionalIsViolation).toBe(false);
  });

  it('reads JSON', () => {
    const policy = parseCompliancePolicy('{"minimumAgentVersion": "3.3.0.0"}', 'policy.json');
    expect(policy.minimumAgentVersion).toBe('3.3.0.0');
  });

  it.each([
    ['{"exemptPrincipal": []}', /policy\.json: \(top level\): Unrecognized key: "exemptPrincipal"/],
    ['{"conditionalIsViolation": "yes"}', /policy\.json: conditionalIsViolation: .*expected boolean/],
    ['{"minimumAgentVersion": "latest"}', /policy\.json: minimumAgentVersion: must be a version/],
    [
      '{"exemptInstances": {"ids": ["web-1"]}}',
      /policy\.json: exemptInstances\.ids\[0\]: must be an instance id/,
    ],
    ['{"exemptPrincipals": "arn:aws:iam::*:role/X"}', /policy\.json: exemptPrincipals: .*expected array/],
    ['[1, 2]', /policy\.json: \(top level\): .*expected object/],
    ['{"a": [1, 2', /policy\.json: not valid JSON or YAML/],
  ])('rejects %s with a message naming the file and field', (text, message) => {
    expect(() => parseCompliancePolicy(text, 'policy.json')).toThrow(message);
    expect(() => parseCompliancePolicy(text, 'policy.json')).toThrow(CompliancePolicyError);
  });

  describe('a key given twice in one JSON object is refused, as YAML refuses it, not read as the last one', () => {
    const twice = '{"exemptPrincipals": [], "exemptPrincipals": ["*"]}';

    it('in a --policy file', () => {
      expect(() => parseCompliancePolicy(twice, 'policy.json')).toThrow(
        /^policy\.json: not valid JSON or YAML \(key "exemptPrincipals" appears twice in one object\)$/,
      );
      // The same text as YAML was always refused.
      expect(() =>
        parseCompliancePolicy(`exemptPrincipals: []\nexemptPrincipals: ['*']\n`, 'p.yaml'),
      ).toThrow(CompliancePolicyError);
    });

    it('in a nested object, and not across objects, arrays or string values', () => {
      expect(() =>
        parseCompliancePolicy('{"exemptInstances": {"tags": {"a": "1", "a": "2"}}}', 'policy.json'),
      ).toThrow(/key "a" appears twice/);
      expect(
        parseJsonUniqueKeys(
          '{"a": {"b": 1}, "c": {"b": ["b", "b"]}, "d": "\\"a\\": 1", "e": [{"f": 1}, {"f": 2}]}',
        ),
      ).toEqual({ a: { b: 1 }, c: { b: ['b', 'b'] }, d: '"a": 1', e: [{ f: 1 }, { f: 2 }] });
      expect(() => parseJsonUniqueKeys('{"a\\u0062": 1, "ab": 2}')).toThrow(/key "ab" appears twice/);
    });

    it('with quotes and backslashes escaped inside the keys themselves', () => {
      // Given keys that hold \" and \\ (a tag key may hold any character)
      // Then the same escaped key twice in one object is refused, and the text it holds is named
      expect(() => parseJsonUniqueKeys('{"say \\"hi\\"": 1, "say \\"hi\\"": 2}')).toThrow(
        /key "say \\"hi\\"" appears twice/,
      );
      // And keys that differ once their escapes are read (a\\ and a\"), or repeat in another object, are accepted
      expect(parseJsonUniqueKeys('{"a\\\\": 1, "a\\"": 2, "b": {"a\\\\": 3}}')).toEqual({
        'a\\': 1,
        'a"': 2,
        b: { 'a\\': 3 },
      });
    });

    it('in COMPLIANCE_POLICY and in the Config rule parameters', () => {
      expect(() => readEnvironment({ COMPLIANCE_POLICY: twice })).toThrow(
        /^COMPLIANCE_POLICY .*appears twice/,
      );
      expect(() => normalizeRuleParameters({ compliancePolicy: twice })).toThrow(
        /compliancePolicy: not valid JSON .*appears twice/,
      );
      expect(() =>
        parseConfigRuleEvent({
          invokingEvent: JSON.stringify({
            messageType: 'ScheduledNotification',
            notificationCreationTime: '2026-01-01T00:00:00.000Z',
          }),
          ruleParameters: twice,
          resultToken: 't',
          eventLeftScope: false,
          executionRoleArn: 'arn:aws:iam::111122223333:role/config',
          configRuleArn: 'arn:aws:config:eu-west-1:111122223333:config-rule/config-rule-abc',
          configRuleName: 'r',
          configRuleId: 'config-rule-abc',
          accountId: '111122223333',
          version: '1.0',
        }),
      ).toThrow(/ruleParameters: not valid JSON .*appears twice/);
    });

    it('not across the values of different rule parameters, nor in parameters that are not JSON', () => {
      expect(
        normalizeRuleParameters({
          exemptInstances: '{"ids": ["i-0123456789abcdef0"], "tags": {"ids": "x"}}',
          exemptPrincipals: 'arn:aws:iam::*:role/A*, arn:aws:iam::*:role/B',
          minimumAgentVersion: '3.0',
        }),
      ).toEqual({
        exemptInstances: { ids: ['i-0123456789abcdef0'], tags: { ids: 'x' } },
        exemptPrincipals: ['arn:aws:iam::*:role/A*', 'arn:aws:iam::*:role/B'],
        minimumAgentVersion: '3.0',
      });
    });

    it.each([
      ['exemptInstances', '{"ids": [], "ids": ["i-0123456789abcdef0"]}', 'ids'],
      ['exemptInstances', '{"tags": {"ssh-exempt": "false", "ssh-exempt": "*"}}', 'ssh-exempt'],
    ])('in the Config rule parameter %s given as JSON text %s', (key, text, repeated) => {
      expect(() => normalizeRuleParameters({ [key]: text })).toThrow(
        `event.ruleParameters.${key}: not valid JSON (key "${repeated}" appears twice in one object)`,
      );
    });
  });

  it('validates values that arrive already parsed (Config rule parameters)', () => {
    expect(validateCompliancePolicy(undefined, 'ruleParameters')).toEqual(DEFAULT_COMPLIANCE_POLICY);
    expect(() => validateCompliancePolicy({ conditionalIsViolation: 1 }, 'ruleParameters')).toThrow(
      /^ruleParameters: /,
    );
  });

  describe('exemptions', () => {
    const exemptions = compileExemptions(
      parseCompliancePolicy(
        JSON.stringify({
          exemptPrincipals: ['arn:aws:iam::*:role/BreakGlass*', 'arn:aws:iam::111122223333:user/ops-?'],
          exemptInstances: { ids: ['i-0123456789abcdef0'], tags: { 'ssh-exempt': 'true', bastion: '*' } },
        }),
        'policy.json',
      ),
    );

    it.each([
      ['arn:aws:iam::111122223333:role/BreakGlassAdmin', true],
      ['arn:aws:iam::444455556666:role/BreakGlass', true],
      ['arn:aws:iam::111122223333:role/path/BreakGlassAdmin', false],
      ['arn:aws:iam::111122223333:user/ops-1', true],
      ['arn:aws:iam::111122223333:user/ops-12', false],
    ])('exempts principal %s: %s', (arn, expected) => {
      expect(exemptions.principal(arn)).toBe(expected);
    });

    it('exempts instances by id, by tag value, and by tag key with the value "*"', () => {
      expect(exemptions.instance('i-0123456789abcdef0', undefined)).toBe(true);
      expect(exemptions.instance('i-0fffffffffffffff0', { 'ssh-exempt': 'true' })).toBe(true);
      expect(exemptions.instance('i-0fffffffffffffff0', { 'ssh-exempt': 'false' })).toBe(false);
      expect(exemptions.instance('i-0fffffffffffffff0', { bastion: 'anything' })).toBe(true);
    });

    it('cannot exempt by tag when the tags are unknown: fail closed', () => {
      expect(exemptions.instance('i-0fffffffffffffff0', undefined)).toBe(false);
    });
  });

  describe('tag exemptions match only the tags an instance carries itself', () => {
    // Keys every plain object inherits from Object.prototype. `__proto__` is not listed: the schema
    // drops that key from a policy, so no exemption can name it.
    const inheritedKeys = ['toString', 'constructor', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
    // The snapshot may build an instance's tag set as a plain object or with a null prototype (so that
    // a `__proto__` tag survives); an exemption must answer the same for both.
    const tagSets = {
      'a plain object': (tags: Record<string, string>): Record<string, string> => ({ ...tags }),
      'a null-prototype object': (tags: Record<string, string>): Record<string, string> =>
        Object.assign(Object.create(null) as Record<string, string>, tags),
    };
    const cases = inheritedKeys.flatMap((key) =>
      Object.entries(tagSets).map(([kind, make]) => [key, kind, make] as const),
    );
    const exemptingAnyValueOf = (key: string) =>
      compileExemptions(
        parseCompliancePolicy(JSON.stringify({ exemptInstances: { tags: { [key]: '*' } } }), 'policy.json'),
      );

    it.each(cases)(
      'does not exempt an instance without a %s tag, its tags being %s, when the policy exempts any value of that key',
      (key, _kind, make) => {
        // Given a policy that exempts every instance carrying the tag key, whatever its value
        const exemptions = exemptingAnyValueOf(key);
        // When an instance carries other tags only
        const exempt = exemptions.instance('i-0fffffffffffffff0', make({ Name: 'web-01' }));
        // Then it is not exempt: the key is only inherited by its tag set, not one of its tags
        expect(exempt).toBe(false);
      },
    );

    it.each(cases)(
      'exempts an instance that really carries a %s tag, its tags being %s',
      (key, _kind, make) => {
        // Given a policy that exempts every instance carrying the tag key
        const exemptions = exemptingAnyValueOf(key);
        // When an instance carries that tag itself
        const exempt = exemptions.instance('i-0fffffffffffffff0', make({ Name: 'web-01', [key]: 'yes' }));
        // Then it is exempt
        expect(exempt).toBe(true);
      },
    );

    it('does not exempt when the policy asks for a value of an inherited key that the instance does not carry', () => {
      // Given a YAML policy, as users write them, naming the value of a `constructor` tag
      const exemptions = compileExemptions(
        parseCompliancePolicy('exemptInstances:\n  tags:\n    constructor: legacy\n', 'policy.yaml'),
      );
      // Then only an instance whose own `constructor` tag has that value is exempt
      expect(exemptions.instance('i-0fffffffffffffff0', { Name: 'web-01' })).toBe(false);
      expect(exemptions.instance('i-0fffffffffffffff0', { constructor: 'web' })).toBe(false);
      expect(exemptions.instance('i-0fffffffffffffff0', { constructor: 'legacy' })).toBe(true);
    });
  });
});
