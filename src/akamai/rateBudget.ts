import type * as http from 'node:http';
import type { Deadline } from '../shared/deadline';
import { DeadlineExceededError } from '../shared/errors';
import { reserveOf } from './clients';
import { AnswerWaits, type PacingClock, REAL_CLOCK } from './answerWaits';
import { integerHeader, nextAllowedAt } from './rateHeaders';
import { Sharers } from './sharers';

/**
 * One API client's Akamai rate budget, as the client sees it from the answers' headers.
 *
 * Akamai keeps the budget on its side, per API client, and spends it for every caller of that
 * client: other schedules, an overlapping invocation, a person with the Akamai CLI. Every
 * answer says what is left (`X-RateLimit-Limit`, `X-RateLimit-Remaining`, which recovers
 * gradually, at `limit` per window, and `X-RateLimit-Next` once it is spent). So pacing needs
 * no state of ours: each run asks Akamai.
 *
 * - **The first wave** (`firstWave`, from packaging: this schedule's share of the limit less
 *   the reserve) goes out before any answer; sharers that start at once cannot overspend.
 *   Nothing more goes until it is all answered. Without one (a hand-made event) the first
 *   request goes alone and learns the budget.
 * - **Then this run's part of the headroom:** the last answer's Remaining above the reserve,
 *   recovered since that request went out, times this run's share (akamai/sharers.ts), less
 *   what it sent since. A request goes while the part holds one; otherwise the run sleeps
 *   until it should, and every answer wakes it to look again. A deficit is repaid in shares.
 * - **Giving up** a target only when even the whole recovery, as if nobody else spent the
 *   budget, could not let its request go before the deadline.
 * - **Akamai's word wins:** after a 429, or an answer with Remaining 0, the run waits at least
 *   until `X-RateLimit-Next` (else `Retry-After`). A 429 halves the requests in flight.
 * - An answer without the headers (an older gateway, a proxy) falls back to fixed spacing.
 */
export interface RateBudgetSettings {
  /** Share of the client's limit kept for other users of the client (0 to 0.9). */
  reserveShare: number;
  /** Spacing between request starts while Akamai's answers carry no rate-limit headers. */
  fallbackIntervalMs: number;
  /** The window X-RateLimit-Limit counts over: a minute for Akamai's tiers. */
  windowMs: number;
  /** At most this many requests of one client in flight. */
  maxInFlight: number;
  /**
   * Requests this run may send before the first answer: its share of the client's limit less
   * the reserve, set when packaging (deploy/estatsBudget.ts, firstWaves). Without it, one.
   */
  firstWave?: number;
}

/** A request allowed to go out; settle it with its answer's headers (or none). */
export interface Permit {
  readonly sequence: number;
  /** When it went out (clock time): Akamai counts it, and reads Remaining, on arrival. */
  readonly sentAt: number;
}

/** What one run saw of a client's budget: its self-metrics. */
export interface BudgetReport {
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
  /** When the answered request went out, and when its answer came (clock time). */
  at: number;
  answeredAt: number;
  sequence: number;
  /** X-RateLimit-Next or Retry-After, as clock time, when the budget was spent. */
  nextAt: number | undefined;
  /** The answer was a 429. */
  throttled: boolean;
}

/** How requests are paced: the budget's settings other than each client's reserve and wave. */
export type PacingSettings = Omit<RateBudgetSettings, 'reserveShare' | 'firstWave'>;

/**
 * Of this run's part of the headroom, at most 1/STALE_VIEW_DIVISOR goes out before a later
 * answer: the view is an answer old, and a sharer whose requests reached Akamai after this
 * run's (a later start, a slower cold start) shows only in a later answer. Without it, a run
 * that found its sharers' waves not yet arrived spent them (a few 429s in every such tick);
 * the cost is two more answers for a run alone to take a large headroom.
 */
const STALE_VIEW_DIVISOR = 3;

/** What a run asks of its client's budget (the bench swaps in the pacing it replaced). */
export type ClientRateBudget = Pick<RateBudget, 'acquire' | 'settle' | 'seen'>;

type Decision =
  | { go: true }
  | { go: false; untilSettled: true }
  | {
      go: false;
      /** The wait at this run's share of the recovery. */
      sleepMs: number;
      /** The wait had nobody else spent the budget: past the deadline, the target is given up. */
      soonestMs: number;
    };

export class RateBudget {
  private observation: Observation | undefined;
  private headerless = false;
  private sequence = 0;
  private inFlight = 0;
  /** Requests in flight at most now: the first wave until an answer, halved by a 429. */
  private inFlightCap: number;
  private readonly firstWave: number;
  private lastStart = Number.NEGATIVE_INFINITY;
  private firstSentAt = 0;
  private readonly waits = new AnswerWaits();
  /**
   * First-wave requests not yet answered: until they all are, nothing more goes. The sharers'
   * waves reach Akamai in an unknown order, and an early answer shows headroom that a later
   * arrival has already spent. (A run with fewer targets than its wave never gets past it.)
   */
  private waveOut: number;
  /** What this run knows of the other callers of the client. */
  private readonly sharers: Sharers;
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
  ) {
    this.firstWave = Math.max(1, Math.floor(settings.firstWave ?? 1));
    this.inFlightCap = Math.min(settings.maxInFlight, this.firstWave);
    this.waveOut = settings.firstWave === undefined ? 0 : this.firstWave;
    this.sharers = new Sharers(settings);
  }

  /**
   * Wait until one more request fits the budget, then count it as sent. Throws a
   * DeadlineExceededError when even the soonest the budget could allow it, and an attempt of
   * `minAttemptMs` after that, would pass the deadline.
   */
  async acquire(deadline: Deadline, what: string, minAttemptMs = 0): Promise<Permit> {
    const began = this.clock.now();
    for (;;) {
      const decision = this.decide(this.clock.now());
      if (decision.go) break;
      if ('untilSettled' in decision) {
        await this.waits.answer(deadline, what);
        continue;
      }
      const room = deadline.remainingMs() - minAttemptMs;
      if (decision.soonestMs > room) {
        throw new DeadlineExceededError(
          `not enough time left to wait ${Math.ceil(decision.soonestMs)} ms for the Akamai rate budget before ${what} (${Math.floor(deadline.remainingMs())} ms left; that is the soonest, had nobody else spent the client's budget)`,
          {
            hint: 'the API client is spent: spread the targets over another API client, or give the schedule a longer interval or timeout (docs/guides/estats.md)',
          },
        );
      }
      // Look again by the last moment the request could still go (others may finish sooner),
      // or as soon as an answer shows more.
      await this.waits.sleep(
        this.clock,
        Math.max(1, Math.min(decision.sleepMs, room)),
        deadline,
        `the Akamai rate budget before ${what}`,
      );
    }
    // Counted in the turn of the decision: the request deciding next sees this one.
    this.report.waitedSeconds += (this.clock.now() - began) / 1000;
    this.report.requests++;
    this.inFlight++;
    this.lastStart = this.clock.now();
    if (this.sequence === 0) this.firstSentAt = this.lastStart;
    return { sequence: ++this.sequence, sentAt: this.lastStart };
  }

  /** The answer to a permitted request: its status and headers, or none (no answer came). */
  settle(permit: Permit, answer?: { status: number; headers: http.IncomingHttpHeaders }): void {
    this.inFlight--;
    if (answer) this.learn(permit, answer);
    if (
      permit.sequence <= this.firstWave &&
      this.waveOut > 0 &&
      --this.waveOut === 0 &&
      this.observation
    )
      this.sharers.waveAnswered(this.observation, this.firstSentAt, this.clock.now());
    this.waits.answered();
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
    if (this.waveOut > 0 && this.sequence >= this.firstWave) return waitForAnswer;
    const observation = this.observation;
    if (observation === undefined) {
      if (this.headerless) {
        const sleepMs = this.lastStart + this.settings.fallbackIntervalMs - now;
        return sleepMs > 0 ? { go: false, sleepMs, soonestMs: sleepMs } : { go: true };
      }
      // Nothing known yet: the first wave goes, the rest waits for its first answer.
      return this.sequence < this.firstWave ? { go: true } : waitForAnswer;
    }
    // Akamai said when the next request is allowed: that, not our estimate.
    if (observation.throttled && observation.nextAt !== undefined && observation.nextAt > now) {
      const untilNext = observation.nextAt - now;
      return { go: false, sleepMs: untilNext, soonestMs: untilNext };
    }
    const perMs = observation.limit / this.settings.windowMs;
    // What every caller of the client has above the reserve now, had nobody spent since the
    // answered request went out; then this run's part of it, less what this run sent since.
    const headroom =
      Math.min(
        observation.limit,
        observation.remaining + Math.max(0, now - observation.at) * perMs,
      ) - this.reserve(observation);
    const sentSince = this.sequence - observation.sequence;
    const share = this.sharers.share(perMs);
    const part = share * (headroom - this.sharers.pendingWaves(now)) - sentSince;
    if (part >= 1) {
      if (sentSince < Math.max(1, (share * headroom) / STALE_VIEW_DIVISOR)) return { go: true };
      return waitForAnswer;
    }
    // Out of this run's part: it recovers at this run's share of the rate; the whole rate had
    // nobody else spent it.
    let sleepMs = (1 - part) / (perMs * share);
    let soonestMs = Math.max(0, (1 - (headroom - sentSince)) / perMs);
    if (observation.nextAt !== undefined && observation.remaining === 0) {
      sleepMs = Math.max(sleepMs, observation.nextAt - now);
      soonestMs = Math.max(soonestMs, observation.nextAt - now);
    }
    return { go: false, sleepMs: Math.ceil(sleepMs), soonestMs };
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
    const now = this.clock.now();
    const previous = this.observation;
    if (previous === undefined) this.sharers.start(limit, remaining, permit.sequence);
    // Answers overtake each other: an earlier-sent request answered later may still have
    // reached Akamai later; its lower Remaining is kept, the later-sent request's view else.
    if (previous && previous.sequence > permit.sequence) {
      previous.remaining = Math.min(previous.remaining, remaining);
      return;
    }
    const expected = previous ? this.expectedRemaining(previous, permit, limit) : limit;
    // Requests that were in flight together reached Akamai in an unknown order: only a
    // request sent after the previous answer came tells what was spent in between. A refusal
    // says nothing of who spent the budget.
    const ordered = previous === undefined || permit.sentAt >= previous.answeredAt;
    if (previous && ordered && !throttled)
      this.sharers.spent(expected - remaining, permit.sentAt - previous.at, limit);
    this.observation = {
      limit,
      remaining: ordered ? remaining : Math.min(remaining, Math.floor(expected)),
      throttled,
      at: permit.sentAt,
      answeredAt: now,
      sequence: permit.sequence,
      nextAt: throttled || remaining === 0 ? nextAllowedAt(answer.headers, now) : undefined,
    };
  }

  /**
   * Remaining when `permit` reached Akamai, had only this run spent since `previous`: the
   * recovery since, less this run's requests in between. Before any answer, a full bucket.
   */
  private expectedRemaining(previous: Observation, permit: Permit, limit: number): number {
    const perMs = limit / this.settings.windowMs;
    const recovered = previous.remaining + Math.max(0, permit.sentAt - previous.at) * perMs;
    return Math.min(limit, recovered) - (permit.sequence - previous.sequence);
  }
}
