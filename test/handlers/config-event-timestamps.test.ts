import { readdirSync } from 'node:fs';
import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createConfigRuleHandler } from '../../src/handlers/config-rule';
import { parseConfigRuleEvent } from '../../src/lambda/config-event';
import { putEvaluations } from '../../src/sinks/config-evaluations';
import { configEvent, EVENTS, EXAMPLE_ACCOUNT, lambdaContext, silentLogger, type Json } from './support';

/**
 * The time stamps of an AWS Config event (notificationCreationTime, configurationItemCaptureTime)
 * become the OrderingTimestamp of every evaluation, and the laterTime of GetResourceConfigHistory. They
 * must be ISO-8601 date-times, as Config writes them ("2016-02-17T01:36:34.043Z"): anything else is a
 * malformed event, refused with the field's path before any call to Config, never an Invalid Date that
 * the SDK would send as NaN.
 */

const config = mockClient(ConfigServiceClient);
beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

function configRule() {
  const handler = createConfigRuleHandler({
    env: { AUDIT_SNAPSHOT_DIR: EXAMPLE_ACCOUNT },
    configClient: () => new ConfigServiceClient({ region: 'us-east-1' }),
    logger: silentLogger(),
  });
  return (event: Json) => handler(event as never, lambdaContext('ssm-ssh-audit-prod-configRule'));
}

/** A fixture event with fields of its invokingEvent changed; `under` names a nested object to change. */
function withInvoking(fixture: string, changes: Json, under?: string): Json {
  const event = configEvent(fixture);
  const invoking = JSON.parse(event.invokingEvent as string) as Json;
  const target = under ? (invoking[under] as Json) : invoking;
  Object.assign(target, changes);
  return { ...event, invokingEvent: JSON.stringify(invoking) };
}

const SCHEDULED = 'scheduled-notification';
const CHANGE = 'role-change-opsadmin-admin-removed';
const OVERSIZED = 'oversized-role-change-opsadmin';

describe('a Config event whose time stamp is not an ISO-8601 date-time', () => {
  const cases: [string, Json, string, string][] = [
    [
      'a ScheduledNotification created "yesterday"',
      withInvoking(SCHEDULED, { notificationCreationTime: 'yesterday' }),
      'event.invokingEvent.notificationCreationTime',
      '"yesterday"',
    ],
    [
      'a configuration item captured at "not a date"',
      withInvoking(CHANGE, { configurationItemCaptureTime: 'not a date' }, 'configurationItem'),
      'event.invokingEvent.configurationItem.configurationItemCaptureTime',
      '"not a date"',
    ],
    [
      'an oversized item whose summary was captured at a time with no zone',
      withInvoking(
        OVERSIZED,
        { configurationItemCaptureTime: '2026-03-17 16:45:16' },
        'configurationItemSummary',
      ),
      'event.invokingEvent.configurationItemSummary.configurationItemCaptureTime',
      '"2026-03-17 16:45:16"',
    ],
    [
      'a change notification created on a date with no time',
      withInvoking(CHANGE, { notificationCreationTime: '2026-03-17' }),
      'event.invokingEvent.notificationCreationTime',
      '"2026-03-17"',
    ],
    [
      'a ScheduledNotification created at a time in milliseconds since 1970',
      withInvoking(SCHEDULED, { notificationCreationTime: 1773723612837 }),
      'event.invokingEvent.notificationCreationTime',
      '1773723612837',
    ],
    [
      'a ScheduledNotification created on 30 February',
      withInvoking(SCHEDULED, { notificationCreationTime: '2026-02-30T05:00:12.837Z' }),
      'event.invokingEvent.notificationCreationTime',
      '"2026-02-30T05:00:12.837Z"',
    ],
    [
      'a ScheduledNotification with no notificationCreationTime',
      withInvoking(SCHEDULED, { notificationCreationTime: undefined }),
      'event.invokingEvent.notificationCreationTime',
      'undefined',
    ],
  ];

  it.each(cases)(
    'rejects %s with a one-line InvalidEventError naming the field, and calls Config not at all',
    async (_case, event, path, got) => {
      // When Config invokes the rule with that event
      const failure = await configRule()(event).then(
        () => undefined,
        (error: unknown) => error as Error,
      );

      // Then the invocation fails with the field's path, what it held and what it should hold
      expect(failure).toMatchObject({ name: 'InvalidEventError' });
      expect(failure?.message).toBe(
        `${path}: expected an ISO-8601 date-time such as 2016-02-17T01:36:34.043Z (got ${got})`,
      );
      expect(failure?.cause).toMatchObject({ name: 'ZodError' });
      // And nothing was asked of or posted to Config: no PutEvaluations, no GetResourceConfigHistory
      expect(config.calls()).toHaveLength(0);
    },
  );
});

describe('a Config event whose time stamps are ISO-8601 date-times', () => {
  const fixtures = readdirSync(EVENTS)
    .filter((f) => f.endsWith('.json') && f !== 'oversized-role-history-item.json')
    .map((f) => f.replace(/\.json$/, ''));

  it.each(fixtures)('accepts the real event shape in %s.json', (fixture) => {
    expect(() => parseConfigRuleEvent(configEvent(fixture))).not.toThrow();
  });

  const stamps: [string, string, string][] = [
    ['milliseconds and "Z", as Config writes them', '2026-03-17T05:00:12.837Z', '2026-03-17T05:00:12.837Z'],
    ['whole seconds and "Z"', '2026-03-17T05:00:12Z', '2026-03-17T05:00:12.000Z'],
    ['a numeric offset instead of "Z"', '2026-03-17T06:00:12.837+01:00', '2026-03-17T05:00:12.837Z'],
    ['microseconds', '2026-03-17T05:00:12.837123Z', '2026-03-17T05:00:12.837Z'],
  ];

  it.each(stamps)(
    'stamps every evaluation of a periodic run with a notificationCreationTime in %s',
    async (_case, notificationCreationTime, ordering) => {
      // When
      await configRule()(withInvoking(SCHEDULED, { notificationCreationTime }));

      // Then
      const evaluations = config
        .commandCalls(PutEvaluationsCommand)
        .flatMap((c) => c.args[0].input.Evaluations ?? []);
      expect(evaluations.length).toBeGreaterThan(0);
      expect(new Set(evaluations.map((e) => e.OrderingTimestamp?.toISOString()))).toEqual(
        new Set([ordering]),
      );
    },
  );
});

describe('putEvaluations', () => {
  it('refuses evaluations whose OrderingTimestamp is an Invalid Date, naming them, and posts none', async () => {
    // Given one good evaluation and one stamped with an Invalid Date
    const evaluation = (id: string, at: Date): Evaluation => ({
      ComplianceResourceType: 'AWS::IAM::Role',
      ComplianceResourceId: id,
      ComplianceType: 'COMPLIANT',
      Annotation: 'test',
      OrderingTimestamp: at,
    });
    const evaluations = [
      evaluation('AROAGOOD', new Date('2026-03-17T05:00:12.837Z')),
      evaluation('AROABAD', new Date('yesterday')),
    ];

    // When / Then
    await expect(
      putEvaluations(new ConfigServiceClient({ region: 'us-east-1' }), evaluations, 'TESTMODE'),
    ).rejects.toMatchObject({
      name: 'PutEvaluationsError',
      message: 'OrderingTimestamp is not a valid date for 1 evaluation(s): AWS::IAM::Role/AROABAD',
    });
    expect(config.calls()).toHaveLength(0);
  });
});
