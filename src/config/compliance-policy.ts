import { parseYaml } from '../util/lazy-yaml';
import { z } from 'zod';

/**
 * The compliance policy: what the organisation allows. By default nobody may use SSH or port
 * forwarding over Session Manager, because those sessions are unaudited.
 *
 * The same schema serves the CLI's `--policy FILE` (JSON or YAML), the Config rule's
 * `ruleParameters` and the Lambdas' environment.
 */
export const DEFAULT_MINIMUM_AGENT_VERSION = '3.0.0.0';

const agentVersion = z.string().regex(/^\d+(\.\d+){0,3}$/, 'must be a version such as "3.3.1142.0"');

export const compliancePolicySchema = z.strictObject({
  /** Principals allowed to use SSH over Session Manager (break-glass roles), as ARN globs with `*` and `?`. */
  exemptPrincipals: z.array(z.string().min(1)).default([]),
  /** Instances that may be reached: by instance id, or by any of these tag key/value pairs (value `*`: any value). */
  exemptInstances: z
    .strictObject({
      ids: z
        .array(z.string().regex(/^(i|mi)-[0-9a-f]+$/, 'must be an instance id such as i-0123456789abcdef0'))
        .default([]),
      tags: z.record(z.string().min(1), z.string()).default({}),
    })
    .default({ ids: [], tags: {} }),
  /** Whether access that exists only under some conditions counts as a violation. */
  conditionalIsViolation: z.boolean().default(true),
  /** Agents older than this are flagged as outdated. */
  minimumAgentVersion: agentVersion.default(DEFAULT_MINIMUM_AGENT_VERSION),
});

export type CompliancePolicy = z.output<typeof compliancePolicySchema>;

export const DEFAULT_COMPLIANCE_POLICY: CompliancePolicy = compliancePolicySchema.parse({});

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
    // JSON is YAML too, but JSON.parse is cheaper and needs no extra module.
    value = text.trimStart().startsWith('{') ? JSON.parse(text) : parseYaml(text);
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
    instance: (instanceId, tags) =>
      ids.has(instanceId) ||
      (tags !== undefined &&
        tagPairs.some(([key, value]) => key in tags && (value === '*' || tags[key] === value))),
  };
}
