import type { PacingClock } from '../../../src/akamai/answerWaits';
import { type Permit, RateBudget } from '../../../src/akamai/rateBudget';
import { type Deadline, NO_DEADLINE } from '../../../src/shared/deadline';
import { RateLimiter } from '../../../dev/simulators/akamai/rateLimit';

/**
 * The rate budget against the stand-in's model of Akamai's limit (one token bucket per client,
 * the three headers on every answer), on virtual time: each request takes `latencyMs` to
 * answer, and the budget's waits advance the clock instead of the wall.
 */
class VirtualTime {
  now = Date.UTC(2026, 11, 3, 12);
  private timers: Array<{ at: number; wake: () => void }> = [];
  readonly clock: PacingClock = {
    now: () => this.now,
    sleep: (ms) => this.after(ms),
  };

  after(ms: number): Promise<void> {
    return new Promise((wake) => this.timers.push({ at: this.now + Math.max(0, ms), wake }));
  }

  /** Advance to each timer in turn until `work` has settled. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    void work.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) break;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) continue;
      this.now = Math.max(this.now, next.at);
      next.wake();
    }
    return work;
  }
}

const SETTINGS = {
  reserveShare: 0.1,
  fallbackIntervalMs: 1_500,
  windowMs: 60_000,
  maxInFlight: 16,
};

/** Akamai's answer to one request: allowed or not, and the headers it carries. */
type Answer = { allowed: boolean; headers: Record<string, string> };

interface Seen {
  throttled: number;
  sent: number;
  /** Clock times the requests went out. */
  sentAt: number[];
  /** Messages of the requests given up. */
  gaveUp: string[];
}

const newSeen = (): Seen => ({ throttled: 0, sent: 0, sentAt: [], gaveUp: [] });

/**
 * One caller of the client: `count` requests through its own budget (with the first wave
 * packaging gave it, if any), each answered after `latencyMs`; a 429 is sent again when the
 * budget allows, a request the deadline cannot fit is given up.
 */
async function caller(
  time: VirtualTime,
  akamai: { take(client: string): Answer } | undefined,
  count: number,
  latencyMs: number,
  into: Seen,
  options: { firstWave?: number; deadline?: Deadline } = {},
) {
  const budget = new RateBudget(
    { ...SETTINGS, ...(options.firstWave ? { firstWave: options.firstWave } : {}) },
    time.clock,
  );
  const one = async () => {
    for (;;) {
      let permit: Permit;
      try {
        permit = await budget.acquire(options.deadline ?? NO_DEADLINE, 'a target', 1_000);
      } catch (error) {
        into.gaveUp.push((error as Error).message);
        return;
      }
      into.sent++;
      into.sentAt.push(time.now);
      const decision = akamai?.take('client');
      await time.after(latencyMs);
      budget.settle(permit, {
        status: decision === undefined || decision.allowed ? 200 : 429,
        headers: decision?.headers ?? {},
      });
      if (decision === undefined || decision.allowed) return;
      into.throttled++;
    }
  };
  await Promise.all(Array.from({ length: count }, one));
  return budget.seen();
}

/** A deadline on the virtual clock. */
function deadlineAt(time: VirtualTime, ms: number): Deadline {
  const end = time.now + ms;
  return { remainingMs: () => Math.max(0, end - time.now) };
}

/** Akamai as the stand-in models it, but saying the next request is allowed `laterMs` later. */
function sayingLater(limiter: RateLimiter, laterMs: number, header: 'next' | 'retry-after') {
  return {
    take(client: string): Answer {
      const answer = limiter.take(client);
      const next = Date.parse(answer.headers['x-ratelimit-next'] ?? '') + laterMs;
      const headers: Record<string, string> = { ...answer.headers };
      if (header === 'next') headers['x-ratelimit-next'] = new Date(next).toISOString();
      else {
        delete headers['x-ratelimit-next'];
        headers['retry-after'] = String(Math.ceil(laterMs / 1000));
      }
      return { allowed: answer.allowed, headers };
    },
  };
}

describe('the Akamai rate budget', () => {
  it('learns the budget with one request, then sends the burst at once', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const started = time.now;
    const seen = newSeen();
    const report = await time.run(caller(time, akamai, 10, 200, seen));
    // 1 learning request, then the other 9 in rounds of a third of the headroom seen.
    expect(time.now - started).toBeLessThanOrEqual(4 * 200);
    expect(report).toMatchObject({ limit: 40, requests: 10, throttled: 0, fallback: false });
    expect(report.lowestRemaining).toBe(30);
  });

  it('keeps the reserve and then goes at the rate Remaining recovers', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const started = time.now;
    const seen = newSeen();
    const report = await time.run(caller(time, akamai, 80, 200, seen));
    // 36 requests fit above the reserve of 4; the other 44 need 1.5 s of recovery each.
    const floorMs = (80 - 36) * 1_500;
    expect(time.now - started).toBeGreaterThanOrEqual(floorMs);
    expect(time.now - started).toBeLessThanOrEqual(floorMs * 1.05 + 2_000);
    expect(seen.throttled).toBe(0);
    expect(report.lowestRemaining).toBeGreaterThanOrEqual(3);
  });

  it('sends the first wave packaging gave it before any answer: a run that fits it takes one answer', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const started = time.now;
    const seen = newSeen();
    const report = await time.run(caller(time, akamai, 12, 1_000, seen, { firstWave: 12 }));
    expect(seen.sentAt).toEqual(Array(12).fill(started));
    expect(time.now - started).toBe(1_000);
    expect(report).toMatchObject({ requests: 12, throttled: 0 });
  });

  it('three schedules of 25 on one client, fired together with their first waves: every request lands near the floor, none given up, no 429', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const started = time.now;
    const seen = newSeen();
    // Packaging divides the 36 usable requests by targets: 12 each.
    const deadline = deadlineAt(time, 110_000);
    await time.run(
      Promise.all(
        [1, 2, 3].map(() => caller(time, akamai, 25, 1_000, seen, { firstWave: 12, deadline })),
      ),
    );
    expect(seen.gaveUp).toEqual([]);
    expect(seen.throttled).toBe(0);
    expect(seen.sent).toBe(75);
    // The floor: 36 go at once, the other 39 at the rate the budget recovers, then an answer.
    const floorMs = 39 * 1_500 + 1_000;
    expect(time.now - started).toBeGreaterThanOrEqual(floorMs);
    expect(time.now - started).toBeLessThanOrEqual(floorMs * 1.15);
  });

  it('gives up only what even the whole budget could not fit before the deadline, and says so with the numbers', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const seen = newSeen();
    const deadline = deadlineAt(time, 30_000);
    await time.run(
      Promise.all(
        [1, 2, 3].map(() => caller(time, akamai, 25, 1_000, seen, { firstWave: 12, deadline })),
      ),
    );
    // 30 s hold the 36 of the burst and about 19 more (1.5 s each, the last needing 1 s to
    // answer): the rest of the 75 cannot fit, whoever sends them.
    expect(seen.sent + seen.gaveUp.length).toBe(75);
    expect(seen.sent).toBeGreaterThanOrEqual(36 + 17);
    expect(seen.gaveUp.length).toBeGreaterThanOrEqual(75 - 36 - 20);
    expect(seen.gaveUp[0]).toMatch(
      /^not enough time left to wait \d+ ms for the Akamai rate budget before a target \(\d+ ms left; that is the soonest, had nobody else spent the client's budget\)$/,
    );
    expect(seen.throttled).toBe(0);
  });

  it('three callers of one client that start together share it with hardly a 429', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const started = time.now;
    const seen = newSeen();
    await time.run(Promise.all([1, 2, 3].map(() => caller(time, akamai, 20, 200, seen))));
    expect(seen.throttled).toBeLessThanOrEqual(3);
    // 60 requests: 36 fit the burst, 24 wait 1.5 s each for the budget to recover.
    expect(time.now - started).toBeLessThanOrEqual(24 * 1_500 * 1.2 + 2_000);
  });

  it('falls back to fixed spacing when the answers carry no rate-limit headers', async () => {
    const time = new VirtualTime();
    const started = time.now;
    const seen = newSeen();
    const report = await time.run(caller(time, undefined, 4, 100, seen));
    expect(report.fallback).toBe(true);
    expect(time.now - started).toBe(3 * 1_500 + 100);
  });

  it('waits for X-RateLimit-Next after a 429 instead of retrying at once', async () => {
    const time = new VirtualTime();
    // Someone else spent the client's budget: a limiter already at zero.
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    for (let i = 0; i < 40; i++) akamai.take('client');
    const seen = newSeen();
    const started = time.now;
    await time.run(caller(time, akamai, 3, 100, seen));
    expect(seen.throttled).toBe(1);
    // After the 429 it waits until Remaining is back above the reserve: 5 × 1.5 s.
    expect(time.now - started).toBeGreaterThanOrEqual(5 * 1_500);
  });

  it.each([
    ['X-RateLimit-Next', 'next'],
    ['Retry-After', 'retry-after'],
  ] as const)(
    "waits for a 429's %s that says later than its own estimate",
    async (_name, header) => {
      const time = new VirtualTime();
      const limiter = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
      for (let i = 0; i < 40; i++) limiter.take('client');
      const seen = newSeen();
      const started = time.now;
      await time.run(caller(time, sayingLater(limiter, 90_000, header), 1, 100, seen));
      expect(seen.throttled).toBeGreaterThanOrEqual(1);
      // The bucket alone would allow one more after 1.5 s, and the budget's own estimate (the
      // reserve back, at the share a run that found the bucket spent assumes) is 36 s; Akamai
      // said 90 s later than the bucket.
      expect((seen.sentAt[1] ?? 0) - started).toBeGreaterThanOrEqual(90_000);
    },
  );

  it('waits for the X-RateLimit-Next of an answer that spent the last request, when it says later than the estimate', async () => {
    const time = new VirtualTime();
    const limiter = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    // Others left one request: this run's first spends it (Remaining 0).
    for (let i = 0; i < 39; i++) limiter.take('client');
    const seen = newSeen();
    const started = time.now;
    const akamai = sayingLater(limiter, 90_000, 'next');
    await time.run(caller(time, akamai, 2, 100, seen));
    expect(seen.sentAt[0]).toBe(started);
    expect((seen.sentAt[1] ?? 0) - started).toBeGreaterThanOrEqual(90_000);
    expect(seen.throttled).toBe(0);
  });
});
