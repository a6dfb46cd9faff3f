import { type Collector, runCollector } from '../../../src/collectors/pipeline';
import { resetRemovalChecksForTests } from '../../../src/collectors/removal';
import { ESTATS } from '../../../src/metrics/catalogue';
import type { GroupingKey } from '../../../src/metrics/groups';
import { PushMetrics } from '../../../src/metrics/registry';
import { NO_DEADLINE } from '../../../src/shared/deadline';
import { createLogger } from '../../../src/shared/logger';
import { Deliveries } from '../../../src/sinks/deliveries';
import type { GroupStore, ListedGroup, OutgoingGroup } from '../../../src/sinks/types';

/** One sink that takes every group but those told to fail, and keeps groups in `store`. */
function sinks(failFor: string[], ...stores: GroupStore[]) {
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
      groupStores: stores,
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

/** A listed group of job j, marked as written by `stage`'s `schedules`. */
function listed(name: string, stage: string, schedules: string): ListedGroup {
  return {
    labels: { job: 'j', name },
    series: { collector_group_owner_info: [{ labels: { stage, schedules }, value: '1' }] },
  };
}

/** A group store holding `groups`; `deleted` records what was deleted. */
function storeOf(
  groups: ListedGroup[] | (() => never),
  name = 'http://pg',
): GroupStore & {
  deleted: string[];
} {
  const deleted: string[] = [];
  return {
    name,
    deleted,
    listGroups: async () => (typeof groups === 'function' ? groups() : groups),
    delete: async (key) => deleted.push(key.labels?.name ?? ''),
  };
}

function collector(overrides: Partial<Collector<string, string>> = {}): Collector<string, string> {
  return {
    job: 'j',
    schedule: 's',
    stage: 'prod',
    items: ['a', 'b', 'c'],
    keyOf,
    concurrency: 2,
    produce: async () => up(),
    failureOf: (result) => `${result.item}: ${result.stage}`,
    log: () => {},
    removal: {
      what: 'things',
      logField: 'things',
      current: ['a', 'b', 'c'].map(keyOf),
      isRemoved: (group) => !['a', 'b', 'c'].includes(group.labels.name ?? ''),
      concurrency: 2,
      describe: (key) => key.labels?.name ?? '',
    },
    ...overrides,
  };
}

describe('the collector pipeline', () => {
  beforeEach(() => resetRemovalChecksForTests());

  it('counts from what each group returned, removes, and reports the run last', async () => {
    const lines: string[] = [];
    const store = storeOf([
      listed('gone', 'prod', 's'),
      listed('shared', 'prod', 's,t'),
      listed('other-schedule', 'prod', 't'),
      listed('other-stage', 'staging', 's'),
      { labels: { job: 'j', name: 'unmarked' }, series: {} },
      { ...listed('health', 'prod', 's'), labels: { job: 'j', schedule: 's' } },
    ]);
    const { deliveries, taken } = sinks(['b'], store);
    const outcome = await runCollector(
      collector(),
      deliveries,
      NO_DEADLINE,
      createLogger({ write: (line) => lines.push(line) }),
    );
    expect(outcome).toMatchObject({ ok: 2, failed: ['b: deliver'], removed: ['gone'] });
    // Only the group this stage's schedule alone wrote: never another schedule's, stage's,
    // an unmarked one, or its own health group.
    expect(store.deleted).toEqual(['gone']);
    expect(outcome.seriesPushed).toBe(2);
    expect(outcome.removalError).toBeUndefined();
    // The health group goes last, merged, and counts the failed group.
    const health = taken.at(-1);
    expect(health?.key).toEqual({ job: 'j', labels: { schedule: 's' } });
    expect(health?.mode).toBe('merge');
    const text = await health?.metrics.text(health.key);
    expect(text).toContain('collector_targets{state="failed"} 1');
    expect(text).toContain('collector_run_success 0');
    expect(text).toContain('collector_group_owner_info{stage="prod",schedules="s"} 1');
    const group = taken.find((t) => t.key.labels?.name === 'a');
    expect(await group?.metrics.text(group.key)).toContain(
      'collector_group_owner_info{stage="prod",schedules="s"} 1',
    );
    expect(lines.some((l) => l.includes('deleted the groups of removed things'))).toBe(true);
  });

  it('counts a failed removal as a failure of the run, and still reports it', async () => {
    const { deliveries, taken } = sinks(
      [],
      storeOf(() => {
        throw new Error('Pushgateway gone');
      }),
    );
    const outcome = await runCollector(
      collector(),
      deliveries,
      NO_DEADLINE,
      createLogger({ write: () => {} }),
    );
    expect(outcome).toMatchObject({
      ok: 3,
      failed: [],
      removed: [],
      removalError:
        'could not delete every removed group: cannot list the groups: Pushgateway gone',
    });
    const last = taken.at(-1);
    expect(await last?.metrics.text(last.key)).toContain('collector_targets{state="failed"} 1');
  });

  it('says which group stores a removal has to wait for', async () => {
    const { deliveries } = sinks(
      [],
      storeOf([listed('gone', 'prod', 's')], 'http://pg-a'),
      storeOf(() => {
        throw new Error('connection refused');
      }, 'http://pg-b'),
    );
    const outcome = await runCollector(
      collector(),
      deliveries,
      NO_DEADLINE,
      createLogger({ write: () => {} }),
    );
    expect(outcome.removalDeferredOn).toEqual(['http://pg-b']);
    expect(outcome.removed).toEqual(['gone']);
  });

  it('marks nothing and deletes nothing without a stage (an input written by hand)', async () => {
    const store = storeOf([{ labels: { job: 'j', name: 'gone' }, series: {} }]);
    const { deliveries, taken } = sinks([], store);
    const outcome = await runCollector(
      collector({ stage: undefined }),
      deliveries,
      NO_DEADLINE,
      createLogger({ write: () => {} }),
    );
    expect(outcome.removed).toEqual([]);
    expect(store.deleted).toEqual([]);
    const texts = await Promise.all(taken.map((t) => t.metrics.text(t.key)));
    expect(texts.join('')).not.toContain('collector_group_owner_info');
  });
});
