import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as schemas from '../../src/snapshot/schemas';
import * as generated from '../../src/snapshot/validators.generated';

type SchemaName = keyof typeof schemas & keyof typeof generated;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { validatorSource, OUTPUT } = require('../../scripts/generate-validators') as {
  validatorSource: (s: typeof schemas) => string;
  OUTPUT: string;
};

/**
 * The snapshot files are checked by validators generated from the zod schemas (fast, in place), and
 * zod words the message only for a rejected file. That is sound only while the two agree exactly: a
 * file the generated code accepts must be one zod accepts, and the other way round.
 */
const EXAMPLE = join(__dirname, '..', '..', 'examples', 'account');
const FILES: Record<string, SchemaName> = {
  'iam.json': 'iamFile',
  'instances.json': 'instancesFile',
  'account.json': 'accountFile',
  'activation-tier.json': 'activationTierFile',
  'session-preferences.json': 'sessionPreferencesFile',
  'session-documents.json': 'sessionDocumentsFile',
  'tags.json': 'tagsFile',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value, the root included. */
function paths(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...at, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...at, k]));
  return out;
}

/** A copy of `value` with the value at `path` replaced, or removed when `replacement` is undefined. */
function mutate(value: Json, path: readonly (string | number)[], replacement: Json | undefined): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let parent = copy;
  for (const step of path.slice(0, -1)) parent = parent[step] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  if (replacement !== undefined) parent[last] = replacement;
  else if (Array.isArray(parent)) parent.splice(last as number, 1);
  else delete parent[last];
  return copy;
}

const zodAccepts = (name: SchemaName, value: unknown): boolean => schemas[name].safeParse(value).success;
const generatedAccepts = (name: SchemaName, value: unknown): boolean =>
  (generated[name] as (v: unknown) => boolean)(value);

describe('the generated snapshot validators', () => {
  it('are up to date with src/snapshot/schemas.ts (else run npm run generate:validators)', () => {
    expect(readFileSync(OUTPUT, 'utf8')).toBe(validatorSource(schemas));
  });

  it.each(Object.entries(FILES))('accept the example account file %s, as zod does', (file, name) => {
    const value = JSON.parse(readFileSync(join(EXAMPLE, file), 'utf8')) as unknown;
    expect(generatedAccepts(name, value)).toBe(true);
    expect(zodAccepts(name, value)).toBe(true);
  });

  it('give the same verdict as zod on 3,000 mutations of the example files', () => {
    const files = Object.entries(FILES).map(([file, name]) => {
      const value = JSON.parse(readFileSync(join(EXAMPLE, file), 'utf8')) as Json;
      return { name, value, paths: paths(value) };
    });
    const replacement = fc.oneof(
      fc.constant(undefined),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      fc.constantFrom<Json>('', '123456789012', 'us-east-1', 'advanced', 'weird', true, 0, [], {}),
    );
    const mutation = fc
      .constantFrom(...files)
      .chain((f) => fc.tuple(fc.constant(f), fc.integer({ min: 0, max: f.paths.length - 1 }), replacement));
    let rejected = 0;
    fc.assert(
      fc.property(mutation, ([f, index, r]) => {
        const value = mutate(f.value, f.paths[index] as (string | number)[], r);
        const verdict = zodAccepts(f.name, value);
        if (!verdict) rejected++;
        expect(generatedAccepts(f.name, value)).toBe(verdict);
      }),
      { numRuns: 3000, seed: 61 },
    );
    // The mutations must exercise both answers, or the comparison proves little.
    expect(rejected).toBeGreaterThan(300);
    expect(rejected).toBeLessThan(2700);
  });

  it.each([
    ['accountFile', { Account: '123456789012', Region: 'us-east-1' }, true],
    ['accountFile', { Account: '12345678901', Region: 'us-east-1' }, false],
    ['accountFile', { Account: '123456789012', Region: 'US-EAST-1' }, false],
    ['errorRecord', { Error: { Code: 'AccessDenied' } }, true],
    ['errorRecord', { Error: { Message: 'no code' } }, false],
    ['iamFile', { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] }, true],
    ['iamFile', { UserDetailList: [], GroupDetailList: [], RoleDetailList: {}, Policies: [] }, false],
    ['instancesFile', { InstanceInformationList: [{ InstanceId: 'i-0' }], NextToken: 7 }, false],
  ] as const)('say of %s %j: %p, as zod does', (name, value, verdict) => {
    expect(generatedAccepts(name, value)).toBe(verdict);
    expect(zodAccepts(name, value)).toBe(verdict);
  });
});
