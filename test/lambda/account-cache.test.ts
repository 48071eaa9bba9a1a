import { AccountCache } from '../../src/lambda/account-cache';
import type { AccountSnapshot } from '../../src/snapshot/types';

/**
 * The account cache on its own, with a clock the test moves and a read that takes time, as the live
 * collector does in a large account (tens of seconds): what it keeps after each change notification.
 */
const READ_STARTS = Date.parse('2026-03-17T11:00:00Z');
const READ_TAKES = 40_000;

/** A stand-in for an account: the cache only keeps it and hands it back. */
const account = (name: string) => ({ name }) as unknown as AccountSnapshot;

function setUp() {
  let now = READ_STARTS;
  let reads = 0;
  const cache = new AccountCache(() => now);
  const read = async (): Promise<AccountSnapshot> => {
    reads++;
    now += READ_TAKES;
    return account(`read ${reads}`);
  };
  /** One change notification of role `id`, captured at `capturedAt` (ms). */
  const change = async (id: string, capturedAt: number) => {
    const run = cache.forInvocation(300, read);
    const before = await run.accountForChange();
    run.audited({
      trigger: 'change',
      before,
      snapshot: account(`${id} folded`),
      complete: true,
      resourceType: 'AWS::IAM::Role',
      resourceId: id,
      capturedAt: new Date(capturedAt),
    });
    now += 1_000;
    return run.report();
  };
  return { change, reads: () => reads };
}

describe('the account cache, for an item of a change notification', () => {
  it.each([
    ['captured before the read began', 'stored without this item', READ_STARTS - 60_000, 1],
    ['captured while the account was being read', 'dropped', READ_STARTS + 20_000, 2],
    ['captured after the read', 'stored', READ_STARTS + READ_TAKES + 500, 1],
  ])(
    'keeps what fits the account it read: an item %s leaves it %s',
    async (_when, outcome, capturedAt, readsAfter) => {
      // Given a container that read the account for a first notification (11:00:00 to 11:00:40)
      const { change, reads } = setUp();
      await change('First', READ_STARTS - 120_000);
      // When a late notification's item comes, captured at that time
      const report = await change('Late', capturedAt);
      // Then the cache keeps the account without it, drops it, or folds it in
      expect(report).toMatchObject({ account: 'cached', cache: outcome });
      // And the next notification reads the account again only where it was dropped
      await change('Next', READ_STARTS + 600_000);
      expect(reads()).toBe(readsAfter);
    },
  );
});
