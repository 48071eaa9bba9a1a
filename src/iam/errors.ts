/**
 * A policy document that cannot be decoded, parsed or understood. It is returned as a value, never
 * thrown out of the evaluator, so that one corrupt policy makes its principals "unknown" instead of
 * stopping the audit.
 */
export class PolicyDocumentError extends Error {
  override readonly name = 'PolicyDocumentError';
  constructor(
    readonly policyName: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`policy "${policyName}": ${message}`, options);
  }
}
