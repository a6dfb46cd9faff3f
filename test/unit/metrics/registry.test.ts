import { COLLECTOR, ESTATS, type MetricDefinition } from '../../../src/metrics/catalogue';
import { PushMetrics } from '../../../src/metrics/registry';
import { parseFleet } from '../../../src/synthetic/fleetConfig';
import { buildDeviceMetrics } from '../../../src/synthetic/metrics';
import { modelSettings, sampleDevice } from '../../../src/synthetic/model';
import { promClientText } from '../../helpers/promClientReplay';
import { promtoolCheckMetrics } from '../../helpers/promtool';

const gauge = (name: string, labels: string[] = []): MetricDefinition => ({
  name,
  help: `help of ${name}`,
  type: 'gauge',
  labels,
});

describe('PushMetrics (catalogue families in a prom-client Registry)', () => {
  it('names an invalid metric or label name before anything is written', () => {
    const metrics = new PushMetrics();
    expect(() => metrics.family(gauge('bad-name'))).toThrow('invalid metric name "bad-name"');
    expect(() => metrics.family(gauge('ok_name', ['__reserved']))).toThrow(
      'invalid label name "__reserved" in metric ok_name',
    );
  });

  it('starts empty every time: nothing carries over from an earlier push', async () => {
    new PushMetrics().family(ESTATS.up).set(1);
    const second = new PushMetrics();
    second.family(COLLECTOR.runSuccess).set(1);
    const text = await second.text();
    expect(text).toContain('collector_run_success 1');
    expect(text).not.toContain('akamai_estats_up');
  });

  it('creates a family at its first sample: an unset unlabelled gauge is not pushed as 0', async () => {
    const metrics = new PushMetrics();
    metrics.family(gauge('never_set'));
    metrics.family(gauge('never_set_labelled', ['x']));
    metrics.family(gauge('was_set')).set(1);
    expect(await metrics.text()).toBe(
      '# HELP was_set help of was_set\n# TYPE was_set gauge\nwas_set 1\n',
    );
    expect(metrics.seriesCount).toBe(1);
  });

  it('writes counters with the absolute value the collector computed', async () => {
    const metrics = new PushMetrics();
    const counter = metrics.family({ ...gauge('packets_total', ['port']), type: 'counter' });
    counter.set({ port: 'a' }, 0);
    counter.set({ port: 'b' }, 123456789);
    expect(await metrics.text()).toBe(
      [
        '# HELP packets_total help of packets_total',
        '# TYPE packets_total counter',
        'packets_total{port="a"} 0',
        'packets_total{port="b"} 123456789',
        '',
      ].join('\n'),
    );
  });

  it('escapes label values as the exposition format requires (promtool agrees)', async () => {
    const metrics = new PushMetrics();
    const family = metrics.family(gauge('weird_values', ['a', 'b']));
    family.set({ a: 'quote " backslash \\ newline \n end', b: 'ünïcødé 🚀' }, 1.5);
    family.set({ a: 'inf', b: '' }, Number.POSITIVE_INFINITY);
    family.set({ a: 'ninf', b: 'n' }, Number.NEGATIVE_INFINITY);
    const text = await metrics.text();
    expect(text).toContain('weird_values{a="quote \\" backslash \\\\ newline \\n end"');
    expect(text).toContain('weird_values{a="inf",b=""} +Inf');
    // Parsed back and written again, the samples come out the same: nothing is lost on the way.
    expect(await promClientText(text)).toBe(text);
    expect(promtoolCheckMetrics(text).status).toBe(0);
    expect(metrics.seriesCount).toBe(3);
  });

  it('refuses a second, different definition under the same name', () => {
    const metrics = new PushMetrics();
    metrics.family(gauge('twice'));
    expect(() => metrics.family(gauge('twice'))).toThrow('defined twice');
  });

  it('counts the series of a real synthetic device group, which promtool accepts', async () => {
    const plan = parseFleet({ deviceCount: 2, portsPerDevice: 12 });
    const device = plan.devices[1];
    if (!device) throw new Error('fleet has no second device');
    const metrics = buildDeviceMetrics(
      sampleDevice(device, Date.parse('2026-11-20T18:00:00Z') / 1000, modelSettings(plan)),
    );
    const text = await metrics.text();
    const sampleLines = text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    expect(metrics.seriesCount).toBe(sampleLines.length);
    expect(metrics.seriesCount).toBe(12 * 14 + 1);
    expect(await promClientText(text)).toBe(text);
    expect(promtoolCheckMetrics(text).status).toBe(0);
  });
});
