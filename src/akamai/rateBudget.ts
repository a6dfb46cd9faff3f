import type * as http from 'node:http';
import { type Deadline, sleepWithin } from '../shared/deadline';
import { DeadlineExceededError } from '../shared/errors';
import { headerValue } from '../shared/http';
import { reserveOf } from './clients';

/**
 * One API client's Akamai rate budget, as the client sees it from the answers' headers.
 *
 * Akamai keeps the budget on its side, per API client, and spends it for every caller of that
 * client: other schedules, an overlapping invocation, a person with the Akamai CLI. Every
 * answer says what is left (`X-RateLimit-Limit`, `X-RateLimit-Remaining`, which recovers
 * gradually, at `limit` per window, and `X-RateLimit-Next` once it is spent). So pacing needs
 * no state of ours: each run asks Akamai.
 *
 * - **The first wave.** Packaging knows every schedule of the client, so each schedule's
 *   event carries its share of the limit less the reserve (`firstWave`): that many requests go
 *   out before any answer, and the sharers together cannot overspend when they start at once.
 *   Without it (a hand-made event) the first request goes alone and learns the budget.
 * - **Then this run's part of the headroom.** The last answer's Remaining above the reserve,
 *   recovered at `limit` per window since that request went out, is shared by every caller;
 *   this run's part of it is its share of the client's recent spending (see `share`), less
 *   what it sent since. A request goes while the part holds one; otherwise the run waits for
 *   it to recover at its share of the recovery. A deficit (callers that went at once dipped
 *   into the reserve) is repaid in the same shares, so overlapping runs together keep the
 *   budget busy instead of each waiting out the others' debt.
 * - **Giving up** a target: only when even the whole recovery, as if nobody else spent the
 *   budget, could not let its request go before the deadline. The shared estimate only
 *   decides how long to sleep; the run looks again after each sleep.
 * - **Akamai's word wins.** After a 429, or an answer with Remaining 0, the run waits at least
 *   until `X-RateLimit-Next` (else `Retry-After`), whatever the estimate says. A 429 halves
 *   the requests in flight; answers double them again.
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
   * the reserve, set when packaging (deploy/firstWave.ts). Without it, one.
   */
  firstWave?: number;
}

/** What waiting asks of time; virtual in the orchestration tests. */
export interface PacingClock {
  /** Wall-clock milliseconds (X-RateLimit-Next is a wall-clock time). */
  now(): number;
  /** Sleep `ms`, or less once `signal` aborts (an answer came: look again). */
  sleep(ms: number, deadline: Deadline, what: string, signal?: AbortSignal): Promise<void>;
}

export const REAL_CLOCK: PacingClock = { now: () => Date.now(), sleep: sleepWithin };

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
 * run's (a later start, a slower cold start) shows only in a later answer. 3 keeps three runs
 * that start together to a 429 or two; 2 let nine through.
 */
const STALE_VIEW_DIVISOR = 3;

/**
 * How long the others' spending rate remembers, as a share of the window: the time constant
 * of its decaying average. Remaining is a whole number, so one answer's count of the others
 * is off by up to one; a quarter of the window (15 s of Akamai's minute) evens that out, and
 * a caller that stopped has faded within it.
 */
const OTHERS_MEMORY_OF_WINDOW = 0.25;

/** The least share a run keeps of the recovery, whatever it saw the others spend. */
const MIN_SHARE = 0.05;

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
  private settled: Array<() => void> = [];
  /**
   * Requests asleep until the budget recovers: every answer wakes them to look again. A wait
   * decided in a deficit must not outlive an answer that shows the budget back.
   */
  private readonly sleepers = new Set<AbortController>();
  /**
   * First-wave requests not yet answered: until they all are, nothing more goes. The sharers'
   * waves reach Akamai in an unknown order, and an early answer shows headroom that a later
   * arrival has already spent.
   */
  private waveOut: number;
  /**
   * The sharers' first waves this run has not seen reach Akamai when its own was answered,
   * kept out of the headroom it takes (they may come a cold start later), fading over the
   * others' memory from `pendingSince`, and shrinking as their spending shows.
   */
  private pendingWaves = 0;
  private pendingSince = 0;
  /**
   * The other callers' recent spending, requests per ms, as a decaying average; and the
   * share packaging gave this run (its first wave's share of the usable limit), which it keeps
   * at least while others spend.
   */
  private othersPerMs = 0;
  private fairShare = MIN_SHARE;
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
        await this.untilSettled(deadline, what);
        continue;
      }
      const room = deadline.remainingMs() - minAttemptMs;
      if (decision.soonestMs > room) {
        throw new DeadlineExceededError(
          `not enough time left to wait ${Math.ceil(decision.soonestMs)} ms for the Akamai rate budget before ${what} (${Math.floor(deadline.remainingMs())} ms left; that is the soonest, had nobody else spent the client's budget)`,
          {
            hint: 'the API client is spent: spread the targets over another API client, or give the schedule a longer interval or timeout (README, "eStats targets")',
          },
        );
      }
      // Look again by the last moment the request could still go (others may finish sooner),
      // or as soon as an answer shows more.
      const wake = new AbortController();
      const woken = new Promise((resolve) => wake.signal.addEventListener('abort', resolve));
      this.sleepers.add(wake);
      try {
        await Promise.race([
          this.clock.sleep(
            Math.max(1, Math.min(decision.sleepMs, room)),
            deadline,
            `the Akamai rate budget before ${what}`,
            wake.signal,
          ),
          woken,
        ]);
      } finally {
        this.sleepers.delete(wake);
      }
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
    if (permit.sequence <= this.firstWave && this.waveOut > 0 && --this.waveOut === 0)
      this.closeWave();
    // Woken on the next turn of the event loop: the settled request's own failure handling
    // (credentials refused: stop requesting) runs first. Requests asleep look again too.
    const waiting = this.settled;
    const sleeping = [...this.sleepers];
    this.settled = [];
    setImmediate(() => {
      waiting.forEach((wake) => wake());
      sleeping.forEach((sleeper) => sleeper.abort());
    });
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
    const share = this.share(perMs);
    const pending =
      this.pendingWaves * Math.max(0, 1 - (now - this.pendingSince) / this.memoryMs());
    const part = share * (headroom - pending) - sentSince;
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
    if (previous === undefined) this.startShare(limit, remaining, permit.sequence);
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
      this.countOthers(expected - remaining, permit.sentAt - previous.at, limit);
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

  /**
   * What the other callers spent between two of this run's requests (Remaining fell by more
   * than this run's requests and the recovery explain), into their decaying spending rate. A
   * burst counts as at most the recovery over the interval, and a count below zero (Remaining
   * is a whole number) as at most that much less: the rate is what goes on, not what was.
   */
  private countOthers(others: number, elapsedMs: number, limit: number): void {
    if (elapsedMs <= 0) return;
    const recovery = (limit / this.settings.windowMs) * elapsedMs;
    const spent = Math.max(-recovery, Math.min(recovery, others));
    const kept = Math.exp(-elapsedMs / this.memoryMs());
    this.othersPerMs = this.othersPerMs * kept + (spent / elapsedMs) * (1 - kept);
    this.pendingWaves = Math.max(0, this.pendingWaves - Math.max(0, others));
  }

  private memoryMs(): number {
    return this.settings.windowMs * OTHERS_MEMORY_OF_WINDOW;
  }

  /**
   * This run's first wave is answered: what of the sharers' waves (packaging gave them the
   * usable limit less this run's wave) its answers have not shown spent is still to come.
   */
  private closeWave(): void {
    const observation = this.observation;
    if (this.settings.firstWave === undefined || observation === undefined) return;
    const { limit } = observation;
    const recovered = (limit / this.settings.windowMs) * (observation.at - this.firstSentAt);
    const othersSpent = limit + recovered - observation.remaining - this.firstWave;
    const othersWaves = Math.max(
      0,
      limit - reserveOf(limit, this.settings.reserveShare) - this.firstWave,
    );
    this.pendingWaves = Math.max(0, othersWaves - othersSpent);
    this.pendingSince = this.clock.now();
  }

  /**
   * What this run assumes of the others until it sees them spend: the share packaging gave
   * it. Without one, the first answer tells: a bucket that was full before this run's first
   * requests and holds less than they explain was spent by others starting with it.
   */
  private startShare(limit: number, remaining: number, mine: number): void {
    const perMs = limit / this.settings.windowMs;
    if (this.settings.firstWave === undefined) {
      const others = Math.max(0, limit - mine - remaining);
      this.othersPerMs = (others / (mine + others)) * perMs;
      return;
    }
    const usable = Math.max(1, limit - reserveOf(limit, this.settings.reserveShare));
    this.fairShare = Math.min(1, this.firstWave / usable);
    this.othersPerMs = (1 - this.fairShare) * perMs;
  }

  /**
   * This run's share of the recovery: what the others leave of it, and at least the share
   * packaging gave it. Runs that share a client thus keep it busy together: one that finished
   * leaves its share to the others as soon as they see it stop spending.
   */
  private share(perMs: number): number {
    return Math.min(1, Math.max(this.fairShare, 1 - Math.max(0, this.othersPerMs) / perMs));
  }

  private untilSettled(deadline: Deadline, what: string): Promise<void> {
    if (deadline.remainingMs() <= 0)
      throw new DeadlineExceededError(`no time left for ${what}`, {
        hint: 'raise the function timeout or configure fewer targets per schedule',
      });
    return new Promise((resolve) => this.settled.push(resolve));
  }
}

function integerHeader(headers: http.IncomingHttpHeaders, name: string): number | undefined {
  const value = headerValue(headers, name);
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}

/** X-RateLimit-Next (an ISO time), else Retry-After (seconds), as clock time. */
function nextAllowedAt(headers: http.IncomingHttpHeaders, now: number): number | undefined {
  const next = headerValue(headers, 'x-ratelimit-next');
  const nextMs = next === undefined ? Number.NaN : Date.parse(next);
  if (!Number.isNaN(nextMs)) return nextMs;
  const retryAfter = headerValue(headers, 'retry-after');
  if (retryAfter !== undefined && /^\d+$/.test(retryAfter.trim()))
    return now + Number(retryAfter.trim()) * 1000;
  return undefined;
}
