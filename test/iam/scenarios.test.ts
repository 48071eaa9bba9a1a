import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate, evaluateVerdict } from '../../src/iam';
import {
  normalizeExpectation,
  scenarioPolicySet,
  scenarioRequest,
  summarize,
  type Scenario,
} from './scenario';

const DIR = join(__dirname, '..', 'fixtures', 'iam', 'scenarios');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('IAM evaluator scenarios (test/fixtures/iam/scenarios)', () => {
  it('finds scenario files to run', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  describe.each(files)('%s', (file) => {
    const { scenarios } = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { scenarios: Scenario[] };

    it.each(scenarios.map((s) => [s.it, s] as const))('%s', (_name, scenario) => {
      // Given the scenario's policies and request
      const policies = scenarioPolicySet(scenario);
      const request = scenarioRequest(scenario);
      // When the evaluator decides
      const decision = evaluate(policies, request);
      // Then the decision and its explanation are the expected ones
      expect(summarize(decision, scenario.expect)).toEqual(normalizeExpectation(scenario.expect));
    });
  });
});

describe('evaluateVerdict (the audit fast path)', () => {
  const all = files.flatMap(
    (file) => (JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { scenarios: Scenario[] }).scenarios,
  );

  it.each(all.map((s) => [s.it, s] as const))('agrees with evaluate: %s', (_name, scenario) => {
    const policies = scenarioPolicySet(scenario);
    const request = scenarioRequest(scenario);
    expect(evaluateVerdict(policies, request)).toBe(evaluate(policies, request).decision);
  });
});
