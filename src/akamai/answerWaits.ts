import { type Deadline, sleepWithin } from '../shared/deadline';
import { DeadlineExceededError } from '../shared/errors';

/** What waiting asks of time; virtual in the orchestration tests. */
export interface PacingClock {
  /** Wall-clock milliseconds (X-RateLimit-Next is a wall-clock time). */
  now(): number;
  /** Sleep `ms`, or less once `signal` aborts (an answer came: look again). */
  sleep(ms: number, deadline: Deadline, what: string, signal?: AbortSignal): Promise<void>;
}

export const REAL_CLOCK: PacingClock = { now: () => Date.now(), sleep: sleepWithin };

/**
 * The requests of one rate budget that wait (akamai/rateBudget.ts): for an answer, or asleep
 * until the budget should have recovered. Every answer wakes both to look again: a wait
 * decided in a deficit must not outlive an answer that shows the budget back.
 */
export class AnswerWaits {
  private waiting: Array<() => void> = [];
  private readonly sleepers = new Set<AbortController>();

  /** Until the next answer of a request in flight (there must be one). */
  answer(deadline: Deadline, what: string): Promise<void> {
    if (deadline.remainingMs() <= 0)
      throw new DeadlineExceededError(`no time left for ${what}`, {
        hint: 'raise the function timeout or configure fewer targets per schedule',
      });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Sleep `ms` on the clock, or less when an answer comes first. */
  async sleep(clock: PacingClock, ms: number, deadline: Deadline, what: string): Promise<void> {
    const wake = new AbortController();
    const woken = new Promise((resolve) => wake.signal.addEventListener('abort', resolve));
    this.sleepers.add(wake);
    try {
      await Promise.race([clock.sleep(ms, deadline, what, wake.signal), woken]);
    } finally {
      this.sleepers.delete(wake);
    }
  }

  /**
   * An answer came. The waits end on the next turn of the event loop: the answered request's
   * own failure handling (credentials refused: stop requesting) runs first.
   */
  answered(): void {
    const waiting = this.waiting;
    const sleeping = [...this.sleepers];
    this.waiting = [];
    setImmediate(() => {
      waiting.forEach((wake) => wake());
      sleeping.forEach((sleeper) => sleeper.abort());
    });
  }
}
