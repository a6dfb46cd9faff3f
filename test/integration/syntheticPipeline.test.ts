import { handler } from '../../src/handlers/synthetic';
import { parseFleet } from '../../src/synthetic/fleetConfig';
import { meanUtilisation } from '../../src/synthetic/model';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';
import { RealPrometheus } from '../../dev/realPrometheus';
import { promtoolCheckMetrics } from '../helpers/promtool';
import { RealPushgateway } from '../../dev/realPushgateway';

/**
 * Synthetic telemetry through the real Pushgateway into a real Prometheus that scrapes it
 * (honor_labels: true) every second.
 */
let pushgateway: RealPushgateway;
let prometheus: RealPrometheus;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  prometheus = await RealPrometheus.start(pushgateway.url, '1s');
});
afterAll(async () => {
  await prometheus.stop();
  await pushgateway.stop();
});

const env = () => ({
  PUSHGATEWAY_URL: pushgateway.url,
  LOG_LEVEL: 'warn',
  SYNTHETIC_FLEET: undefined,
  SYNTHETIC_FLEET_FILE: undefined,
});
/** A tick as packaging delivers it: the stage that owns the fleet's groups, the time, the fleet. */
const tick = (fleet: object, time: Date) =>
  withEnv(env(), () =>
    captureStdout(() =>
      handler({ stage: 'it', time: time.toISOString(), fleet }, lambdaContext(60_000, 'synthetic')),
    ),
  );

// No flaps or reboots during the test, so every port is up and counting.
const FLEET = {
  name: 'it',
  seed: 'integration',
  deviceCount: 3,
  portsPerDevice: 2,
  trafficLevel: 0.4,
  linkFlapsPerDay: 0,
  rebootsPerDay: 0,
};

describe('synthetic telemetry in a real Prometheus', () => {
  it('gives positive rates that match the configured traffic level, and removes a dropped device', async () => {
    // Two ticks one simulated minute apart. Each is waited for in Prometheus (order, not
    // sleeps), so the check depends only on what was pushed, never on how fast the machine is.
    const t0 = Math.floor(Date.now() / 1000) - 60;
    const t1 = t0 + 60;
    const bytes = 'synthetic_port_receive_bytes_total{job="synthetic_telemetry",fleet="it"}';
    expect((await tick(FLEET, new Date(t0 * 1000))).error).toBeUndefined();
    expect(promtoolCheckMetrics(await pushgateway.scrape())).toEqual({ status: 0, output: '' });
    expect(await prometheus.waitFor(bytes)).toHaveLength(6);
    expect((await tick(FLEET, new Date(t1 * 1000))).error).toBeUndefined();
    expect(promtoolCheckMetrics(await pushgateway.scrape())).toEqual({ status: 0, output: '' });
    expect(await prometheus.waitFor(`count(changes(${bytes}[5m]) > 0) == 6`)).toHaveLength(1);

    const packets = await prometheus.query(
      'rate(synthetic_port_receive_packets_total{job="synthetic_telemetry",fleet="it"}[5m]) > 0',
    );
    expect(packets).toHaveLength(6);
    for (const sample of packets)
      expect(sample.metric).toMatchObject({ job: 'synthetic_telemetry', fleet: 'it' });

    // The bytes counted between the two ticks, as a share of line rate, are the model's mean
    // utilisation over that simulated minute. A counter only grows, so max - min over the
    // window is exactly the second value less the first (no rate() extrapolation); the
    // tolerance covers the counter's whole-byte rounding only.
    const plan = parseFleet(FLEET);
    const shares = await prometheus.query(
      `(max_over_time(${bytes}[5m]) - min_over_time(${bytes}[5m])) / 60 / on(fleet, device, port) synthetic_port_speed_bytes{fleet="it"}`,
    );
    expect(shares).toHaveLength(6);
    for (const sample of shares) {
      const device = plan.devices.find((d) => d.name === sample.metric.device);
      const port = device?.ports.find((p) => p.name === sample.metric.port);
      if (!device || !port) throw new Error(`unexpected series ${JSON.stringify(sample.metric)}`);
      const expected = meanUtilisation(plan.seed, device.name, port, 'receive', t0, t1);
      expect(expected).toBeGreaterThan(0);
      expect(Number(sample.value[1])).toBeCloseTo(expected, 6);
      // And the model within what the configuration allows: at most the level × 1.2 per-port
      // spread.
      expect(expected).toBeLessThanOrEqual(0.4 * 1.2);
    }

    const up = await prometheus.query('synthetic_port_link_up{fleet="it"}');
    expect(up.map((s) => s.value[1])).toEqual(['1', '1', '1', '1', '1', '1']);
    const devices = await prometheus.query(
      'synthetic_fleet_devices{job="synthetic_telemetry",schedule="it"}',
    );
    expect(devices[0]?.value[1]).toBe('3');

    // Drop switch-03 from the configuration: its group is deleted and its series go stale.
    const { error } = await tick({ ...FLEET, deviceCount: 2 }, new Date((t1 + 60) * 1000));
    expect(error).toBeUndefined();
    expect(
      await pushgateway.group({ job: 'synthetic_telemetry', fleet: 'it', device: 'switch-03' }),
    ).toBeUndefined();
    expect(
      await pushgateway.group({ job: 'synthetic_telemetry', fleet: 'it', device: 'switch-02' }),
    ).toBeDefined();
    expect(await prometheus.waitUntilEmpty('synthetic_port_link_up{device="switch-03"}')).toEqual(
      [],
    );
    expect(await prometheus.query('synthetic_port_link_up{device="switch-02"}')).toHaveLength(2);
  }, 90_000);

  it('pushes identical values for a duplicated delivery of the same tick', async () => {
    const time = new Date('2026-11-20T12:00:00Z');
    await tick(FLEET, time);
    const first = await pushgateway.scrape();
    await tick(FLEET, time);
    const second = await pushgateway.scrape();
    const values = (text: string) =>
      text.split('\n').filter((l) => l.startsWith('synthetic_port_'));
    expect(values(second)).toEqual(values(first));
    expect(values(first).length).toBeGreaterThan(0);
  });

  it('refuses a bad fleet before pushing anything, naming the field', async () => {
    await pushgateway.wipe();
    const { error } = await tick({ deviceCount: 0 }, new Date());
    expect((error as Error).message).toContain(
      'invalid synthetic fleet in the event: deviceCount: must be at least 1',
    );
    expect(await pushgateway.groups()).toEqual([]);
  });
});
