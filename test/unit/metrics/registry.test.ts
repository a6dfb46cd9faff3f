import { createRunRegistry, registerGauge, serialize } from '../../../src/metrics/registry';
import { COLLECTOR, ESTATS } from '../../../src/metrics/catalogue';

describe('run registry', () => {
  it('names an invalid metric or label name before anything is built', () => {
    const registry = createRunRegistry();
    expect(() =>
      registerGauge(registry, { name: 'bad-name', help: 'h', type: 'gauge', labels: [] }),
    ).toThrow('invalid metric name "bad-name"');
    expect(() =>
      registerGauge(registry, {
        name: 'ok_name',
        help: 'h',
        type: 'gauge',
        labels: ['__reserved'],
      }),
    ).toThrow('invalid label name "__reserved" in metric ok_name');
  });

  it('starts empty every time: nothing carries over from an earlier run', async () => {
    const first = createRunRegistry();
    registerGauge(first, ESTATS.up).set(1);
    const second = createRunRegistry();
    registerGauge(second, COLLECTOR.runSuccess).set(1);
    const text = await serialize(second);
    expect(text).toContain('collector_run_success 1');
    expect(text).not.toContain('akamai_estats_up');
  });

  it('uses gauges without _total for the eStats snapshot and the collector health', () => {
    for (const definition of [...Object.values(ESTATS), ...Object.values(COLLECTOR)]) {
      expect(definition.type).toBe('gauge');
      expect(definition.name.endsWith('_total')).toBe(false);
    }
  });
});
