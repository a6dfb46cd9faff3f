/**
 * The bench's baseline: the Akamai rate budget as it was before issue 45 (main at d535f8c),
 * kept unchanged but for its imports (the header parsing is the product's) and the send time
 * its permits now carry, so that `npm run bench` measures today's pacing against it in the
 * same run. Not used by the product.
 */
import type * as http from 'node:http';
import { reserveOf } from '../../src/akamai/clients';
import type { Permit } from '../../src/akamai/rateBudget';
import { type Deadline, sleepWithin } from '../../src/shared/deadline';
import { DeadlineExceededError } from '../../src/shared/errors';
import { integerHeader, nextAllowedAt } from '../../src/akamai/rateHeaders';

/**
 * One API client's Akamai rate budget, as the client sees it from the answers' headers.
 *
 * Akamai keeps the budget on its side, per API client, and spends it for every caller of that
 * client: other schedules, an overlapping invocation, a person with the Akamai CLI. Every
 * answer says what is left (`X-RateLimit-Limit`, `X-RateLimit-Remaining`, which recovers
 * gradually, at `limit` per window, and `X-RateLimit-Next` once it is spent). So pacing needs
 * no state of ours: each run asks Akamai.
 *
 * - The first request of a run goes alone and learns the budget.
 * - Then requests go out as fast as the budget allows: several at once while the estimated
 *   Remaining (the last answer's, recovered since, less what this run sent after it) is above
 *   the reserve kept for other users, and one per recovered request once it is not.
 * - At most a third of the headroom an answer showed (of this run's share, when Remaining falls
 *   faster than its own requests explain) goes out before a later answer: schedules that start
 *   at the same moment see each other's spending in Remaining before they have spent the
 *   budget between them. A 429 halves the requests in flight; answers double them again.
 * - An answer without the headers (an older gateway, a proxy) falls back to fixed spacing.
 */
interface RateBudgetSettings {
  /** Share of the client's limit kept for other users of the client (0 to 0.9). */
  reserveShare: number;
  /** Spacing between request starts while Akamai's answers carry no rate-limit headers. */
  fallbackIntervalMs: number;
  /** The window X-RateLimit-Limit counts over: a minute for Akamai's tiers. */
  windowMs: number;
  /** At most this many requests of one client in flight. */
  maxInFlight: number;
}

interface PacingClock {
  now(): number;
  sleep(ms: number, deadline: Deadline, what: string): Promise<void>;
}

const REAL_CLOCK: PacingClock = { now: () => Date.now(), sleep: sleepWithin };

/** What one run saw of a client's budget: its self-metrics. */
interface BudgetReport {
  /** X-RateLimit-Limit of the last answer that carried it. */
  limit: number | undefined;
  /** The lowest X-RateLimit-Remaining this run saw. */
  lowestRemaining: number | undefined;
  /** Time spent waiting for the budget, summed over this run's requests. */
  waitedSeconds: number;
  requests: number;
  /** Answers that were 429. */
  throttled: number;
  /** Whether any answer lacked the headers (fixed spacing was used). */
  fallback: boolean;
}

interface Observation {
  limit: number;
  remaining: number;
  /** When it was answered (clock time), and the sequence of the request it answered. */
  at: number;
  sequence: number;
  /** X-RateLimit-Next or Retry-After, as clock time, when the budget was spent. */
  nextAt: number | undefined;
  /** The answer was a 429. */
  throttled: boolean;
}

/** How requests are paced: the budget's settings other than each client's reserve. */

/**
 * Of the headroom an answer showed (this run's share of it), at most 1/SPEND_DIVISOR goes out
 * before a later answer shows more: schedules that start together each see the others'
 * spending one answer later. 3 keeps three such schedules to a 429 or two (estatsScale.test.ts);
 * 2 let nine through.
 */
const SPEND_DIVISOR = 3;

type Decision = { go: true } | { go: false; sleepMs: number } | { go: false; untilSettled: true };

export class RateBudgetBefore {
  private observation: Observation | undefined;
  private headerless = false;
  private sequence = 0;
  private inFlight = 0;
  /** Requests in flight at most now: one until the budget is learned, halved by a 429. */
  private inFlightCap = 1;
  private lastStart = Number.NEGATIVE_INFINITY;
  private settled: Array<() => void> = [];
  private spentByMe = 0;
  private spentByOthers = 0;
  private readonly report: BudgetReport = {
    limit: undefined,
    lowestRemaining: undefined,
    waitedSeconds: 0,
    requests: 0,
    throttled: 0,
    fallback: false,
  };

  constructor(
    private readonly settings: RateBudgetSettings,
    private readonly clock: PacingClock = REAL_CLOCK,
  ) {}

  /**
   * Wait until one more request fits the budget, then count it as sent. Throws a
   * DeadlineExceededError when the wait, and an attempt of `minAttemptMs` after it, would pass
   * the deadline.
   */
  async acquire(deadline: Deadline, what: string, minAttemptMs = 0): Promise<Permit> {
    const began = this.clock.now();
    for (;;) {
      const decision = this.decide(this.clock.now());
      if (decision.go) break;
      if ('untilSettled' in decision) {
        await this.untilSettled(deadline, what);
        continue;
      }
      if (decision.sleepMs + minAttemptMs > deadline.remainingMs()) {
        throw new DeadlineExceededError(
          `not enough time left to wait ${Math.ceil(decision.sleepMs)} ms for the Akamai rate budget before ${what} (${Math.floor(deadline.remainingMs())} ms left)`,
          {
            hint: 'the API client is spent: spread the targets over another API client, or give the schedule a longer interval or timeout (README, "eStats targets")',
          },
        );
      }
      await this.clock.sleep(decision.sleepMs, deadline, `the Akamai rate budget before ${what}`);
    }
    this.report.waitedSeconds += (this.clock.now() - began) / 1000;
    this.report.requests++;
    this.inFlight++;
    this.lastStart = this.clock.now();
    return { sequence: ++this.sequence, sentAt: this.lastStart };
  }

  /** The answer to a permitted request: its status and headers, or none (no answer came). */
  settle(permit: Permit, answer?: { status: number; headers: http.IncomingHttpHeaders }): void {
    this.inFlight--;
    if (answer) this.learn(permit, answer);
    // Woken on the next turn of the event loop: the settled request's own failure handling
    // (credentials refused: stop requesting) runs first.
    const waiting = this.settled;
    this.settled = [];
    if (waiting.length > 0) setImmediate(() => waiting.forEach((wake) => wake()));
  }

  /** What this run saw of the budget. */
  seen(): BudgetReport {
    return { ...this.report };
  }

  private decide(now: number): Decision {
    // Waiting for an answer needs one in flight: otherwise nothing would ever wake the wait.
    const waitForAnswer: Decision =
      this.inFlight > 0 ? { go: false, untilSettled: true } : { go: true };
    if (this.inFlight >= this.inFlightCap) return waitForAnswer;
    const observation = this.observation;
    if (observation === undefined) {
      if (this.headerless) {
        const sleepMs = this.lastStart + this.settings.fallbackIntervalMs - now;
        return sleepMs > 0 ? { go: false, sleepMs } : { go: true };
      }
      // Nothing known yet: the first request learns the budget, the others wait for it.
      return waitForAnswer;
    }
    // Akamai said when the next request is allowed: that, not our estimate.
    if (observation.throttled && observation.nextAt !== undefined && observation.nextAt > now)
      return { go: false, sleepMs: observation.nextAt - now };
    const perMs = observation.limit / this.settings.windowMs;
    const recovered = Math.min(
      observation.limit,
      observation.remaining + Math.max(0, now - observation.at) * perMs,
    );
    const sentSince = this.sequence - observation.sequence;
    const seenHeadroom = recovered - this.reserve(observation);
    const headroom = seenHeadroom - sentSince;
    // Spend at most 1/SPEND_DIVISOR of what the last answer showed before a later one shows
    // more: other callers of the client may be spending the same headroom at the same moment.
    const share = this.share();
    if (headroom >= 1 && sentSince < Math.max(1, (seenHeadroom * share) / SPEND_DIVISOR))
      return { go: true };
    if (headroom >= 1) return waitForAnswer;
    // Out of headroom: wait for it to recover, at this run's share of the recovery.
    let sleepMs = Math.ceil((1 - headroom) / (perMs * share));
    if (observation.nextAt !== undefined && observation.remaining === 0)
      sleepMs = Math.max(sleepMs, observation.nextAt - now);
    return { go: false, sleepMs: Math.max(1, sleepMs) };
  }

  /** Requests left for other users of the client: at least one when a share is kept. */
  private reserve(observation: Observation): number {
    return reserveOf(observation.limit, this.settings.reserveShare);
  }

  private learn(permit: Permit, answer: { status: number; headers: http.IncomingHttpHeaders }) {
    const limit = integerHeader(answer.headers, 'x-ratelimit-limit');
    const remaining = integerHeader(answer.headers, 'x-ratelimit-remaining');
    const throttled = answer.status === 429;
    if (throttled) {
      this.report.throttled++;
      this.inFlightCap = Math.max(1, Math.floor(this.inFlightCap / 2));
    } else {
      // Learned: as many as the budget allows; after a 429, back up by doubling.
      this.inFlightCap =
        this.observation === undefined
          ? this.settings.maxInFlight
          : Math.min(this.settings.maxInFlight, this.inFlightCap * 2);
    }
    if (limit === undefined || remaining === undefined || limit <= 0) {
      // No headers: fixed spacing, one at a time, until an answer carries them again.
      if (this.observation === undefined) {
        this.headerless = true;
        this.report.fallback = true;
        this.inFlightCap = 1;
      }
      return;
    }
    this.headerless = false;
    this.report.limit = limit;
    this.report.lowestRemaining = Math.min(this.report.lowestRemaining ?? remaining, remaining);
    // Answers overtake each other: the latest-sent request's answer is the freshest view.
    if (this.observation && this.observation.sequence > permit.sequence) return;
    const now = this.clock.now();
    // A refusal says nothing of who spent the budget; an answer does.
    if (!throttled) this.countOthers(permit, limit, remaining, now);
    this.observation = {
      limit,
      remaining,
      throttled,
      at: now,
      sequence: permit.sequence,
      nextAt: throttled || remaining === 0 ? nextAllowedAt(answer.headers, now) : undefined,
    };
  }

  /**
   * What other callers spent between two answers: Remaining fell by more than this run's own
   * requests (and the recovery) explain. Kept as decaying sums, so the share follows them.
   */
  private countOthers(permit: Permit, limit: number, remaining: number, now: number): void {
    const previous = this.observation;
    const perMs = limit / this.settings.windowMs;
    // Before the first answer, the bucket is assumed full: a drained one means others.
    const mine = previous ? permit.sequence - previous.sequence : 1;
    const expected = previous
      ? Math.min(limit, previous.remaining + (now - previous.at) * perMs) - mine
      : limit - mine;
    const others = Math.max(0, expected - remaining);
    this.spentByMe = this.spentByMe / 2 + mine;
    this.spentByOthers = this.spentByOthers / 2 + others;
  }

  /** This run's share of the client's recent spending: 1 while nobody else is seen. */
  private share(): number {
    const total = this.spentByMe + this.spentByOthers;
    return total > 0 ? Math.max(0.05, this.spentByMe / total) : 1;
  }

  private untilSettled(deadline: Deadline, what: string): Promise<void> {
    if (deadline.remainingMs() <= 0)
      throw new DeadlineExceededError(`no time left for ${what}`, {
        hint: 'raise the function timeout or configure fewer targets per schedule',
      });
    return new Promise((resolve) => this.settled.push(resolve));
  }
}
