import { z } from 'zod';
import { DEFAULT_MINIMUM_AGENT_VERSION } from './defaults';

/**
 * The schema of the compliance policy. It lives apart from compliance-policy.ts so that an audit with
 * the default policy never loads zod: compliance-policy.ts requires this module only to read a file.
 */
const agentVersion = z.string().regex(/^\d+(\.\d+){0,3}$/, 'must be a version such as "3.3.1142.0"');

/** An EC2 instance or hybrid managed node id, as the policy and the on-demand event name them. */
export const instanceIdSchema = z
  .string()
  .regex(/^(i|mi)-[0-9a-f]+$/, 'must be an instance id such as i-0123456789abcdef0');

export const compliancePolicySchema = z.strictObject({
  /** Principals allowed to use SSH over Session Manager (break-glass roles), as ARN globs with `*` and `?`. */
  exemptPrincipals: z.array(z.string().min(1)).default([]),
  /** Instances that may be reached: by instance id, or by any of these tag key/value pairs (value `*`: any value). */
  exemptInstances: z
    .strictObject({
      ids: z.array(instanceIdSchema).default([]),
      tags: z.record(z.string().min(1), z.string()).default({}),
    })
    .default({ ids: [], tags: {} }),
  /** Whether access that exists only under some conditions counts as a violation. */
  conditionalIsViolation: z.boolean().default(true),
  /** Agents older than this are flagged as outdated. */
  minimumAgentVersion: agentVersion.default(DEFAULT_MINIMUM_AGENT_VERSION),
});

export type CompliancePolicy = z.output<typeof compliancePolicySchema>;
