import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The 1,523 real AWS managed policies, read in place from ../shared (never copied into the project). */
export const CORPUS_PATH = resolve(
  __dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'aws-managed-policies.json.gz',
);
export const CORPUS_SIZE = 1523;

export interface CorpusPolicy {
  readonly PolicyName: string;
  readonly PolicyId: string | null;
  readonly Arn: string;
  readonly Path: string;
  readonly DefaultVersionId: string;
  readonly PolicyVersionList: { Document: unknown; VersionId: string; IsDefaultVersion: boolean }[];
}

export class CorpusMissingError extends Error {
  override readonly name = 'CorpusMissingError';
}

/**
 * Loads the corpus, or throws. The corpus tests must fail loudly when the file is absent: a corpus
 * suite that passes without its corpus proves nothing.
 */
export function loadCorpus(): CorpusPolicy[] {
  if (!existsSync(CORPUS_PATH)) {
    throw new CorpusMissingError(
      `CORPUS MISSING: ${CORPUS_PATH} does not exist. The corpus tests need ../shared beside the project.`,
    );
  }
  const parsed = JSON.parse(gunzipSync(readFileSync(CORPUS_PATH)).toString('utf8')) as {
    Policies: CorpusPolicy[];
  };
  return parsed.Policies;
}
