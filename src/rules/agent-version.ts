/**
 * SSM Agent versions. They are compared numerically, part by part: 2.3.1000.0 > 2.3.672.0 > 2.3.99.0,
 * although a string comparison says otherwise.
 */

/** SSH and port forwarding through Session Manager need this agent or later. */
export const MINIMUM_SSH_AGENT_VERSION = '2.3.672.0';

/** The numeric parts of a version, or undefined when it is not a dotted number. */
export function parseAgentVersion(version: string | undefined): number[] | undefined {
  if (version === undefined || !/^\d+(\.\d+)*$/.test(version.trim())) return undefined;
  return version.trim().split('.').map(Number);
}

/** Negative, zero or positive as `a` is older than, equal to or newer than `b`. Missing parts count as 0. */
export function compareAgentVersions(a: readonly number[], b: readonly number[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** True, false, or undefined when the version cannot be read. */
export function isAtLeast(version: string | undefined, minimum: string): boolean | undefined {
  const parsed = parseAgentVersion(version);
  const min = parseAgentVersion(minimum);
  if (!parsed || !min) return undefined;
  return compareAgentVersions(parsed, min) >= 0;
}
