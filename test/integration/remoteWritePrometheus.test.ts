import { buildEstatsMetrics } from '../../src/akamai/estatsMetrics';
import { estatsResponseSchema } from '../../src/akamai/estatsSchema';
import { DEFAULT_PUSH_RETRY } from '../../src/constants';
import { deviceGroupingKey, estatsGroupingKey } from '../../src/metrics/groups';
import { RemoteWriteClient } from '../../src/sinks/remoteWrite/client';
import { NO_DEADLINE } from '../../src/shared/deadline';
import { parseFleet } from '../../src/synthetic/fleetConfig';
import { buildDeviceMetrics } from '../../src/synthetic/metrics';
import { modelSettings, sampleDevice } from '../../src/synthetic/model';
import sample from '../fixtures/estats-sample.json';
import { RealPrometheus } from '../../dev/realPrometheus';

/**
 * Our remote-write client into the real Prometheus (`--web.enable-remote-write-receiver`),
 * read back through its query API: exact values, labels and timestamps.
 */
let prometheus: RealPrometheus;
let client: RemoteWriteClient;
beforeAll(async () => {
  prometheus = await RealPrometheus.startRemoteWriteReceiver();
  client = new RemoteWriteClient({
    url: new URL(`${prometheus.url}/api/v1/write`),
    // Small, so a group is cut into several requests.
    maxRequestBytes: 2 * 1024,
    concurrency: 2,
    requestTimeoutMs: 10_000,
    retry: DEFAULT_PUSH_RETRY,
  });
});
afterAll(async () => {
  await prometheus?.stop();
});

type Result = Array<{
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}>;

async function query(expr: string, atSeconds: number): Promise<Result> {
  const res = await fetch(
    `${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}&time=${atSeconds}`,
  );
  const json = (await res.json()) as { error?: string; data?: { result: Result } };
  if (!json.data) throw new Error(`${expr}: ${json.error}`);
  return json.data.result;
}

/** The samples `selector` holds in the minute before `atSeconds`, with their own timestamps. */
async function samplesOf(selector: string, atSeconds: number) {
  return (await query(`${selector}[1m]`, atSeconds)).map((r) => ({
    metric: r.metric,
    samples: (r.values ?? []).map(([t, v]) => ({
      value: Number(v),
      timestampMs: Math.round(t * 1000),
    })),
  }));
}

it('lands an eStats group with its labels, values and Akamai sample time', async () => {
  const metrics = buildEstatsMetrics(estatsResponseSchema.parse(sample), {
    topEdgeIps: 5,
    requestDurationSeconds: 1.5,
  });
  const sampleTimeMs = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
  const key = estatsGroupingKey({ cpCode: 424242, delivery: 'STANDARD_TLS' });
  const { series, metadata } = await metrics.timeSeries(key, sampleTimeMs);
  const result = await client.write({ series, metadata }, NO_DEADLINE);
  expect(result.series).toBe(series.length);
  expect(result.requests).toBeGreaterThan(1);

  const hits = await samplesOf('akamai_estats_hits{cp_code="424242"}', sampleTimeMs / 1000 + 1);
  const text = await metrics.text();
  const edgeHits = Number(/akamai_estats_hits\{direction="edge"\} (\S+)/.exec(text)?.[1]);
  expect(hits.find((h) => h.metric.direction === 'edge')).toEqual({
    metric: {
      __name__: 'akamai_estats_hits',
      job: 'akamai_estats',
      cp_code: '424242',
      delivery: 'STANDARD_TLS',
      direction: 'edge',
    },
    samples: [{ value: edgeHits, timestampMs: sampleTimeMs }],
  });
  // Every series of the group is there, at the sample time.
  const all = await samplesOf('{job="akamai_estats",cp_code="424242"}', sampleTimeMs / 1000 + 1);
  expect(all).toHaveLength(series.length);
  expect(new Set(all.flatMap((s) => s.samples.map((x) => x.timestampMs)))).toEqual(
    new Set([sampleTimeMs]),
  );
});

it("writes a synthetic fleet's counters at their tick times, so they increase across runs", async () => {
  const plan = parseFleet({
    name: 'rw',
    deviceCount: 2,
    portsPerDevice: 2,
    linkFlapsPerDay: 0,
    rebootsPerDay: 0,
  });
  const settings = modelSettings(plan);
  const firstTick = Math.floor(Date.now() / 1000 / 60) * 60 - 600;
  for (const tick of [firstTick, firstTick + 60, firstTick + 120]) {
    for (const device of plan.devices) {
      const metrics = buildDeviceMetrics(sampleDevice(device, tick, settings));
      const { series } = await metrics.timeSeries(
        deviceGroupingKey('rw', device.name),
        tick * 1000,
      );
      await client.write({ series }, NO_DEADLINE);
    }
  }
  const increase = await query(
    'increase(synthetic_port_receive_packets_total{fleet="rw"}[3m])',
    firstTick + 121,
  );
  expect(increase).toHaveLength(4);
  for (const port of increase) expect(Number(port.value?.[1])).toBeGreaterThan(0);
});

const seriesOf = (name: string, value: number, timestampMs: number) => ({
  labels: [
    { name: '__name__', value: name },
    { name: 'job', value: 'rw' },
  ],
  samples: [{ value, timestampMs }],
});

it('drops the samples Prometheus refuses as too old or out of order, and lands the rest', async () => {
  // Prometheus refuses a whole request for one such sample (HTTP 400 "out of bounds" / "out
  // of order sample") and stores nothing of it. Among 40 series of a group, cut into several
  // requests: one stamped a day ago, one older than what the store already holds.
  const now = Date.now();
  await client.write({ series: [seriesOf('rw_ooo', 1, now)] }, NO_DEADLINE);
  const fine = Array.from({ length: 38 }, (_, i) => seriesOf(`rw_fine_${i}`, i, now));
  const result = await client.write(
    {
      series: [
        ...fine.slice(0, 20),
        seriesOf('rw_day_old', 7, now - 24 * 3_600_000),
        seriesOf('rw_ooo', 2, now - 60_000),
        ...fine.slice(20),
      ],
    },
    NO_DEADLINE,
  );
  expect(result.dropped).toEqual({
    series: 2,
    reason: expect.stringMatching(/answered HTTP 400: (out of bounds|out of order sample)/),
  });
  expect(result.series).toBe(38);
  const at = now / 1000 + 1;
  const landed = await query('count({job="rw", __name__=~"rw_fine_.*"})', at);
  expect(landed[0]?.value?.[1]).toBe('38');
  expect(await query('rw_day_old', now / 1000 - 24 * 3600 + 1)).toEqual([]);
  expect((await samplesOf('rw_ooo', at)).map((s) => s.samples)).toEqual([
    [{ value: 1, timestampMs: now }],
  ]);
});

it('drops the lone series of a write Prometheus refuses, in one request (not retried)', async () => {
  const now = Date.now();
  await client.write({ series: [seriesOf('rw_refused', 1, now)] }, NO_DEADLINE);
  const result = await client.write(
    { series: [seriesOf('rw_refused', 2, now - 60_000)] },
    NO_DEADLINE,
  );
  expect(result.dropped?.series).toBe(1);
  expect(result.series).toBe(0);
  expect(result.requests).toBe(1);
});
