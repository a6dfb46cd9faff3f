import fc from 'fast-check';
import { Gauge, Registry } from 'prom-client';
import { COLLECTOR, ESTATS, type MetricDefinition } from '../../../src/metrics/catalogue';
import { LabelSet, MetricsBody } from '../../../src/metrics/exposition';
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

describe('MetricsBody (our text exposition writer)', () => {
  it('names an invalid metric or label name before anything is written', () => {
    const metrics = new MetricsBody();
    expect(() => metrics.family(gauge('bad-name'))).toThrow('invalid metric name "bad-name"');
    expect(() => metrics.family(gauge('ok_name', ['__reserved']))).toThrow(
      'invalid label name "__reserved" in metric ok_name',
    );
  });

  it('starts empty every time: nothing carries over from an earlier push', () => {
    new MetricsBody().family(ESTATS.up).set(1);
    const second = new MetricsBody();
    second.family(COLLECTOR.runSuccess).set(1);
    expect(second.text()).toContain('collector_run_success 1');
    expect(second.text()).not.toContain('akamai_estats_up');
  });

  it('writes what prom-client writes: escaping, unicode, special values, pre-rendered label sets', async () => {
    const metrics = new MetricsBody();
    const family = metrics.family(gauge('weird_values', ['a', 'b']));
    family.set({ a: 'quote " backslash \\ newline \n end', b: 'ünïcødé 🚀' }, 1.5);
    family.set({ a: 'x', b: 'y' }, Number.NaN);
    family.set({ a: 'inf', b: '' }, Number.POSITIVE_INFINITY);
    family.set({ a: 'ninf', b: 'n' }, Number.NEGATIVE_INFINITY);
    family.set({ a: 'big', b: 'n' }, 1e21);
    family.set(new LabelSet({ a: 'pre"rendered', b: 'once' }), -0.000001);
    metrics.family(gauge('help_escape')).set(3);
    metrics.family({ ...gauge('c_total', ['n']), type: 'counter' }).set({ n: 7 }, 42);
    const text = metrics.text();
    expect(text).toBe(await promClientText(text));
    expect(text).toContain('weird_values{a="quote \\" backslash \\\\ newline \\n end"');
    expect(text).toContain('weird_values{a="pre\\"rendered",b="once"} -0.000001');
    expect(metrics.seriesCount).toBe(8);
    expect(promtoolCheckMetrics(text).status).toBe(0);
  });

  it('leaves out a family that got no samples (prom-client would write a bare header)', () => {
    const metrics = new MetricsBody();
    metrics.family(gauge('never_set', ['x']));
    metrics.family(gauge('was_set')).set(1);
    expect(metrics.text()).toBe(
      '# HELP was_set help of was_set\n# TYPE was_set gauge\nwas_set 1\n',
    );
    expect(new MetricsBody().text()).toBe('');
  });

  it('refuses a second, different definition under the same name', () => {
    const metrics = new MetricsBody();
    metrics.family(gauge('twice'));
    expect(() => metrics.family(gauge('twice'))).toThrow('defined twice');
  });

  it('matches prom-client byte for byte on a real synthetic device group', async () => {
    const plan = parseFleet({ deviceCount: 2, portsPerDevice: 12 });
    const device = plan.devices[1];
    if (!device) throw new Error('fleet has no second device');
    const metrics = buildDeviceMetrics(
      sampleDevice(device, Date.parse('2026-11-20T18:00:00Z') / 1000, modelSettings(plan)),
    );
    const text = metrics.text();
    expect(metrics.seriesCount).toBeGreaterThan(12 * 14);
    expect(text).toBe(await promClientText(text));
    expect(promtoolCheckMetrics(text).status).toBe(0);
  });

  it('matches prom-client byte for byte on arbitrary label values and numbers', async () => {
    const labelValue = fc.oneof(
      fc.string(),
      fc.string({ unit: 'grapheme' }),
      fc.constantFrom('"', '\\', '\n', '\\n', '\\"', ''),
      fc.integer().map(String),
    );
    const value = fc.oneof(
      fc.double(),
      fc.integer(),
      fc.constantFrom(0, -0, Number.MAX_VALUE, Number.MIN_VALUE),
    );
    await fc.assert(
      fc.asyncProperty(
        // Each label set once per body (a repeat is the caller's error; the Pushgateway refuses it).
        fc.uniqueArray(fc.tuple(labelValue, labelValue, value), {
          minLength: 1,
          maxLength: 20,
          selector: ([first, second]) => JSON.stringify([first, second]),
        }),
        async (samples) => {
          const metrics = new MetricsBody();
          const family = metrics.family(gauge('fuzzed', ['first', 'second']));
          samples.forEach(([first, second, v], i) =>
            family.set(i % 2 === 0 ? { first, second } : new LabelSet({ first, second }), v),
          );
          // prom-client fed the very same inputs.
          const registry = new Registry();
          const peer = new Gauge({
            name: 'fuzzed',
            help: 'help of fuzzed',
            labelNames: ['first', 'second'],
            registers: [registry],
          });
          for (const [first, second, v] of samples) peer.set({ first, second }, v);
          expect(metrics.text()).toBe(await registry.metrics());
        },
      ),
      { numRuns: 500 },
    );
  });
});
