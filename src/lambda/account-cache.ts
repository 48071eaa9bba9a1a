import type { AccountSnapshot } from '../snapshot/types';
import type { AuditedAccount, ConfigRuleDependencies } from './config-rule';

/**
 * The account a Config rule container read last, kept between invocations so that change notifications
 * do not each read the whole account.
 *
 * Why: every change notification needs the whole account (a role's verdict depends on every instance,
 * an instance's on every principal), and reading it live costs about 2,500 IAM, SSM and EC2 calls at
 * 7,000 principals and 20,000 instances. An SSM Agent rollout sends one
 * AWS::SSM::ManagedInstanceInventory notification per instance: thousands of full reads, throttling
 * those APIs for the whole account. With the cache, a container reads the account once, applies each
 * notification's item to it, and keeps the result for the next notification, so that consecutive
 * items fold together.
 *
 * The rules it keeps:
 * - only change notifications use the cached account; a periodic run always reads the account afresh,
 *   and what it read replaces the cache;
 * - the time to live counts from when the account was read, not from the last item folded in: with
 *   one container (reserved concurrency 1) the items keep IAM and the inventory current, but instance
 *   tags, ping status, the activation tier and the session preferences and documents change without a
 *   notification, and only a new read sees them; with several containers, each sees only the items it
 *   runs, so a change another container ran is seen at the next read (README);
 * - an account whose audit was incomplete (a gap: something unread or unreadable) is never kept, and an
 *   incomplete audit of the cached account drops it: the failed invocation is retried, and the retry
 *   must read the account again rather than fail on the same data (an inventory notification audits
 *   its instance alone, so a gap of another instance's does not count there: an IAM notification's
 *   audit meets it, fails and drops the account);
 * - an item captured before the account was read, or older than one already folded in for the same
 *   resource (a retried invocation, or two notifications delivered out of order), is evaluated, but not
 *   folded: it would put back an older state; one captured while the account was being read drops it,
 *   as nothing says whether the read saw that state or a newer one;
 * - deletions are not folded: a deleted principal or instance stays in the cached account until the next
 *   read. That errs towards findings (a deleted role still reaches its instances), where removing an
 *   instance whose inventory alone was deleted could post a principal COMPLIANT.
 *
 * One container runs one invocation at a time, so the cache needs no locking. Reserved concurrency 1
 * runs one invocation at a time, but Lambda does not promise one container: one that was frozen and
 * comes back lacks what another folded meanwhile, for at most the time to live. It lives in the handler's
 * closure (createConfigRuleHandler), never at module level.
 */
export class AccountCache {
  #entry:
    { readonly snapshot: AccountSnapshot; readonly readAt: number; readonly readDoneAt: number } | undefined;
  /** Per resource (`type/id`), the capture time of the newest item folded in, in ms. */
  readonly #newestItem = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /**
   * What one invocation of runConfigRule needs: `loadAccount` (read afresh), `accountForChange` (the
   * cached account while it is younger than `ttlSeconds`, otherwise read afresh) and `audited` (keeps
   * or drops what the run audited). With `ttlSeconds` 0 nothing is kept. `report` says how the account
   * was obtained and what became of the cache, for the log.
   */
  forInvocation(
    ttlSeconds: number,
    read: () => Promise<AccountSnapshot>,
  ): Required<Pick<ConfigRuleDependencies, 'loadAccount' | 'accountForChange' | 'audited'>> & {
    readonly report: () => AccountCacheReport;
  } {
    const ttlMs = ttlSeconds * 1000;
    const report: { account: AccountCacheReport['account']; ageSeconds?: number; cache: CacheOutcome } = {
      account: 'not read',
      cache: ttlMs > 0 ? 'unchanged' : 'off',
    };
    // When the account this run uses was read: the read takes tens of seconds in a large account, and a
    // resource may have been read before or after a change captured in between.
    let readAt = 0;
    let readDoneAt = 0;

    const readAfresh = async (): Promise<AccountSnapshot> => {
      // Dropped before reading: holding the old account while the new one is read would double the peak.
      this.#entry = undefined;
      if (ttlMs > 0) report.cache = 'empty';
      readAt = this.#now();
      const snapshot = await read();
      readDoneAt = this.#now();
      report.account = 'read';
      return snapshot;
    };

    const keep = (snapshot: AccountSnapshot, outcome: CacheOutcome = 'stored') => {
      if (ttlMs <= 0) return;
      this.#entry = { snapshot, readAt, readDoneAt };
      report.cache = outcome;
    };
    const drop = () => {
      if (ttlMs <= 0) return;
      this.#entry = undefined;
      report.cache = 'dropped';
    };

    return {
      loadAccount: readAfresh,
      accountForChange: async () => {
        const entry = this.#entry;
        const age = entry ? this.#now() - entry.readAt : undefined;
        if (ttlMs > 0 && entry && age !== undefined && age < ttlMs) {
          readAt = entry.readAt;
          readDoneAt = entry.readDoneAt;
          report.account = 'cached';
          report.ageSeconds = Math.round(age / 1000);
          return entry.snapshot;
        }
        return readAfresh();
      },
      audited: (audited: AuditedAccount) => {
        if (!audited.complete) return drop();
        if (audited.trigger === 'ScheduledNotification') return keep(audited.snapshot);
        const key = `${audited.resourceType}/${audited.resourceId}`;
        const captured = audited.capturedAt.getTime();
        // An item captured before the account was read is already in it, or older than what is: a late
        // delivery (Lambda retries a throttled event for hours) would put back a state the read has
        // superseded. Nor is an item older than one already folded in for the same resource folded.
        if (captured < readAt || captured < (this.#newestItem.get(key) ?? -Infinity)) {
          return keep(audited.before, 'stored without this item');
        }
        // Captured while the account was being read: the read may hold this state or a newer one, and
        // nothing says which. Folding it could put back an older state, keeping the account without it
        // could miss it: the next run reads the account again.
        if (captured < readDoneAt) return drop();
        if (ttlMs > 0) this.#newestItem.set(key, captured);
        keep(audited.snapshot);
      },
      report: () => ({ ...report }),
    };
  }
}

type CacheOutcome = 'stored' | 'stored without this item' | 'dropped' | 'empty' | 'unchanged' | 'off';

/** How one invocation got its account, and what became of the cache, as the handler logs it. */
export interface AccountCacheReport {
  /** `cached`: a change notification used the account read earlier by this container. */
  readonly account: 'read' | 'cached' | 'not read';
  /** For a cached account, how long ago it was read. */
  readonly ageSeconds?: number;
  /**
   * What is cached after the run: `stored`, this run's account with its item folded in (`stored without
   * this item`: as read or cached, for an item captured before the read, which the account already
   * holds, or older than one folded in); `dropped`, nothing, as the audit was incomplete or the item
   * was captured while the account was being read; `empty`, nothing, as
   * the run read the account and failed before its audit; `unchanged`, what was cached before (a
   * deletion or an item out of scope); `off`, nothing, the time to live is 0.
   */
  readonly cache: CacheOutcome;
}
