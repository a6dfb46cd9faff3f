import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ESTATS_CLIENT_OPTIONS } from '../../src/akamai/estatsClient';
import type { EstatsSchedule } from '../../src/akamai/targets';
import { collectEstats } from '../../src/collectors/estats';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import { estatsScheduleOf, loadStageConfig, scheduleEvents } from '../../src/deploy/stage';
import { deadlineIn } from '../../src/shared/deadline';
import { createLogger } from '../../src/shared/logger';
import { connectSinks } from '../../src/sinks/connect';
import { RealPushgateway } from '../../dev/realPushgateway';
import { type EstatsSimulator, startEstatsSimulator } from '../../dev/simulators/akamai/server';
import { testTls } from '../../dev/simulators/tls';

/**
 * Schedules that share one API client and fire in the same minute, run after run: the stand-in
 * enforces Akamai's limit as Akamai documents it (40 requests a minute per client, the
 * X-RateLimit headers on every answer), the groups go to the real Pushgateway, and each run
 * is the schedule packaging made (its first wave included).
 *
 * Time is scaled: the stand-in's minute, the collector's window, the answers (1 s at Akamai's
 * scale), the function's timeout and the schedule's interval all run TIME_SCALE times faster,
 * so five ticks take a minute and a half instead of ten. The budget arithmetic (requests per
 * window, recovery per ms) is the same. estatsScale.test.ts runs a schedule through the
 * handler at Akamai's own minute.
 */
const TIME_SCALE = 6;
const WINDOW_MS = Math.round(60_000 / TIME_SCALE);
const ANSWER_MS = Math.round(1_000 / TIME_SCALE);
const TIMEOUT_MS = Math.round(110_000 / TIME_SCALE);
/** rate(2 minutes), scaled: the next tick. */
const INTERVAL_MS = Math.round(120_000 / TIME_SCALE);
const CLIENT = {
  clientToken: 'akab-overlap-client-0001',
  accessToken: 'akab-overlap-access-0001',
  clientSecret: 'T3ZlcmxhcENsaWVudFNlY3JldDAwMDAwMDAwMDAwMDA=',
};

let pushgateway: RealPushgateway;
let akamai: EstatsSimulator;
const dir = mkdtempSync(join(tmpdir(), 'estats-overlap-'));
const edgerc = join(dir, '.edgerc');

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  akamai = await startEstatsSimulator({
    tls: testTls(),
    clients: new Map([
      [CLIENT.clientToken, { clientSecret: CLIENT.clientSecret, accessToken: CLIENT.accessToken }],
    ]),
    rateLimitPerMinute: 40,
    rateWindowMs: WINDOW_MS,
    answerDelayMs: ANSWER_MS,
  });
  writeFileSync(
    edgerc,
    `[one]\nclient_secret = ${CLIENT.clientSecret}\nhost = ${akamai.host}\naccess_token = ${CLIENT.accessToken}\nclient_token = ${CLIENT.clientToken}\n`,
  );
});
afterAll(async () => {
  await pushgateway?.stop();
  await akamai?.stop();
});

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** The schedules packaging makes of a stage file whose schedules all use client "one". */
function packaged(name: string, schedules: Record<string, number[]>): EstatsSchedule[] {
  const file = join(dir, `${name}.yml`);
  const entries = Object.entries(schedules).map(([schedule, cpCodes]) =>
    [
      '  - rate: rate(2 minutes)',
      '    client: one',
      '    input:',
      `      name: ${schedule}`,
      '      targets:',
      ...cpCodes.map((cpCode) => `        - cpCode: ${cpCode}`),
    ].join('\n'),
  );
  writeFileSync(
    file,
    `akamai:\n  clients:\n    one: { edgercSection: one }\nestats:\n${entries.join('\n')}\n`,
  );
  const config = loadStageConfig(file, 'local');
  return scheduleEvents(config, (fn, s) => `${fn}-${s}`).estats.map((e) => estatsScheduleOf(e));
}

/** One tick: every schedule's run at once, as separate Lambda instances would run them. */
async function tick(schedules: readonly EstatsSchedule[]) {
  const before = akamai.requests.length;
  const started = performance.now();
  const runs = await Promise.all(
    schedules.map(async (schedule) => {
      const summary = await collectEstats(
        schedule,
        {
          credentialSourceOf: () => ({ kind: 'edgerc', path: edgerc, section: 'one' }),
          sinks: await connectSinks({ PUSHGATEWAY_URL: pushgateway.url }, deadlineIn(TIMEOUT_MS)),
          clientOptions: DEFAULT_ESTATS_CLIENT_OPTIONS,
          pacing: { fallbackIntervalMs: WINDOW_MS / 40, windowMs: WINDOW_MS, maxInFlight: 16 },
          logger: createLogger({ level: 'warn', write: () => {} }),
        },
        deadlineIn(TIMEOUT_MS),
      );
      return { summary, ms: performance.now() - started };
    }),
  );
  const requests = akamai.requests.slice(before);
  return {
    runs,
    throttled: requests.filter((r) => r.status === 429).length,
    answered: requests.filter((r) => r.status === 200).length,
  };
}

async function landed(cpCodes: readonly number[]): Promise<number> {
  const groups = await Promise.all(
    cpCodes.map((cpCode) => pushgateway.group({ job: 'akamai_estats', cp_code: String(cpCode) })),
  );
  return groups.filter((g) => g?.families.get('akamai_estats_up')?.metrics[0]?.value === '1')
    .length;
}

describe('eStats schedules that share an API client and fire together', () => {
  it('three schedules of 25 targets, five ticks in a row: every target lands every time, inside the timeout, with hardly a 429', async () => {
    const all = { a: range(1000, 25), b: range(2000, 25), c: range(3000, 25) };
    const schedules = packaged('three', all);
    // The 36 requests above the reserve, shared by targets: 12 each.
    expect(schedules.map((s) => s.firstWave)).toEqual([{ one: 12 }, { one: 12 }, { one: 12 }]);
    let throttled = 0;
    for (let i = 0; i < 5; i++) {
      const tickAt = performance.now();
      await pushgateway.wipe();
      const { runs, throttled: refused, answered } = await tick(schedules);
      throttled += refused;
      for (const { summary } of runs) {
        // No target given up for the deadline, none for the rate limit.
        expect((summary as EstatsRunSummary).failed).toEqual([]);
        expect(summary.ok).toBe(25);
      }
      for (const { ms } of runs) expect(ms).toBeLessThan(TIMEOUT_MS);
      expect(answered).toBe(75);
      expect(await landed(Object.values(all).flat())).toBe(75);
      // The next tick of rate(2 minutes).
      const next = tickAt + INTERVAL_MS - performance.now();
      if (i < 4 && next > 0) await new Promise((resolve) => setTimeout(resolve, next));
    }
    expect(throttled).toBeLessThanOrEqual(3);
  }, 180_000);

  it('gives up, with the numbers, the targets that even the whole budget cannot fit before the timeout', async () => {
    // 120 requests: the 36 of the burst and 1.5 s (at Akamai's scale) for each of the others
    // do not fit 110 s.
    const schedules = packaged('over', {
      x: range(4000, 40),
      y: range(5000, 40),
      z: range(6000, 40),
    });
    // Wait for the budget the previous test spent to come back: a fresh minute.
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const { runs } = await tick(schedules);
    const failed = runs.flatMap(({ summary }) => summary.failed);
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.length).toBeLessThan(40);
    expect(new Set(failed.map((f) => f.reason))).toEqual(new Set(['deadline']));
    expect(failed[0]?.message).toMatch(
      /not enough time left to wait \d+ ms for the Akamai rate budget before cpCode \d+ \(\d+ ms left; that is the soonest, had nobody else spent the client's budget\)/,
    );
    for (const { ms } of runs) expect(ms).toBeLessThan(TIMEOUT_MS);
  }, 120_000);
});
