import { z } from 'zod';
import { assertUniqueKeys, parseJsonUniqueKeys } from '../util/json-unique-keys';

/**
 * A time stamp in the event, as AWS Config writes them: ISO-8601 with seconds, usually milliseconds and
 * "Z" (`2016-02-17T01:36:34.043Z`); a numeric offset (`+00:00`) and any fraction are accepted too, as
 * ISO-8601 allows, but not a date alone nor a date-time without a zone. Anything else would become an
 * Invalid Date, which the SDK sends as `NaN` in OrderingTimestamp or laterTime instead of failing here
 * with the field's name.
 */
const timestamp = z.iso.datetime({
  offset: true,
  error: (issue) =>
    `expected an ISO-8601 date-time such as 2016-02-17T01:36:34.043Z (got ${shown(issue.input)})`,
});

/** A value as a short quotation for a one-line message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * The event AWS Config sends a custom Lambda rule, and its JSON-string fields, validated. A malformed
 * event fails the invocation with a message naming the field, and nothing is posted.
 */
const configurationItem = z.looseObject({
  configurationItemStatus: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.string().nullish(),
  configurationItemCaptureTime: timestamp,
  awsAccountId: z.string().optional(),
  configuration: z.unknown().optional(),
});

const configurationItemSummary = z.looseObject({
  configurationItemStatus: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.string().nullish(),
  configurationItemCaptureTime: timestamp,
});

export const invokingEventSchema = z.discriminatedUnion('messageType', [
  z.looseObject({
    messageType: z.literal('ConfigurationItemChangeNotification'),
    configurationItem,
    notificationCreationTime: timestamp.optional(),
  }),
  z.looseObject({
    messageType: z.literal('OversizedConfigurationItemChangeNotification'),
    configurationItemSummary,
    notificationCreationTime: timestamp.optional(),
  }),
  z.looseObject({
    messageType: z.literal('ScheduledNotification'),
    notificationCreationTime: timestamp,
    awsAccountId: z.string().optional(),
  }),
]);

export const configRuleEventSchema = z.looseObject({
  version: z.string().optional(),
  invokingEvent: z.string().min(1),
  ruleParameters: z.string().optional(),
  resultToken: z.string().min(1),
  eventLeftScope: z.boolean().optional(),
  executionRoleArn: z.string().optional(),
  configRuleArn: z.string().optional(),
  configRuleName: z.string().min(1),
  configRuleId: z.string().optional(),
  accountId: z.string().optional(),
});

export type ConfigRuleEvent = z.output<typeof configRuleEventSchema>;
export type InvokingEvent = z.output<typeof invokingEventSchema>;
export type ConfigurationItem = z.output<typeof configurationItem>;

export class InvalidEventError extends Error {
  override readonly name = 'InvalidEventError';
}

/** The first problem zod found, as one line: `where.path: message`. */
export function firstIssue(error: z.ZodError, where: string): string {
  const issue = error.issues[0] as z.core.$ZodIssue;
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${where}${path}: ${issue.message}`;
}

export function parseConfigRuleEvent(event: unknown): {
  event: ConfigRuleEvent;
  invoking: InvokingEvent;
  ruleParameters: unknown;
} {
  const parsed = configRuleEventSchema.safeParse(event);
  if (!parsed.success)
    throw new InvalidEventError(firstIssue(parsed.error, 'event'), { cause: parsed.error });
  let invokingValue: unknown;
  try {
    invokingValue = JSON.parse(parsed.data.invokingEvent);
  } catch (cause) {
    throw new InvalidEventError(`event.invokingEvent: not valid JSON (${(cause as Error).message})`, {
      cause,
    });
  }
  const invoking = invokingEventSchema.safeParse(invokingValue);
  if (!invoking.success)
    throw new InvalidEventError(firstIssue(invoking.error, 'event.invokingEvent'), { cause: invoking.error });
  let ruleParameters: unknown;
  const text = parsed.data.ruleParameters?.trim();
  if (text) {
    try {
      ruleParameters = parseJsonUniqueKeys(text);
    } catch (cause) {
      throw new InvalidEventError(`event.ruleParameters: not valid JSON (${(cause as Error).message})`, {
        cause,
      });
    }
  }
  return { event: parsed.data, invoking: invoking.data, ruleParameters };
}

/**
 * Config rule parameters are a map of strings (the console edits them as key/value text). Each value
 * may be the policy value itself, JSON text of it, or for lists a comma-separated string.
 */
export function normalizeRuleParameters(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  // The whole policy as JSON text under one key, as a console user may enter it.
  const whole = (value as Record<string, unknown>).compliancePolicy;
  if (Object.keys(value).length === 1 && typeof whole === 'string') {
    try {
      return whole.trim() === '' ? undefined : parseJsonUniqueKeys(whole);
    } catch (cause) {
      throw new InvalidEventError(
        `event.ruleParameters.compliancePolicy: not valid JSON (${(cause as Error).message})`,
        { cause },
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'string') {
      out[key] = raw;
      continue;
    }
    const text = raw.trim();
    if (text === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      out[key] =
        key === 'exemptPrincipals'
          ? text
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : text;
      continue;
    }
    // A key given twice in one object is refused here too, as in the whole policy: JSON.parse keeps the
    // last one silently.
    try {
      assertUniqueKeys(text);
    } catch (cause) {
      throw new InvalidEventError(
        `event.ruleParameters.${key}: not valid JSON (${(cause as Error).message})`,
        { cause },
      );
    }
    out[key] = typeof parsed === 'number' ? text : parsed; // "3.0" stays a version string
  }
  return out;
}
