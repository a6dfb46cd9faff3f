import { reserveOf } from './clients';

/**
 * What one eStats run knows of the other callers of its API client (akamai/rateBudget.ts):
 * how fast they spend the budget, the share of its recovery that leaves this run, and what of
 * their first waves has not reached Akamai yet. All of it is read from Remaining: no caller
 * tells another anything.
 */

/**
 * How long the others' spending rate remembers, as a share of the window: the time constant
 * of its decaying average. Remaining is a whole number, so one answer's count of the others
 * is off by up to one; a quarter of the window (15 s of Akamai's minute) evens that out, and
 * a caller that stopped has faded within it.
 */
const OTHERS_MEMORY_OF_WINDOW = 0.25;

/** The least share a run keeps of the recovery, whatever it saw the others spend. */
const MIN_SHARE = 0.05;

export class Sharers {
  /** The others' recent spending, requests per ms, as a decaying average. */
  private othersPerMs = 0;
  /** The share packaging gave this run (its wave of the usable limit): it keeps at least that. */
  private fairShare = MIN_SHARE;
  /**
   * The sharers' first waves this run did not see reach Akamai when its own was answered,
   * kept out of the headroom it takes (they may come a cold start later), fading over the
   * others' memory from `pendingSince`, and shrinking as their spending shows.
   */
  private pending = 0;
  private pendingSince = 0;

  constructor(
    private readonly settings: { windowMs: number; reserveShare: number; firstWave?: number },
  ) {}

  /**
   * The first answer: what this run assumes of the others until it sees them spend, the share
   * packaging gave it. Without one, the answer tells: a bucket that was full before this run's
   * first `mine` requests and holds less than they explain was spent by others starting too.
   */
  start(limit: number, remaining: number, mine: number): void {
    const perMs = limit / this.settings.windowMs;
    const { firstWave } = this.settings;
    if (firstWave === undefined) {
      const others = Math.max(0, limit - mine - remaining);
      this.othersPerMs = (others / (mine + others)) * perMs;
      return;
    }
    this.fairShare = Math.min(1, firstWave / this.usable(limit));
    this.othersPerMs = (1 - this.fairShare) * perMs;
  }

  /**
   * What the others spent between two of this run's requests `elapsedMs` apart (Remaining fell
   * by more than this run's requests and the recovery explain), into their decaying rate. A
   * burst counts as at most the recovery over the interval, and a count below zero (Remaining
   * is a whole number) as at most that much less: the rate is what goes on, not what was.
   */
  spent(others: number, elapsedMs: number, limit: number): void {
    if (elapsedMs <= 0) return;
    const recovery = (limit / this.settings.windowMs) * elapsedMs;
    const spent = Math.max(-recovery, Math.min(recovery, others));
    const kept = Math.exp(-elapsedMs / this.memoryMs());
    this.othersPerMs = this.othersPerMs * kept + (spent / elapsedMs) * (1 - kept);
    this.pending = Math.max(0, this.pending - Math.max(0, others));
  }

  /**
   * This run's first wave, sent from `firstSentAt`, is answered, the lowest Remaining it saw
   * being `seen`'s: what of the sharers' waves (the usable limit less this run's) its answers
   * have not shown spent is still to come.
   */
  waveAnswered(
    seen: { limit: number; remaining: number; at: number },
    firstSentAt: number,
    now: number,
  ): void {
    const { firstWave } = this.settings;
    if (firstWave === undefined) return;
    const recovered = (seen.limit / this.settings.windowMs) * (seen.at - firstSentAt);
    const othersSpent = seen.limit + recovered - seen.remaining - firstWave;
    const othersWaves = Math.max(0, this.usable(seen.limit) - firstWave);
    this.pending = Math.max(0, othersWaves - othersSpent);
    this.pendingSince = now;
  }

  /** The sharers' waves still set aside at `now`. */
  pendingWaves(now: number): number {
    return this.pending * Math.max(0, 1 - (now - this.pendingSince) / this.memoryMs());
  }

  /**
   * This run's share of the recovery: what the others leave of it, and at least the share
   * packaging gave it. Runs that share a client thus keep it busy together: one that finished
   * leaves its share to the others as soon as they see it stop spending.
   */
  share(perMs: number): number {
    return Math.min(1, Math.max(this.fairShare, 1 - Math.max(0, this.othersPerMs) / perMs));
  }

  private usable(limit: number): number {
    return Math.max(1, limit - reserveOf(limit, this.settings.reserveShare));
  }

  private memoryMs(): number {
    return this.settings.windowMs * OTHERS_MEMORY_OF_WINDOW;
  }
}
