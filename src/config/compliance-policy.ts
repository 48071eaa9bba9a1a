import { parseJsonUniqueKeys } from '../util/json-unique-keys';
import { parseYaml } from '../util/lazy-yaml';
import type { z } from 'zod';
import type * as Schema from './compliance-policy-schema';
import type { CompliancePolicy } from './compliance-policy-schema';
import { DEFAULT_MINIMUM_AGENT_VERSION } from './defaults';

export type { CompliancePolicy } from './compliance-policy-schema';
export { DEFAULT_MINIMUM_AGENT_VERSION } from './defaults';

/**
 * The compliance policy: what the organisation allows. By default nobody may use SSH or port
 * forwarding over Session Manager, because those sessions are unaudited.
 *
 * The same schema (compliance-policy-schema.ts) serves the CLI's `--policy FILE` (JSON or YAML), the
 * Config rule's `ruleParameters` and the Lambdas' environment.
 */

/** What the schema makes of an empty policy (a test holds the two equal). */
export const DEFAULT_COMPLIANCE_POLICY: CompliancePolicy = {
  exemptPrincipals: [],
  exemptInstances: { ids: [], tags: {} },
  conditionalIsViolation: true,
  minimumAgentVersion: DEFAULT_MINIMUM_AGENT_VERSION,
};

export class CompliancePolicyError extends Error {
  override readonly name = 'CompliancePolicyError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length
    ? issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.')
    : '(top level)';
  return `${path.replace(/\.\[/g, '[')}: ${issue.message}`;
}

/** Validates an already-parsed value. Absent or empty means the default policy. */
export function validateCompliancePolicy(value: unknown, source: string): CompliancePolicy {
  if (value === undefined || value === null || value === '') return DEFAULT_COMPLIANCE_POLICY;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { compliancePolicySchema } = require('./compliance-policy-schema') as typeof Schema;
  const result = compliancePolicySchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0] as z.core.$ZodIssue;
    const more = result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more)` : '';
    throw new CompliancePolicyError(`${source}: ${describeIssue(first)}${more}`, { cause: result.error });
  }
  return result.data;
}

/** Parses policy text, JSON or YAML (JSON is YAML too). */
export function parseCompliancePolicy(raw: string, source: string): CompliancePolicy {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw; // a byte-order mark from a Windows editor
  if (text.trim() === '') return DEFAULT_COMPLIANCE_POLICY;
  let value: unknown;
  try {
    // JSON is YAML too, but JSON.parse is cheaper and needs no extra module. Like YAML, a key given
    // twice in one object is refused: JSON.parse would keep the last one silently.
    value = text.trimStart().startsWith('{') ? parseJsonUniqueKeys(text) : parseYaml(text);
  } catch (cause) {
    const reason = (cause as Error).message.split('\n')[0];
    throw new CompliancePolicyError(`${source}: not valid JSON or YAML (${reason})`, { cause });
  }
  return validateCompliancePolicy(value, source);
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** Compiled once per audit: whether a principal or an instance is exempt. */
export interface Exemptions {
  principal(arn: string): boolean;
  /** `tags` undefined means the instance's tags are unknown: a tag exemption cannot apply (fail closed). */
  instance(instanceId: string, tags: Readonly<Record<string, string>> | undefined): boolean;
}

export function compileExemptions(policy: CompliancePolicy): Exemptions {
  const principalPatterns = policy.exemptPrincipals.map(globToRegExp);
  const ids = new Set(policy.exemptInstances.ids);
  const tagPairs = Object.entries(policy.exemptInstances.tags);
  return {
    principal: (arn) => principalPatterns.some((p) => p.test(arn)),
    // Object.hasOwn, not `key in tags`: `in` also finds inherited members, so a policy tag key such as
    // `toString` or `constructor` would exempt every instance of a plain-object tag set (fail open).
    // hasOwn answers the same for plain and null-prototype tag sets.
    instance: (instanceId, tags) =>
      ids.has(instanceId) ||
      (tags !== undefined &&
        tagPairs.some(([key, value]) => Object.hasOwn(tags, key) && (value === '*' || tags[key] === value))),
  };
}
