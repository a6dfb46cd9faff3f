import { type PacingClock, RateBudget } from '../../../src/akamai/rateBudget';
import { NO_DEADLINE } from '../../../src/shared/deadline';
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

/** One caller of the client: `count` requests through its own budget. */
async function caller(
  time: VirtualTime,
  akamai: RateLimiter | undefined,
  count: number,
  latencyMs: number,
  seen: { throttled: number; sent: number },
) {
  const budget = new RateBudget(SETTINGS, time.clock);
  const one = async () => {
    for (;;) {
      const permit = await budget.acquire(NO_DEADLINE, 'a target');
      seen.sent++;
      const decision = akamai?.take('client');
      await time.after(latencyMs);
      budget.settle(permit, {
        status: decision === undefined || decision.allowed ? 200 : 429,
        headers: decision?.headers ?? {},
      });
      if (decision === undefined || decision.allowed) return;
      seen.throttled++;
    }
  };
  await Promise.all(Array.from({ length: count }, one));
  return budget.seen();
}

describe('the Akamai rate budget', () => {
  it('learns the budget with one request, then sends the burst at once', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const started = time.now;
    const seen = { throttled: 0, sent: 0 };
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
    const seen = { throttled: 0, sent: 0 };
    const report = await time.run(caller(time, akamai, 80, 200, seen));
    // 36 requests fit above the reserve of 4; the other 44 need 1.5 s of recovery each.
    const floorMs = (80 - 36) * 1_500;
    expect(time.now - started).toBeGreaterThanOrEqual(floorMs);
    expect(time.now - started).toBeLessThanOrEqual(floorMs * 1.05 + 2_000);
    expect(seen.throttled).toBe(0);
    expect(report.lowestRemaining).toBeGreaterThanOrEqual(3);
  });

  it('three callers of one client that start together share it with hardly a 429', async () => {
    const time = new VirtualTime();
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    const started = time.now;
    const seen = { throttled: 0, sent: 0 };
    await time.run(Promise.all([1, 2, 3].map(() => caller(time, akamai, 20, 200, seen))));
    expect(seen.throttled).toBeLessThanOrEqual(3);
    // 60 requests: 36 fit the burst, 24 wait 1.5 s each for the budget to recover.
    expect(time.now - started).toBeLessThanOrEqual(24 * 1_500 * 1.2 + 2_000);
  });

  it('falls back to fixed spacing when the answers carry no rate-limit headers', async () => {
    const time = new VirtualTime();
    const started = time.now;
    const seen = { throttled: 0, sent: 0 };
    const report = await time.run(caller(time, undefined, 4, 100, seen));
    expect(report.fallback).toBe(true);
    expect(time.now - started).toBe(3 * 1_500 + 100);
  });

  it('waits for X-RateLimit-Next after a 429 instead of retrying at once', async () => {
    const time = new VirtualTime();
    // Someone else spent the client's budget: a limiter already at zero.
    const akamai = new RateLimiter({ limit: 40, windowMs: 60_000, now: () => time.now });
    for (let i = 0; i < 40; i++) akamai.take('client');
    const seen = { throttled: 0, sent: 0 };
    const started = time.now;
    await time.run(caller(time, akamai, 3, 100, seen));
    expect(seen.throttled).toBe(1);
    // After the 429 it waits until Remaining is back above the reserve: 5 × 1.5 s.
    expect(time.now - started).toBeGreaterThanOrEqual(5 * 1_500);
  });
});
