import { requestContext, type CompiledCondition, type CompiledPattern } from '../iam';

/**
 * What the instance classification and the per-class verdicts both need to know about the parts of a
 * statement, defined once so that the two always tell instances apart the same way.
 */

/** The prefixes, in lower case, of condition keys on a resource's tags. */
export const TAG_PREFIXES = ['ssm:resourcetag/', 'aws:resourcetag/'] as const;

/** Condition keys on an instance's tags, the only request keys that differ between instances. */
export const TAG_KEY = new RegExp(`^(${TAG_PREFIXES.join('|')})`, 'i');

/** A context that knows no key: for matching patterns that have no policy variables. */
export const NOTHING_KNOWN = requestContext();

/**
 * A key under which patterns that match alike are cached. The text is enough, except when it holds
 * `${`: then it reads differently with and without policy variables (Version 2008-10-17 takes `${...}`
 * literally), and only the pattern itself will do.
 */
export function patternKey(pattern: CompiledPattern): CompiledPattern | string {
  return pattern.source.includes('${') ? pattern : pattern.source;
}

/** A key under which conditions with the same operator, key (without case) and values are cached. */
export function conditionKey(condition: CompiledCondition): string {
  return JSON.stringify([condition.operatorText, condition.key.toLowerCase(), condition.values]);
}
