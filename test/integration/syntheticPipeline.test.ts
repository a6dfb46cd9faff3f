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
    // Push ~12 ticks, one per second, with the simulated time equal to the real time.
    const started = Math.floor(Date.now() / 1000);
    let last = started;
    for (let i = 0; i < 12; i++) {
      last = Math.floor(Date.now() / 1000);
      const { error } = await tick(FLEET, new Date(last * 1000));
      expect(error).toBeUndefined();
      const check = promtoolCheckMetrics(await pushgateway.scrape());
      expect(check).toEqual({ status: 0, output: '' });
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    const packets = await prometheus.waitFor(
      'rate(synthetic_port_receive_packets_total{job="synthetic_telemetry",fleet="it"}[8s]) > 0',
    );
    expect(packets).toHaveLength(6);
    for (const sample of packets)
      expect(sample.metric).toMatchObject({ job: 'synthetic_telemetry', fleet: 'it' });

    // Byte rate as a share of line rate vs the model's mean utilisation over the same window.
    // Tolerance ±20 %: rate() extrapolates over a few 1 s scrapes of 1 s pushes.
    const plan = parseFleet(FLEET);
    const shares = await prometheus.query(
      'rate(synthetic_port_receive_bytes_total{fleet="it"}[8s]) / on(fleet, device, port) synthetic_port_speed_bytes{fleet="it"}',
    );
    expect(shares).toHaveLength(6);
    for (const sample of shares) {
      const device = plan.devices.find((d) => d.name === sample.metric.device);
      const port = device?.ports.find((p) => p.name === sample.metric.port);
      if (!device || !port) throw new Error(`unexpected series ${JSON.stringify(sample.metric)}`);
      const expected = meanUtilisation(plan.seed, device.name, port, 'receive', last - 8, last);
      const observed = Number(sample.value[1]);
      expect(observed).toBeGreaterThan(expected * 0.8);
      expect(observed).toBeLessThan(expected * 1.2);
      // And the model within what the configuration allows: at most the level × 1.2 per-port
      // spread. (Not the observed rate: rate() extrapolates, and may pass it by a few percent.)
      expect(expected).toBeLessThanOrEqual(0.4 * 1.2);
    }

    const up = await prometheus.query('synthetic_port_link_up{fleet="it"}');
    expect(up.map((s) => s.value[1])).toEqual(['1', '1', '1', '1', '1', '1']);
    const devices = await prometheus.query(
      'synthetic_fleet_devices{job="synthetic_telemetry",schedule="it"}',
    );
    expect(devices[0]?.value[1]).toBe('3');

    // Drop switch-03 from the configuration: its group is deleted and its series go stale.
    const { error } = await tick({ ...FLEET, deviceCount: 2 }, new Date());
    expect(error).toBeUndefined();
    expect(
      await pushgateway.group({ job: 'synthetic_telemetry', fleet: 'it', device: 'switch-03' }),
    ).toBeUndefined();
    expect(
      await pushgateway.group({ job: 'synthetic_telemetry', fleet: 'it', device: 'switch-02' }),
    ).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await prometheus.query('synthetic_port_link_up{device="switch-03"}')).toEqual([]);
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
