import { runFailed } from '../../../src/collectors/errors';
import { finishRun, runGroups, type Sink } from '../../../src/collectors/runner';
import { ESTATS } from '../../../src/metrics/catalogue';
import type { GroupingKey } from '../../../src/metrics/groups';
import { PushMetrics } from '../../../src/metrics/registry';
import { PushError } from '../../../src/sinks/pushgateway/errors';
import { NO_DEADLINE } from '../../../src/shared/deadline';
import { createLogger } from '../../../src/shared/logger';

/** A sink that records what it was given, failing for the groups told to. */
function fakeSink(failFor: string[] = []) {
  const puts: Array<{ group: string; body: string }> = [];
  const posts: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const sink: Sink = {
    put: async (key: GroupingKey, metrics: PushMetrics) => {
      const group = key.labels?.name ?? '';
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (failFor.includes(group)) throw new Error(`sink refused ${group}`);
      puts.push({ group, body: await metrics.text() });
    },
    post: async (_key: GroupingKey, metrics: PushMetrics) => {
      posts.push(await metrics.text());
    },
  };
  return { sink, puts, posts, maxInFlight: () => maxInFlight };
}

const up = (value: number) => {
  const metrics = new PushMetrics();
  metrics.family(ESTATS.up).set(value);
  return metrics;
};
const lines: string[] = [];
const logger = createLogger({ write: (line) => lines.push(line) });
const keyOf = (name: string): GroupingKey => ({ job: 'j', labels: { name } });

describe('the group runner every collector shares', () => {
  it('isolates groups: a failing source is recorded in its own group, the others land', async () => {
    const { sink, puts } = fakeSink();
    const results = await runGroups({
      items: ['a', 'b', 'c'],
      keyOf,
      concurrency: 1,
      produce: async (name) => {
        if (name === 'b') throw new Error('source broke');
        return up(1);
      },
      failureSeries: () => up(0),
      sink,
      deadline: NO_DEADLINE,
      logger,
    });
    expect(results.map((r) => [r.item, r.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
    expect(puts.map((p) => [p.group, /^akamai_estats_up 1$/m.test(p.body)])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
  });

  it('records nothing when the sink itself failed, and says which stage failed', async () => {
    const { sink, puts } = fakeSink(['b']);
    const results = await runGroups({
      items: ['a', 'b'],
      keyOf,
      concurrency: 2,
      produce: async () => up(1),
      failureSeries: () => up(0),
      sink,
      deadline: NO_DEADLINE,
      logger,
    });
    const failed = results.find((r) => !r.ok);
    expect(failed && !failed.ok ? [failed.item, failed.stage] : []).toEqual(['b', 'deliver']);
    expect(puts.map((p) => p.group)).toEqual(['a']);
  });

  it('records the failure series in a group the Pushgateway refuses as inconsistent (HTTP 400)', async () => {
    const refusing: Sink = {
      put: async (key: GroupingKey, metrics: PushMetrics) => {
        const body = await metrics.text();
        if (key.labels?.name === 'b' && /^akamai_estats_up 1$/m.test(body))
          throw new PushError('PUT b: Pushgateway answered HTTP 400: is not a COUNTER', {
            group: 'b',
            status: 400,
            retryable: false,
          });
        taken.push({ group: key.labels?.name ?? '', body });
      },
      post: async () => {},
    };
    const taken: Array<{ group: string; body: string }> = [];
    const results = await runGroups({
      items: ['a', 'b'],
      keyOf,
      concurrency: 1,
      produce: async () => up(1),
      failureSeries: () => up(0),
      sink: refusing,
      deadline: NO_DEADLINE,
      logger,
    });
    const b = results.find((r) => r.item === 'b');
    expect(b?.ok).toBe(true);
    expect(b?.ok && b.refused instanceof PushError).toBe(true);
    expect(results.find((r) => r.item === 'a')).toMatchObject({ ok: true });
    expect(taken.map((t) => [t.group, /^akamai_estats_up (\d)$/m.exec(t.body)?.[1]])).toEqual([
      ['a', '1'],
      ['b', '0'],
    ]);
  });

  it('fails a group whose push the Pushgateway could not take for another reason', async () => {
    const down: Sink = {
      put: async () => {
        throw new PushError('PUT: Pushgateway answered HTTP 503', {
          group: 'a',
          status: 503,
          retryable: true,
        });
      },
      post: async () => {},
    };
    const [a] = await runGroups({
      items: ['a'],
      keyOf,
      concurrency: 1,
      produce: async () => up(1),
      failureSeries: () => up(0),
      sink: down,
      deadline: NO_DEADLINE,
      logger,
    });
    expect(a).toMatchObject({ ok: false, stage: 'deliver' });
  });

  it('leaves the group as it was when the collector records no failure series', async () => {
    const { sink, puts } = fakeSink();
    await runGroups({
      items: ['a'],
      keyOf,
      concurrency: 1,
      produce: async () => {
        throw new Error('no sample');
      },
      sink,
      deadline: NO_DEADLINE,
      logger,
    });
    expect(puts).toEqual([]);
  });

  it('keeps at most `concurrency` groups in flight and reports each as it finishes', async () => {
    const { sink, maxInFlight } = fakeSink();
    const seen: string[] = [];
    await runGroups({
      items: ['a', 'b', 'c', 'd', 'e'],
      keyOf,
      concurrency: 2,
      produce: async () => up(1),
      sink,
      deadline: NO_DEADLINE,
      logger,
      onResult: (result) => seen.push(result.item),
    });
    expect(maxInFlight()).toBe(2);
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  /** A run of two targets, both fine. */
  const outcome = {
    job: 'j',
    schedule: 's',
    durationSeconds: 1,
    okTargets: 2,
    failedTargets: 0,
    endedAt: new Date(0),
  };

  it("pushes the run's health last, and returns why it could not", async () => {
    const { sink, posts } = fakeSink();
    const delivered = {
      sinks: [{ sink: 'pushgateway' as const, failedGroups: 0 }],
      pushgateways: {
        quorum: 1,
        delivered: true,
        pushgateways: [{ pushgateway: 'http://pg:9091', missedGroups: 0 }],
      },
    };
    const one = { ...sink, report: () => delivered };
    expect(await finishRun(one, outcome, NO_DEADLINE, logger)).toEqual({});
    expect(posts[0]).toContain('collector_run_success 1');
    expect(posts[0]).toContain(
      'collector_pushgateway_missed_groups{pushgateway="http://pg:9091"} 0',
    );
    const broken = {
      ...one,
      post: async () => {
        throw new Error('pushgateway down');
      },
    };
    expect(await finishRun(broken, outcome, NO_DEADLINE, logger)).toEqual({
      healthPushError: 'pushgateway down',
    });
  });

  it('fails a run no Pushgateway took whole, though each group landed somewhere', async () => {
    const { sink, posts } = fakeSink();
    const split = {
      quorum: 1,
      delivered: false,
      pushgateways: [
        { pushgateway: 'http://a', missedGroups: 1, error: 'HTTP 400 on g1' },
        { pushgateway: 'http://b', missedGroups: 1, error: 'HTTP 400 on g2' },
      ],
    };
    const report = {
      sinks: [{ sink: 'pushgateway' as const, failedGroups: 0 }],
      pushgateways: split,
    };
    const delivery = await finishRun(
      { ...sink, report: () => report },
      outcome,
      NO_DEADLINE,
      logger,
    );
    expect(delivery).toEqual({
      pushgateways: split.pushgateways,
      deliveryError:
        '0 of 2 Pushgateways took every group, fewer than the quorum of 1: http://a missed 1 (HTTP 400 on g1); http://b missed 1 (HTTP 400 on g2)',
    });
    expect(runFailed(0, delivery)).toBe(true);
    expect(posts[0]).toContain('collector_run_success 0');
    expect(posts[0]).toContain('collector_pushgateway_missed_groups{pushgateway="http://b"} 1');
  });
});

it('still reports a group whose handling failed unexpectedly, so the run counts it', async () => {
  const { sink } = fakeSink();
  const reported: Array<[string, boolean]> = [];
  const results = await runGroups({
    items: ['a', 'b'],
    keyOf: (name) => {
      if (name === 'b') throw new Error('no key for b');
      return keyOf(name);
    },
    concurrency: 1,
    produce: async () => up(1),
    sink,
    deadline: NO_DEADLINE,
    logger,
    onResult: (result) => reported.push([result.item, result.ok]),
  });
  expect(results.map((r) => [r.item, r.ok])).toEqual([
    ['a', true],
    ['b', false],
  ]);
  expect(reported).toEqual([
    ['a', true],
    ['b', false],
  ]);
});
