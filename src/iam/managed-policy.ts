import { PolicyDocumentError } from './errors';

/** One entry of `PolicyVersionList`, as the IAM API or the AWS CLI returns it. */
export interface PolicyVersionLike {
  readonly Document?: unknown;
  readonly VersionId?: string;
  readonly IsDefaultVersion?: boolean;
}

/**
 * Picks the document that IAM enforces for a managed policy: the default version, and no other.
 * Older versions stay in the account but grant nothing. The policy's `DefaultVersionId`, when given,
 * must name the version that `IsDefaultVersion` marks: if they disagree, nothing says which document
 * IAM enforces.
 */
export function defaultVersionDocument(
  versions: readonly PolicyVersionLike[] | undefined,
  policyName: string,
  defaultVersionId?: string,
):
  { ok: true; document: unknown; versionId: string | undefined } | { ok: false; error: PolicyDocumentError } {
  const defaults = (versions ?? []).filter((v) => v.IsDefaultVersion === true);
  if (defaults.length !== 1) {
    const what = defaults.length === 0 ? 'no default version' : `${defaults.length} default versions`;
    return { ok: false, error: new PolicyDocumentError(policyName, `PolicyVersionList has ${what}`) };
  }
  const chosen = defaults[0] as PolicyVersionLike;
  if (defaultVersionId !== undefined && chosen.VersionId !== defaultVersionId) {
    return {
      ok: false,
      error: new PolicyDocumentError(
        policyName,
        `DefaultVersionId is ${defaultVersionId}, but PolicyVersionList marks ${chosen.VersionId ?? 'a version without a VersionId'} as the default version`,
      ),
    };
  }
  if (chosen.Document === undefined || chosen.Document === null) {
    return { ok: false, error: new PolicyDocumentError(policyName, 'the default version has no Document') };
  }
  return { ok: true, document: chosen.Document, versionId: chosen.VersionId };
}
