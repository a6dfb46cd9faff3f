import { shippedRules } from '../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import { renderRules } from '../../src/alerting/render';
import { CollectorRunError } from '../../src/collectors/errors';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import { handler as estatsHandler } from '../../src/handlers/estats';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { freePort } from '../../dev/local/ports';
import { RealPushgateway } from '../../dev/realPushgateway';
import { captureStdout, withEnv } from '../helpers/env';
import { runSyntheticTick } from '../helpers/handlers';
import { lambdaContext } from '../helpers/lambdaContext';
import { RealPrometheus } from '../../dev/realPrometheus';

/**
 * The collectors' sinks (SINKS), through the real handlers: remote write into the real
 * Prometheus receiver, with the samples' own times; the Pushgateway and remote write at once;
 * and one sink down, which never stops the other.
 */
let pushgateway: RealPushgateway;
let receiver: RealPrometheus;
let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  // The rules a remote-write stage ships, evaluated every second on what is written to it.
  receiver = await RealPrometheus.startRemoteWriteReceiver(
    renderRules(
      shippedRules(DEFAULT_ALERTING_CONFIG, [], {
        sinks: ['remote-write'],
        schedules: { akamai_estats: ['sinks'] },
      }),
    ),
  );
  ({ akamai, edgercPath } = await startAkamaiStandin());
});
afterAll(async () => {
  await pushgateway?.stop();
  await receiver?.stop();
  await akamai?.stop();
});
beforeEach(() => pushgateway.wipe());

const env = (sinks: string, remoteWriteUrl = `${receiver.url}/api/v1/write`) => ({
  SINKS: sinks,
  PUSHGATEWAY_URL: pushgateway.url,
  REMOTE_WRITE_URL: remoteWriteUrl,
  REMOTE_WRITE_MAX_ATTEMPTS: '1',
  AKAMAI_EDGERC: edgercPath,
  AKAMAI_EDGERC_SECTION: 'standin',
  AKAMAI_SECRET_ID: undefined,
  ESTATS_MIN_INTERVAL_MS: '0',
  LOG_LEVEL: 'error',
});

const estats = (vars: Record<string, string | undefined>, cpCodes: number[]) =>
  withEnv(vars, () =>
    captureStdout(
      () =>
        estatsHandler(
          { name: 'sinks', targets: cpCodes.map((cpCode) => ({ cpCode })) },
          lambdaContext(),
        ) as Promise<EstatsRunSummary>,
    ),
  );

/** Each series `selector` matches, with its samples of the last ten minutes and their times. */
async function samplesOf(selector: string) {
  const res = await fetch(
    `${receiver.url}/api/v1/query?query=${encodeURIComponent(`${selector}[10m]`)}`,
  );
  const json = (await res.json()) as {
    data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> };
  };
  return json.data.result.map((r) => ({
    metric: r.metric,
    samples: r.values.map(([t, v]) => ({ timestampMs: Math.round(t * 1000), value: Number(v) })),
  }));
}

it("remote-writes an eStats run stamped with Akamai's sample time, and its health", async () => {
  const { error } = await estats(env('remote-write'), [424242]);
  expect(error).toBeUndefined();
  // Nothing went to the Pushgateway.
  expect(await pushgateway.groups()).toEqual([]);
  const [sampleTime] = await samplesOf('akamai_estats_sample_timestamp_seconds{cp_code="424242"}');
  expect(sampleTime?.metric).toEqual({
    __name__: 'akamai_estats_sample_timestamp_seconds',
    job: 'akamai_estats',
    cp_code: '424242',
  });
  const [sample] = sampleTime?.samples ?? [];
  // The series carries Akamai's sample time as its timestamp: the value says which.
  expect(sample?.timestampMs).toBe(Math.round((sample?.value ?? 0) * 1000));
  const hits = await samplesOf('akamai_estats_hits{cp_code="424242"}');
  expect(hits.length).toBeGreaterThan(0);
  for (const series of hits) expect(series.samples[0]?.timestampMs).toBe(sample?.timestampMs);
  const [health] = await samplesOf('collector_run_success{job="akamai_estats",schedule="sinks"}');
  expect(health?.samples.at(-1)?.value).toBe(1);
});

it('remote-writes a synthetic tick at the tick time', async () => {
  const tick = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
  const { error } = await runSyntheticTick(
    env('remote-write'),
    { name: 'rw', deviceCount: 2, portsPerDevice: 2 },
    tick / 1000,
  );

  expect(error).toBeUndefined();
  const links = await samplesOf('synthetic_port_link_up{fleet="rw"}');
  expect(links).toHaveLength(4);
  for (const port of links)
    expect(port.samples).toEqual([{ timestampMs: tick, value: expect.any(Number) }]);
});

it('delivers to the Pushgateway and remote write at once', async () => {
  const { result, error } = await estats(env('pushgateway,remote-write'), [111]);
  expect(error).toBeUndefined();
  expect(result?.sinks).toEqual([
    { sink: 'pushgateway', failedGroups: 0 },
    { sink: 'remote-write', failedGroups: 0 },
  ]);
  expect(await pushgateway.group({ job: 'akamai_estats', cp_code: '111' })).toBeDefined();
  expect(await samplesOf('akamai_estats_up{cp_code="111"}')).toHaveLength(1);
});

it('never lets a sink that is down stop the other, and says which failed', async () => {
  const down = `http://127.0.0.1:${await freePort()}/api/v1/write`;
  const { result, error } = await estats(env('pushgateway,remote-write', down), [1, 2]);
  expect(error).toBeInstanceOf(CollectorRunError);
  const summary = (error as CollectorRunError<EstatsRunSummary>).summary;
  expect(result).toBeUndefined();
  expect(summary.sinks).toEqual([
    { sink: 'pushgateway', failedGroups: 0 },
    { sink: 'remote-write', failedGroups: 2, error: expect.stringContaining('ECONNREFUSED') },
  ]);
  expect((error as Error).message).toContain('not delivered to remote-write');
  // Every group is in the Pushgateway, and its health group says what remote write missed.
  expect(await pushgateway.group({ job: 'akamai_estats', cp_code: '1' })).toBeDefined();
  expect(await pushgateway.group({ job: 'akamai_estats', cp_code: '2' })).toBeDefined();
  const health = await pushgateway.group({ job: 'akamai_estats', schedule: 'sinks' });
  const failed = health?.families.get('collector_sink_failed_groups')?.metrics ?? [];
  expect(Object.fromEntries(failed.map((m) => [m.labels.sink, m.value]))).toEqual({
    pushgateway: '0',
    'remote-write': '2',
  });
});

it("feeds the shipped alert rules: an incident written by remote write raises its alert, and the run's success keeps the schedule from looking silent", async () => {
  akamai.setBehaviour({ cpCode: 555 }, { kind: 'incident', edge5xxRatio: 0.5 });
  const { error } = await estats(env('remote-write'), [555, 556]);
  expect(error).toBeUndefined();
  const alertsOf = async () => {
    const res = await fetch(
      `${receiver.url}/api/v1/query?query=${encodeURIComponent('ALERTS{alertname=~"AkamaiEdge5xxRatioHigh|CollectorSuccessStale|CollectorSilent|AkamaiEstatsSampleStale"}')}`,
    );
    const json = (await res.json()) as {
      data: { result: Array<{ metric: Record<string, string> }> };
    };
    return json.data.result.map((r) => `${r.metric.alertname} ${r.metric.cp_code ?? ''}`);
  };
  // Until the rules were evaluated on the run's data (CollectorSilent was pending before it).
  let alerts = await alertsOf();
  for (let i = 0; i < 40 && !alerts.includes('AkamaiEdge5xxRatioHigh 555'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    alerts = await alertsOf();
  }
  // Pending: its `for` has not passed yet. Once, for the CP code of the incident only; the
  // schedule's last success arrived, and no sample looks stale.
  expect(alerts).toEqual(['AkamaiEdge5xxRatioHigh 555']);
});
