import type * as http from 'node:http';
import { type PacingClock, REAL_CLOCK } from '../akamai/answerWaits';
import { integerHeader } from '../akamai/rateHeaders';
import type { Deadline } from '../shared/deadline';
import { headerValue } from '../shared/http';

/**
 * One run's share of an account's Reporting API budget.
 *
 * Akamai counts the traffic report's requests per account and per endpoint, for every API
 * client of the account at once (techdocs "Rate limiting"), unlike Edge Diagnostics' budget
 * per client: two schedules on two clients of one account spend one budget. Packaging gives
 * each traffic schedule of an account its share of the account's limit (deploy: the traffic
 * budget), so sharers that start together cannot overspend it. A run keeps to its share as a
 * token bucket of its own that starts with one request: no burst at the start, since the
 * account's budget may be spent already (another schedule, a person with the Akamai CLI), and
 * then its share per window, evenly spaced.
 *
 * Akamai's word wins: after a 429, or an answer whose `akamai-sync-ratelimit-remaining` is 0,
 * nothing goes before `akamai-sync-ratelimit-next` (else `Retry-After`).
 */
export class AccountPacer {
  private tokens: number;
  private refilledAt: number;
  private blockedUntil = 0;
  private readonly seen = {
    requests: 0,
    throttled: 0,
    waitedMs: 0,
    limit: undefined as number | undefined,
    lowestRemaining: undefined as number | undefined,
  };

  constructor(
    /** This run's share: requests a window. */
    private readonly share: number,
    private readonly clock: PacingClock = REAL_CLOCK,
    private readonly windowMs = 60_000,
  ) {
    this.tokens = 1;
    this.refilledAt = clock.now();
  }

  /** Wait until this run may send one more request, and count it. */
  async acquire(deadline: Deadline, what: string): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      const perMs = this.share / this.windowMs;
      this.tokens = Math.min(this.share, this.tokens + (now - this.refilledAt) * perMs);
      this.refilledAt = now;
      const waitMs = Math.max(
        this.blockedUntil - now,
        this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / perMs),
      );
      if (waitMs <= 0) {
        this.tokens -= 1;
        this.seen.requests += 1;
        return;
      }
      this.seen.waitedMs += waitMs;
      await this.clock.sleep(waitMs, deadline, what);
    }
  }

  /** An answer's status and headers: what the account's budget says now. */
  settle(status: number, headers: http.IncomingHttpHeaders): void {
    const limit = integerHeader(headers, 'akamai-sync-ratelimit-limit');
    const remaining = integerHeader(headers, 'akamai-sync-ratelimit-remaining');
    if (limit !== undefined) this.seen.limit = limit;
    if (remaining !== undefined)
      this.seen.lowestRemaining = Math.min(this.seen.lowestRemaining ?? remaining, remaining);
    if (status === 429) this.seen.throttled += 1;
    if (status !== 429 && remaining !== 0) return;
    const now = this.clock.now();
    const next = Date.parse(headerValue(headers, 'akamai-sync-ratelimit-next') ?? '');
    const retryAfter = integerHeader(headers, 'retry-after');
    const until = !Number.isNaN(next)
      ? next
      : retryAfter !== undefined
        ? now + retryAfter * 1000
        : now + this.windowMs / Math.max(1, limit ?? this.share);
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /** What this run saw of the account's budget: its self-metrics and log line. */
  report(): {
    requests: number;
    throttled: number;
    waitedSeconds: number;
    limit: number | undefined;
    lowestRemaining: number | undefined;
  } {
    const { waitedMs, ...rest } = this.seen;
    return { ...rest, waitedSeconds: Math.round(waitedMs) / 1000 };
  }
}
