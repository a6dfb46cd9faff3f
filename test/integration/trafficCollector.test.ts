import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectTraffic, type TrafficRunSummary } from '../../src/collectors/traffic';
import { trafficSettingsFromEnv } from '../../src/config/traffic';
import { deadlineIn } from '../../src/shared/deadline';
import { createLogger } from '../../src/shared/logger';
import { connectSinks } from '../../src/sinks/connect';
import { BUCKET_SECONDS, TRAFFIC_REPORT_PATH } from '../../src/traffic/report';
import { parseTrafficSchedule, type TrafficSchedule } from '../../src/traffic/schedule';
import { launchVictoriaMetrics, type RunningBinary } from '../../dev/launchers';
import { RealPrometheus } from '../../dev/realPrometheus';
import { RealPushgateway } from '../../dev/realPushgateway';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';

/**
 * The traffic collector against the Akamai stand-in (Reporting API v2, its final buckets 15
 * minutes after their end) and real stores: the Pushgateway gets the newest final bucket with
 * its end time; Prometheus (with an out-of-order window) and VictoriaMetrics get every bucket
 * at its own time, and after an outage of the sink the next run fills the gap, bucket by
 * bucket, or reports what lies past the backfill window. The runs replay hours of schedule in
 * seconds: the data's clock (the collector's and the stand-in's) is moved five minutes a run,
 * three hours behind the wall clock; signatures and the rate limit keep real time.
 */

const CODES = [424242, 424243, 424244];
let akamai: EstatsSimulator;
let edgercPath: string;
let pushgateway: RealPushgateway;
let prometheus: RealPrometheus;
let victoria: RunningBinary;
let dataNowMs = 0;

beforeAll(async () => {
  ({ akamai, edgercPath } = await startAkamaiStandin({
    // A query-cost limit of 12 rows: three CP codes over five buckets are refused (422).
    reporting: { dataNow: () => dataNowMs, maxQueryCost: 12 },
  }));
  [pushgateway, prometheus, victoria] = await Promise.all([
    RealPushgateway.start(),
    RealPrometheus.startRemoteWriteReceiver(undefined, { outOfOrderWindow: '6h' }),
    launchVictoriaMetrics({ storagePath: join(mkdtempSync(join(tmpdir(), 'victoria-')), 'data') }),
  ]);
});
afterAll(async () => {
  await Promise.all([akamai?.stop(), pushgateway?.stop(), prometheus?.stop(), victoria?.stop()]);
});

/** A port nothing listens on: a sink that is down. */
const DOWN = 'http://127.0.0.1:9/api/v1/write';

function schedule(name: string, extra: Partial<TrafficSchedule> = {}): TrafficSchedule {
  return parseTrafficSchedule({
    name,
    targets: CODES.map((cpCode) => ({ cpCode, name: `cp-${cpCode}` })),
    ...extra,
  });
}

async function run(
  planned: TrafficSchedule,
  env: Record<string, string>,
  atMs: number,
): Promise<TrafficRunSummary> {
  dataNowMs = atMs;
  const full = {
    AKAMAI_EDGERC: edgercPath,
    AKAMAI_EDGERC_SECTION: 'standin',
    PUSH_MAX_ATTEMPTS: '1',
    REMOTE_WRITE_MAX_ATTEMPTS: '1',
    ...env,
  };
  const deadline = deadlineIn(60_000);
  const logger = createLogger({ level: 'error', write: () => {} });
  const sinks = await connectSinks(full, deadline, logger);
  return collectTraffic(
    planned,
    { settings: trafficSettingsFromEnv(full), sinks, logger, stage: 'test', now: () => atMs },
    deadline,
  );
}

/** The newest final bucket's end at `atMs` with the default 20-minute lag. */
const newestEnd = (atMs: number) =>
  Math.floor((atMs / 1000 - 1200) / BUCKET_SECONDS) * BUCKET_SECONDS;

type Series = { metric: Record<string, string>; values: Array<[number, string]> };

async function rangeOf(baseUrl: string, selector: string, fromSec: number, toSec: number) {
  const res = await fetch(
    `${baseUrl}/api/v1/query_range?query=${encodeURIComponent(selector)}&start=${fromSec}&end=${toSec}&step=${BUCKET_SECONDS}&nocache=1`,
  );
  const json = (await res.json()) as { data: { result: Series[] } };
  return json.data.result;
}

/** Each bucket end the selector has a sample at, with its value, per CP code. */
async function bucketsIn(baseUrl: string, selector: string, fromSec: number, toSec: number) {
  // A range query's step matches the buckets; the lookback must not carry one into the next.
  const result = await rangeOf(baseUrl, `last_over_time(${selector}[1s])`, fromSec, toSec);
  return new Map(
    result.map((s) => [
      Number(s.metric.cp_code),
      new Map(s.values.map(([t, v]) => [Math.round(t), Number(v)])),
    ]),
  );
}

test('the Pushgateway gets the newest final bucket, with its end time, at the stand-in values', async () => {
  const at = Date.now();
  const summary = await run(
    schedule('pgw'),
    { SINKS: 'pushgateway', PUSHGATEWAY_URL: pushgateway.url },
    at,
  );
  expect(summary.failed).toEqual([]);
  expect(summary.ok).toBe(CODES.length);
  const end = newestEnd(at);
  const text = await (await fetch(`${pushgateway.url}/metrics`)).text();
  for (const code of CODES) {
    const final = akamai.traffic.finalRow(code, (end - BUCKET_SECONDS) * 1000);
    const value = (name: string, label = '') => {
      const line = text
        .split('\n')
        .find(
          (l) => l.startsWith(`${name}{`) && l.includes(`cp_code="${code}"`) && l.includes(label),
        );
      return Number(line?.split(' ').pop());
    };
    expect(value('akamai_traffic_bucket_end_timestamp_seconds')).toBe(end);
    expect(value('akamai_traffic_hits', 'direction="edge"')).toBe(final.edgeHitsSum);
    expect(value('akamai_traffic_hits', 'direction="origin"')).toBe(final.originHitsSum);
    expect(value('akamai_traffic_bytes', 'direction="edge"')).toBe(final.edgeBytesSum);
    expect(value('akamai_traffic_hit_offload_ratio')).toBeCloseTo(
      1 - final.originHitsSum / final.edgeHitsSum,
      12,
    );
  }
});

describe.each([
  ['Prometheus', () => prometheus.url, async () => {}],
  ['VictoriaMetrics', () => victoria.url, () => fetch(`${victoria.url}/internal/force_flush`)],
])('remote write into %s', (store, urlOf, flush) => {
  test('an outage of the sink over several runs is filled in, bucket by bucket, at the stand-in values', async () => {
    const name = `outage-${store}`;
    const up = {
      SINKS: 'remote-write',
      REMOTE_WRITE_URL: `${urlOf()}/api/v1/write`,
      TRAFFIC_STATE_DIR: stateDir(),
    };
    const down = { ...up, REMOTE_WRITE_URL: DOWN };
    const t0 = Date.now() - 3 * 3_600_000;
    const step = BUCKET_SECONDS * 1000;
    const first = await run(schedule(name), up, t0);
    expect(first.failed).toEqual([]);
    for (let i = 1; i <= 4; i++) {
      const missed = await run(schedule(name), down, t0 + i * step);
      expect(missed.failed.map((f) => f.reason)).toEqual(CODES.map(() => 'push_failed'));
    }
    const back = await run(schedule(name), up, t0 + 5 * step);
    expect(back.failed).toEqual([]);
    // Four runs missed, plus the newest: four buckets behind the newest per CP code.
    expect(back.backfilledBuckets).toBe(4 * CODES.length);
    expect(back.unfilledBuckets).toBe(0);
    await flush();
    const from = newestEnd(t0);
    const to = newestEnd(t0 + 5 * step);
    const hits = await bucketsIn(
      urlOf(),
      `akamai_traffic_hits{direction="edge",job="akamai_traffic"}`,
      from,
      to,
    );
    for (const code of CODES) {
      const samples = hits.get(code);
      const ends = [...(samples?.keys() ?? [])].filter((t) => t >= from && t <= to);
      // No gap: every bucket end from the first run's to the last run's.
      expect(ends).toEqual([0, 1, 2, 3, 4, 5].map((i) => from + i * BUCKET_SECONDS));
      for (const end of ends)
        expect(samples?.get(end)).toBe(
          akamai.traffic.finalRow(code, (end - BUCKET_SECONDS) * 1000).edgeHitsSum,
        );
    }
  });

  test('past the backfill window the gap is reported, not papered over', async () => {
    const name = `window-${store}`;
    const up = {
      SINKS: 'remote-write',
      REMOTE_WRITE_URL: `${urlOf()}/api/v1/write`,
      TRAFFIC_STATE_DIR: stateDir(),
    };
    const down = { ...up, REMOTE_WRITE_URL: DOWN };
    // A window of two buckets; the sink is down for five runs.
    const planned = schedule(name, { backfillSeconds: 2 * BUCKET_SECONDS });
    const t0 = Date.now() - 2 * 3_600_000;
    const step = BUCKET_SECONDS * 1000;
    expect((await run(planned, up, t0)).failed).toEqual([]);
    for (let i = 1; i <= 5; i++) await run(planned, down, t0 + i * step);
    const back = await run(planned, up, t0 + 6 * step);
    expect(back.failed).toEqual([]);
    // Five runs missed five buckets; the window holds the newest and one behind it, so one
    // is filled and four stay missing.
    expect(back.backfilledBuckets).toBe(1 * CODES.length);
    expect(back.unfilledBuckets).toBe(4 * CODES.length);
    await flush();
    const from = newestEnd(t0);
    const to = newestEnd(t0 + 6 * step);
    const hits = await bucketsIn(
      urlOf(),
      `akamai_traffic_hits{direction="edge",job="akamai_traffic"}`,
      from,
      to,
    );
    for (const code of CODES) {
      const ends = [...(hits.get(code)?.keys() ?? [])].filter((t) => t >= from && t <= to);
      // The first run's bucket, then the gap, then the window's two buckets.
      expect(ends).toEqual([0, 5, 6].map((i) => from + i * BUCKET_SECONDS));
    }
  });
});

test('what a 422 taught one run, the next starts from: no refusal again', async () => {
  const dir = stateDir();
  const env = { SINKS: 'pushgateway', PUSHGATEWAY_URL: pushgateway.url, TRAFFIC_STATE_DIR: dir };
  const planned = schedule('learning');
  const step = BUCKET_SECONDS * 1000;
  const t0 = Date.now() - 3_600_000;
  const refusals = () =>
    akamai.requests.filter((r) => r.path === TRAFFIC_REPORT_PATH && r.status === 422).length;
  await run(planned, env, t0);
  // Five buckets behind: 15 rows, over the stand-in's 12.
  akamai.requests.length = 0;
  const first = await run(planned, env, t0 + 5 * step);
  expect(first.failed).toEqual([]);
  expect(refusals()).toBe(1);
  const state = JSON.parse(
    readFileSync(join(dir, 'traffic-state', 'test', 'learning.json'), 'utf8'),
  ) as { queryCost?: unknown };
  // Refused at 15 rows, answered at 5 (one CP code's five buckets).
  expect(state.queryCost).toEqual({ refusedRows: 15, goodRows: 5 });
  akamai.requests.length = 0;
  const second = await run(planned, env, t0 + 10 * step);
  expect(second.failed).toEqual([]);
  expect(second.backfilledBuckets).toBe(4 * CODES.length);
  expect(refusals()).toBe(0);
});

function stateDir(): string {
  return mkdtempSync(join(tmpdir(), 'traffic-state-'));
}
