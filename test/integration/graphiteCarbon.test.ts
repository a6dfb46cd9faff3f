import { type AddressInfo, connect, createServer } from 'node:net';
import { CollectorRunError } from '../../src/collectors/errors';
import { handler as estatsHandler } from '../../src/handlers/estats';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { freePort } from '../../dev/local/ports';
import { RealCarbon } from '../../dev/realCarbon';
import { captureStdout, withEnv } from '../helpers/env';
import { runSyntheticTick } from '../helpers/handlers';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * The Graphite sink into the real carbon-cache (Debian's graphite-carbon): tagged series land
 * in whisper files with their values and sample times, read back with whisper-fetch.
 */
let carbon: RealCarbon;
let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  carbon = await RealCarbon.start();
  ({ akamai, edgercPath } = await startAkamaiStandin());
}, 60_000);
afterAll(async () => {
  await carbon?.stop();
  await akamai?.stop();
});

const env = (graphiteHost = carbon.address) => ({
  SINKS: 'graphite',
  GRAPHITE_HOST: graphiteHost,
  AKAMAI_EDGERC: edgercPath,
  AKAMAI_EDGERC_SECTION: 'standin',
  AKAMAI_SECRET_ID: undefined,
  ESTATS_MIN_INTERVAL_MS: '0',
  LOG_LEVEL: 'error',
});

/** Points of a series once carbon-cache has written them (it writes asynchronously). */
async function pointsOf(name: string, tags: Record<string, string>, from: number, until: number) {
  for (let attempt = 0; ; attempt++) {
    const points = carbon.fetch(name, tags, from, until);
    if (points.length > 0 || attempt >= 50) return points;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

it("stores an eStats run as tagged series at Akamai's sample time", async () => {
  const url = 'https://www.example.com/a?b=1';
  const { error } = await withEnv(env(), () =>
    captureStdout(() =>
      estatsHandler({ name: 'graphite', targets: [{ cpCode: 424242 }, { url }] }, lambdaContext()),
    ),
  );
  expect(error).toBeUndefined();
  const now = Math.ceil(Date.now() / 1000);
  const job = { job: 'akamai_estats' };
  const [sampleTime] = await pointsOf(
    'akamai_estats_sample_timestamp_seconds',
    { ...job, cp_code: '424242' },
    now - 3600,
    now,
  );
  // The point sits at the sample time its value names (whisper keeps whole seconds).
  expect(sampleTime?.timestampSeconds).toBe(Math.floor(sampleTime?.value ?? 0));
  const up = await pointsOf('akamai_estats_up', { ...job, cp_code: '424242' }, now - 3600, now);
  expect(up).toEqual([{ timestampSeconds: sampleTime?.timestampSeconds, value: 1 }]);
  // A URL target: its URL is a tag value as it is ('=' and '?' are allowed there).
  const byUrl = await pointsOf('akamai_estats_up', { ...job, url }, now - 3600, now);
  expect(byUrl.map((p) => p.value)).toEqual([1]);
});

it('stores synthetic counters at their tick times', async () => {
  const fleet = {
    name: 'gr',
    deviceCount: 1,
    portsPerDevice: 1,
    linkFlapsPerDay: 0,
    rebootsPerDay: 0,
  };
  const first = Math.floor(Date.now() / 60_000) * 60 - 180;
  for (const tick of [first, first + 60]) {
    const { error } = await runSyntheticTick(env(), fleet, tick);
    expect(error).toBeUndefined();
  }
  const tags = { job: 'synthetic_telemetry', fleet: 'gr', device: 'switch-01', port: 'eth1' };
  // Both ticks: the second may still be in carbon-cache's queue.
  let points = await pointsOf('synthetic_port_receive_packets_total', tags, first, first + 60);
  for (let i = 0; i < 50 && points.length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    points = carbon.fetch('synthetic_port_receive_packets_total', tags, first, first + 60);
  }
  expect(points.map((p) => p.timestampSeconds)).toEqual([first, first + 60]);
  expect(points[1]?.value).toBeGreaterThan(points[0]?.value ?? Number.POSITIVE_INFINITY);
});

it('retries a connection Carbon drops, within the deadline, and the run delivers', async () => {
  // A relay in front of the real carbon-cache that resets the first connection it gets.
  let connections = 0;
  const relay = createServer((socket) => {
    connections++;
    if (connections === 1) {
      socket.resetAndDestroy();
      return;
    }
    const [host, port] = carbon.address.split(':');
    const upstream = connect({ host: host ?? '127.0.0.1', port: Number(port) });
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const relayAddress = `127.0.0.1:${(relay.address() as AddressInfo).port}`;
  try {
    const before = Math.floor(Date.now() / 1000) - 3600;
    const { error } = await withEnv(env(relayAddress), () =>
      captureStdout(() =>
        estatsHandler({ name: 'graphite-retry', targets: [{ cpCode: 31 }] }, lambdaContext()),
      ),
    );
    expect(error).toBeUndefined();
    expect(connections).toBeGreaterThan(1);
    const points = await pointsOf(
      'akamai_estats_up',
      { job: 'akamai_estats', cp_code: '31' },
      before,
      Math.floor(Date.now() / 1000) + 60,
    );
    expect(points.map((p) => p.value)).toContain(1);
  } finally {
    await new Promise((resolve) => relay.close(resolve));
  }
});

it('fails the run with a clear error when Carbon is unreachable', async () => {
  const closed = `127.0.0.1:${await freePort()}`;
  const { error } = await withEnv(env(closed), () =>
    captureStdout(() =>
      estatsHandler({ name: 'graphite', targets: [{ cpCode: 1 }] }, lambdaContext()),
    ),
  );
  expect(error).toBeInstanceOf(CollectorRunError);
  expect((error as Error).message).toContain(
    `Carbon at ${closed} is unreachable: connect ECONNREFUSED`,
  );
  expect((error as Error).message).toContain('(after 4 attempts)');
});
