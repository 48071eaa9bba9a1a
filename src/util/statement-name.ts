/**
 * How the reports name a statement of a policy: by its Sid, `statement "DenySSH"`, or, without one, by
 * its place in the policy, `statement #2`.
 */
export function statementName(sid: string | undefined, index: number | undefined): string {
  return sid !== undefined ? `statement "${sid}"` : `statement #${index ?? '?'}`;
}
