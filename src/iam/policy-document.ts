import { compileCondition, type CompiledCondition } from './conditions';
import { PolicyDocumentError } from './errors';
import { compilePattern, type CompiledPattern } from './pattern';

/**
 * Policy documents: decoding (object or URL-encoded JSON string), validation and compilation.
 *
 * Compilation happens once per distinct document; every pattern is turned into a regular expression
 * here so that evaluating a request never builds one.
 */

export type Effect = 'Allow' | 'Deny';

/**
 * The Action or NotAction list of a statement. Actions have no policy variables and match without
 * regard to case, so literal actions go in a set and the wildcard ones share one regular expression.
 */
export class ActionList {
  /** Lower case. An array: statements list a handful of actions, and a Set costs more to build. */
  private readonly literals: string[] = [];
  private readonly wildcards: string[] = [];
  /** Each wildcard's text before its first `*` or `?`, in lower case: most rule an action out. */
  private readonly wildcardPrefixes: string[] = [];
  private regex: RegExp | undefined;
  private readonly matchesEverything: boolean;

  constructor(
    readonly negated: boolean,
    readonly patterns: readonly string[],
  ) {
    for (const pattern of patterns) {
      const wildcard = pattern.search(/[*?]/);
      if (wildcard >= 0) {
        this.wildcards.push(pattern);
        this.wildcardPrefixes.push(pattern.slice(0, wildcard).toLowerCase());
      } else this.literals.push(pattern.toLowerCase());
    }
    this.matchesEverything = this.wildcards.includes('*');
  }

  /** Whether the statement covers the action (`action` in lower case), NotAction included. */
  covers(action: string): boolean {
    return this.matches(action) !== this.negated;
  }

  private matches(action: string): boolean {
    if (this.matchesEverything || this.literals.includes(action)) return true;
    if (this.wildcards.length === 0) return false;
    // Building the regular expression costs more than the question, and `s3:*` or `ec2:Describe*`
    // cannot cover `ssm:startsession`: most statements are answered by their prefixes alone.
    if (!this.wildcardPrefixes.some((prefix) => action.startsWith(prefix))) return false;
    this.regex ??= new RegExp(
      `^(?:${this.wildcards.map((w) => compilePattern(w, { flavour: 'glob', variables: false }).regexBody()).join('|')})$`,
      'is',
    );
    return this.regex.test(action);
  }
}

export interface PatternList {
  /** True for NotAction / NotResource. */
  readonly negated: boolean;
  readonly patterns: readonly CompiledPattern[];
}

/**
 * A statement's Resource or NotResource list, compiled when first asked for: a large account has tens
 * of thousands of statements, and an audit asks about the resources of the few that cover its action.
 * (Patterns cannot fail to compile, so waiting loses no error.)
 */
class ResourcePatterns implements PatternList {
  private compiled: readonly CompiledPattern[] | undefined;

  constructor(
    readonly negated: boolean,
    private readonly sources: readonly string[],
    private readonly variables: boolean,
  ) {}

  get patterns(): readonly CompiledPattern[] {
    this.compiled ??= this.sources.map((r) =>
      compilePattern(r, { flavour: 'arn', variables: this.variables }),
    );
    return this.compiled;
  }
}

export interface CompiledStatement {
  /** Position in the Statement array, from 0. */
  readonly index: number;
  readonly sid: string | undefined;
  readonly effect: Effect;
  readonly actions: ActionList;
  readonly resources: PatternList;
  readonly conditions: readonly CompiledCondition[];
  /** The Condition block as written, for explanations. */
  readonly conditionBlock: Readonly<Record<string, unknown>> | undefined;
}

export interface CompiledPolicy {
  readonly version: string | undefined;
  readonly statements: readonly CompiledStatement[];
  /**
   * The statements whose Action/NotAction covers an action. An audit asks about very few actions,
   * so the answer is kept per action.
   */
  statementsFor(action: string): readonly CompiledStatement[];
}

function compiledPolicy(
  version: string | undefined,
  statements: readonly CompiledStatement[],
): CompiledPolicy {
  const byAction = new Map<string, readonly CompiledStatement[]>();
  return {
    version,
    statements,
    statementsFor(action: string) {
      // Keyed by the action as asked: callers ask about the same few strings millions of times, and
      // lower-casing each one first would cost more than the lookup.
      let found = byAction.get(action);
      if (!found) {
        const lower = action.toLowerCase();
        found = byAction.get(lower) ?? statements.filter((s) => s.actions.covers(lower));
        byAction.set(action, found);
        byAction.set(lower, found);
      }
      return found;
    },
  };
}

export type PolicyParseResult =
  | { readonly ok: true; readonly policy: CompiledPolicy }
  | { readonly ok: false; readonly error: PolicyDocumentError };

/**
 * Turns what the AWS APIs return into a plain object. The IAM API (and the JavaScript SDK, and AWS
 * Config items) give URL-encoded JSON strings; the AWS CLI gives decoded objects.
 */
export function decodePolicyDocument(document: unknown, policyName: string): Record<string, unknown> {
  let value = document;
  if (typeof value === 'string') {
    const text = value.trim();
    let json = text;
    if (!text.startsWith('{')) {
      try {
        json = decodeURIComponent(text.replace(/\+/g, '%20'));
      } catch (cause) {
        throw new PolicyDocumentError(policyName, 'the document is not valid URL-encoded text', { cause });
      }
    }
    try {
      value = JSON.parse(json);
    } catch (cause) {
      throw new PolicyDocumentError(
        policyName,
        `the document is not valid JSON (${(cause as Error).message})`,
        {
          cause,
        },
      );
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PolicyDocumentError(policyName, 'the document is not a JSON object');
  }
  return value as Record<string, unknown>;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function stringList(value: unknown, field: string, where: string, policyName: string): string[] {
  const items = asArray(value);
  if (items.length === 0 || !items.every((item) => typeof item === 'string')) {
    throw new PolicyDocumentError(
      policyName,
      `${where}: ${field} must be a string or a non-empty array of strings`,
    );
  }
  return items as string[];
}

function conditionValues(value: unknown, where: string, policyName: string): string[] {
  const items = asArray(value);
  const ok = items.every((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean');
  if (!ok)
    throw new PolicyDocumentError(
      policyName,
      `${where}: condition values must be strings, numbers or booleans`,
    );
  return items.map((v) => String(v));
}

/**
 * The elements a statement of an identity policy may have (IAM User Guide, "Grammar of the IAM JSON
 * policy language"). Principal and NotPrincipal belong to resource-based policies only.
 */
const STATEMENT_ELEMENTS: ReadonlySet<string> = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);

function compileStatement(
  raw: unknown,
  index: number,
  policyName: string,
  variables: boolean,
): CompiledStatement {
  const where = `Statement[${index}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new PolicyDocumentError(policyName, `${where} is not an object`);
  }
  const s = raw as Record<string, unknown>;
  for (const element of Object.keys(s)) {
    if (STATEMENT_ELEMENTS.has(element)) continue;
    // IAM refuses the document ("Has prohibited field Principal", "Syntax errors in policy"), so no
    // policy of the account reads this way: ignoring the element would guess at the one that does.
    throw new PolicyDocumentError(
      policyName,
      element === 'Principal' || element === 'NotPrincipal'
        ? `${where}: ${element} is not allowed in an identity policy or permissions boundary`
        : `${where}: ${JSON.stringify(element)} is not an element of a policy statement`,
    );
  }
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') {
    throw new PolicyDocumentError(policyName, `${where}: Effect must be "Allow" or "Deny"`);
  }
  if (s.Sid !== undefined && typeof s.Sid !== 'string') {
    throw new PolicyDocumentError(policyName, `${where}: Sid must be a string`);
  }
  const hasAction = s.Action !== undefined;
  const hasNotAction = s.NotAction !== undefined;
  if (hasAction === hasNotAction) {
    throw new PolicyDocumentError(policyName, `${where}: exactly one of Action or NotAction is required`);
  }
  const hasResource = s.Resource !== undefined;
  const hasNotResource = s.NotResource !== undefined;
  if (hasResource === hasNotResource) {
    throw new PolicyDocumentError(policyName, `${where}: exactly one of Resource or NotResource is required`);
  }
  const actionField = hasAction ? 'Action' : 'NotAction';
  const resourceField = hasResource ? 'Resource' : 'NotResource';
  const actions = new ActionList(!hasAction, stringList(s[actionField], actionField, where, policyName));
  const resources = new ResourcePatterns(
    !hasResource,
    stringList(s[resourceField], resourceField, where, policyName),
    variables,
  );

  const conditions: CompiledCondition[] = [];
  let conditionBlock: Record<string, unknown> | undefined;
  if (s.Condition !== undefined) {
    if (typeof s.Condition !== 'object' || s.Condition === null || Array.isArray(s.Condition)) {
      throw new PolicyDocumentError(policyName, `${where}: Condition must be an object`);
    }
    conditionBlock = s.Condition as Record<string, unknown>;
    for (const [operatorText, keys] of Object.entries(conditionBlock)) {
      if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
        throw new PolicyDocumentError(
          policyName,
          `${where}: Condition.${operatorText} must be an object of keys`,
        );
      }
      for (const [key, values] of Object.entries(keys as Record<string, unknown>)) {
        const list = conditionValues(values, `${where}.Condition.${operatorText}.${key}`, policyName);
        try {
          conditions.push(compileCondition(operatorText, key, list, { variables }));
        } catch (cause) {
          throw new PolicyDocumentError(policyName, `${where}: ${(cause as Error).message}`, { cause });
        }
      }
    }
  }
  return {
    index,
    sid: s.Sid as string | undefined,
    effect: s.Effect,
    actions,
    resources,
    conditions,
    conditionBlock,
  };
}

/**
 * Decodes, validates and compiles a policy document. Never throws: a document that cannot be used is
 * returned as an error value naming the policy.
 *
 * @example
 * const result = compilePolicyDocument('%7B%22Version%22...', 'AdministratorAccess');
 * if (!result.ok) console.error(result.error.message);
 */
export function compilePolicyDocument(document: unknown, policyName: string): PolicyParseResult {
  try {
    const doc = decodePolicyDocument(document, policyName);
    for (const element of Object.keys(doc)) {
      if (element !== 'Version' && element !== 'Id' && element !== 'Statement')
        throw new PolicyDocumentError(policyName, `${JSON.stringify(element)} is not an element of a policy`);
    }
    const version = doc.Version;
    // IAM accepts these two and refuses any other; which rules a third would follow is a guess.
    if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') {
      throw new PolicyDocumentError(
        policyName,
        `Version must be "2012-10-17" or "2008-10-17", not ${JSON.stringify(version)}`,
      );
    }
    if (doc.Statement === undefined)
      throw new PolicyDocumentError(policyName, 'the document has no Statement');
    // Policy variables exist only in Version 2012-10-17; older documents treat `${...}` literally.
    const variables = version === '2012-10-17';
    const statements = asArray(doc.Statement).map((raw, index) =>
      compileStatement(raw, index, policyName, variables),
    );
    return { ok: true, policy: compiledPolicy(version, statements) };
  } catch (error) {
    if (error instanceof PolicyDocumentError) return { ok: false, error };
    return { ok: false, error: new PolicyDocumentError(policyName, String(error), { cause: error }) };
  }
}
