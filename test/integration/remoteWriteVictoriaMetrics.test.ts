import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { handler as estatsHandler } from '../../src/handlers/estats';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { launchVictoriaMetrics, type RunningBinary } from '../../dev/launchers';
import { captureStdout, remoteWriteEnv, withEnv } from '../helpers/env';
import { runSyntheticTick } from '../helpers/handlers';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * The collectors' remote write into the real VictoriaMetrics (Debian's single-node server),
 * read back through its Prometheus-compatible query API: labels, values, sample times, and
 * synthetic counters that increase from tick to tick.
 */
let victoria: RunningBinary;
let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  victoria = await launchVictoriaMetrics({
    storagePath: join(mkdtempSync(join(tmpdir(), 'victoria-')), 'data'),
  });
  ({ akamai, edgercPath } = await startAkamaiStandin());
});
afterAll(async () => {
  await victoria?.stop();
  await akamai?.stop();
});

const env = () => remoteWriteEnv(victoria.url, edgercPath);

type Series = { metric: Record<string, string>; values: Array<[number, string]> };

/** Samples of `selector` in the `minutes` before `atSeconds`, after VictoriaMetrics has them. */
async function samplesOf(selector: string, atSeconds: number, minutes = 10): Promise<Series[]> {
  // Written data becomes searchable when VictoriaMetrics flushes its in-memory buffers: ask it
  // to (its endpoint for tests), rather than wait for its own interval.
  await fetch(`${victoria.url}/internal/force_flush`);
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(
      `${victoria.url}/api/v1/query?query=${encodeURIComponent(`${selector}[${minutes}m]`)}&time=${atSeconds}&nocache=1`,
    );
    const json = (await res.json()) as { data: { result: Series[] } };
    if (json.data.result.length > 0 || attempt >= 40) return json.data.result;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

it("lands an eStats run with its labels, values and Akamai's sample time", async () => {
  const { error } = await withEnv(env(), () =>
    captureStdout(() =>
      estatsHandler(
        { name: 'vm', targets: [{ cpCode: 424242, delivery: 'STANDARD_TLS' }] },
        lambdaContext(),
      ),
    ),
  );
  expect(error).toBeUndefined();
  const now = Math.ceil(Date.now() / 1000);
  const [sampleTime] = await samplesOf(
    'akamai_estats_sample_timestamp_seconds{cp_code="424242"}',
    now,
  );
  expect(sampleTime?.metric).toEqual({
    __name__: 'akamai_estats_sample_timestamp_seconds',
    job: 'akamai_estats',
    cp_code: '424242',
    delivery: 'STANDARD_TLS',
  });
  const [[at, value] = [0, '0']] = sampleTime?.values ?? [];
  // Stamped with the sample time its own value names (VictoriaMetrics keeps milliseconds).
  expect(at).toBeCloseTo(Number(value), 3);
  const ups = await samplesOf('akamai_estats_up{cp_code="424242"}', now);
  expect(ups.map((s) => s.values)).toEqual([[[at, '1']]]);
});

it('lands synthetic counters at their tick times, increasing from tick to tick', async () => {
  const fleet = {
    name: 'vm',
    deviceCount: 1,
    portsPerDevice: 2,
    linkFlapsPerDay: 0,
    rebootsPerDay: 0,
  };
  const first = Math.floor(Date.now() / 60_000) * 60 - 300;
  const ticks = [first, first + 60, first + 120];
  for (const tick of ticks) {
    const { error } = await runSyntheticTick(env(), fleet, tick);
    expect(error).toBeUndefined();
  }
  const counters = await samplesOf(
    'synthetic_port_receive_packets_total{fleet="vm"}',
    first + 121,
    3,
  );
  expect(counters).toHaveLength(2);
  for (const port of counters) {
    expect(port.values.map(([t]) => t)).toEqual(ticks);
    const values = port.values.map(([, v]) => Number(v));
    expect(values[1]).toBeGreaterThan(values[0] ?? Number.POSITIVE_INFINITY);
    expect(values[2]).toBeGreaterThan(values[1] ?? Number.POSITIVE_INFINITY);
  }
});
