import { type Collector, runCollector } from '../../../src/collectors/pipeline';
import { resetRemovalChecksForTests } from '../../../src/collectors/removal';
import { ESTATS } from '../../../src/metrics/catalogue';
import type { GroupingKey } from '../../../src/metrics/groups';
import { PushMetrics } from '../../../src/metrics/registry';
import { NO_DEADLINE } from '../../../src/shared/deadline';
import { createLogger } from '../../../src/shared/logger';
import { Deliveries } from '../../../src/sinks/deliveries';
import type { GroupStore, OutgoingGroup } from '../../../src/sinks/types';

/** One sink that takes every group but those told to fail, and keeps groups in `store`. */
function sinks(failFor: string[], store?: GroupStore) {
  const taken: OutgoingGroup[] = [];
  const deliveries = new Deliveries([
    {
      sink: {
        name: 'pushgateway',
        write: async (group) => {
          if (failFor.includes(group.key.labels?.name ?? '')) throw new Error('refused');
          taken.push(group);
        },
      },
      groupStores: store ? [store] : [],
    },
  ]);
  return { deliveries, taken };
}

const up = () => {
  const metrics = new PushMetrics();
  metrics.family(ESTATS.up).set(1);
  return metrics;
};
const keyOf = (name: string): GroupingKey => ({ job: 'j', labels: { name } });

function collector(overrides: Partial<Collector<string, string>> = {}): Collector<string, string> {
  return {
    job: 'j',
    schedule: 's',
    items: ['a', 'b', 'c'],
    keyOf,
    concurrency: 2,
    produce: async () => up(),
    failureOf: (result) => `${result.item}: ${result.stage}`,
    log: () => {},
    removal: {
      what: 'things',
      logField: 'things',
      remove: async () => ({ deleted: [keyOf('gone')], deferredOn: [] }),
      describe: (key) => key.labels?.name ?? '',
    },
    ...overrides,
  };
}

describe('the collector pipeline', () => {
  beforeEach(() => resetRemovalChecksForTests());

  it('counts from what each group returned, removes, and reports the run last', async () => {
    const lines: string[] = [];
    const { deliveries, taken } = sinks(['b']);
    const outcome = await runCollector(
      collector(),
      deliveries,
      NO_DEADLINE,
      createLogger({ write: (line) => lines.push(line) }),
    );
    expect(outcome).toMatchObject({ ok: 2, failed: ['b: deliver'], removed: ['gone'] });
    expect(outcome.seriesPushed).toBe(2);
    expect(outcome.removalError).toBeUndefined();
    // The health group goes last, merged, and counts the failed group.
    const health = taken.at(-1);
    expect(health?.key).toEqual({ job: 'j', labels: { schedule: 's' } });
    expect(health?.mode).toBe('merge');
    const text = await health?.metrics.text(health.key);
    expect(text).toContain('collector_targets{state="failed"} 1');
    expect(text).toContain('collector_run_success 0');
    expect(lines.some((l) => l.includes('deleted the groups of removed things'))).toBe(true);
  });

  it('counts a failed removal as a failure of the run, and still reports it', async () => {
    const { deliveries, taken } = sinks([]);
    const outcome = await runCollector(
      collector({
        removal: {
          ...collector().removal,
          remove: async () => {
            throw new Error('Pushgateway gone');
          },
        },
      }),
      deliveries,
      NO_DEADLINE,
      createLogger({ write: () => {} }),
    );
    expect(outcome).toMatchObject({
      ok: 3,
      failed: [],
      removed: [],
      removalError: 'Pushgateway gone',
    });
    const last = taken.at(-1);
    expect(await last?.metrics.text(last.key)).toContain('collector_targets{state="failed"} 1');
  });

  it('says which group stores a removal has to wait for', async () => {
    const { deliveries } = sinks([]);
    const outcome = await runCollector(
      collector({
        removal: {
          ...collector().removal,
          remove: async () => ({ deleted: [], deferredOn: ['http://pg-b'] }),
        },
      }),
      deliveries,
      NO_DEADLINE,
      createLogger({ write: () => {} }),
    );
    expect(outcome.removalDeferredOn).toEqual(['http://pg-b']);
  });
});
