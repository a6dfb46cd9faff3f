import { runFailed } from '../../../src/collectors/errors';
import { finishRun, runGroups, type Sink } from '../../../src/collectors/runner';
import { ESTATS } from '../../../src/metrics/catalogue';
import type { GroupingKey } from '../../../src/metrics/groups';
import { PushMetrics } from '../../../src/metrics/registry';
import { PushError } from '../../../src/sinks/pushgateway/errors';
import { Deliveries } from '../../../src/sinks/deliveries';
import { RemoteWriteError } from '../../../src/sinks/remoteWrite/errors';
import type { MetricsSink } from '../../../src/sinks/types';
import { describeError, HttpTransportError } from '../../../src/shared/errors';
import { NO_DEADLINE } from '../../../src/shared/deadline';
import { createLogger } from '../../../src/shared/logger';

/** Deliveries to one sink that records what it was given, failing for the groups told to. */
function fakeSink(failFor: string[] = []) {
  const puts: Array<{ group: string; body: string }> = [];
  const posts: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const recording: MetricsSink = {
    name: 'fake',
    write: async ({ key, metrics, mode }) => {
      if (mode === 'merge') {
        posts.push(await metrics.text(key));
        return;
      }
      const group = key.labels?.name ?? '';
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (failFor.includes(group)) throw new Error(`sink refused ${group}`);
      puts.push({ group, body: await metrics.text(key) });
    },
  };
  const sink: Sink = new Deliveries([{ sink: recording }]);
  return { sink, puts, posts, maxInFlight: () => maxInFlight };
}

/** A sink that throws `error` (if any) for group `b` while it holds `up 1`, and records what it took. */
function refusingB(name: string, error?: () => Error) {
  const taken: Array<{ group: string; up: string | undefined }> = [];
  const sink: MetricsSink = {
    name,
    write: async ({ key, metrics }) => {
      const body = await metrics.text(key);
      if (error && key.labels?.name === 'b' && /^akamai_estats_up 1$/m.test(body)) throw error();
      taken.push({ group: key.labels?.name ?? '', up: /^akamai_estats_up (\d)$/m.exec(body)?.[1] });
    },
  };
  return { sink, taken };
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

  it('fails a group a sink takes neither whole nor as its failure series, and says which stage', async () => {
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
    expect(failed && !failed.ok && (failed.error as Error).message).toBe('sink refused b');
    expect(puts.map((p) => p.group)).toEqual(['a']);
  });

  const refusedBy400 = () =>
    new PushError('PUT b: Pushgateway answered HTTP 400: is not a COUNTER', {
      group: 'b',
      status: 400,
      retryable: false,
    });
  const run = (sink: Sink) =>
    runGroups({
      items: ['a', 'b'],
      keyOf,
      concurrency: 1,
      produce: async () => up(1),
      failureSeries: () => up(0),
      sink,
      deadline: NO_DEADLINE,
      logger,
    });

  it('records the failure series in a group the Pushgateway refuses as inconsistent (HTTP 400)', async () => {
    const { sink, taken } = refusingB('pushgateway', refusedBy400);
    const results = await run(new Deliveries([{ sink }]));
    const b = results.find((r) => r.item === 'b');
    expect(b?.ok).toBe(true);
    expect(b?.ok && b.refused instanceof PushError).toBe(true);
    expect(b?.ok && b.series).toBe(1);
    expect(results.find((r) => r.item === 'a')).toMatchObject({ ok: true });
    expect(taken).toEqual([
      { group: 'a', up: '1' },
      { group: 'b', up: '0' },
    ]);
  });

  it('records the failure series in a group remote write refuses (a 4xx other than credentials)', async () => {
    const { sink, taken } = refusingB(
      'remote-write',
      () =>
        new RemoteWriteError('remote write answered HTTP 400: too many labels', {
          status: 400,
          retryable: false,
        }),
    );
    const [, b] = await run(new Deliveries([{ sink }]));
    expect(b?.ok && b.refused instanceof RemoteWriteError).toBe(true);
    expect(taken).toEqual([
      { group: 'a', up: '1' },
      { group: 'b', up: '0' },
    ]);
  });

  it('puts the failure series only in the sink that refused the group: the other keeps the data', async () => {
    const refusing = refusingB('pushgateway', refusedBy400);
    const taking = refusingB('remote-write');
    const deliveries = new Deliveries([{ sink: refusing.sink }, { sink: taking.sink }]);
    const [, b] = await run(deliveries);
    expect(b).toMatchObject({ ok: true, item: 'b' });
    expect(refusing.taken).toEqual([
      { group: 'a', up: '1' },
      { group: 'b', up: '0' },
    ]);
    expect(taking.taken.find((t) => t.group === 'b')).toEqual({ group: 'b', up: '1' });
    expect(deliveries.report().sinks).toEqual([
      { sink: 'pushgateway', failedGroups: 1, error: expect.stringContaining('HTTP 400') },
      { sink: 'remote-write', failedGroups: 0 },
    ]);
  });

  it('replaces the values a sink that failed for another reason still holds, and fails the group', async () => {
    // A 503 past its retries, then the failure series landed: the Pushgateway no longer
    // shows the last good values as current, and the run still fails for the delivery.
    const { sink, taken } = refusingB(
      'pushgateway',
      () =>
        new PushError('PUT b: Pushgateway answered HTTP 503', {
          group: 'b',
          status: 503,
          retryable: true,
        }),
    );
    const [, b] = await run(new Deliveries([{ sink }]));
    expect(b).toMatchObject({ ok: false, stage: 'deliver' });
    expect(b && !b.ok && describeError(b.error)).toBe(
      'PUT b: Pushgateway answered HTTP 503 (it holds the failure series (up 0) instead, so its last values do not pass for current)',
    );
    expect(taken).toEqual([
      { group: 'a', up: '1' },
      { group: 'b', up: '0' },
    ]);
  });

  it('writes no failure series to a sink it could not reach: that costs the same wait for nothing', async () => {
    const writes: string[] = [];
    const unreachable: MetricsSink = {
      name: 'pushgateway',
      write: async ({ key }) => {
        writes.push(key.labels?.name ?? '');
        if (key.labels?.name === 'b')
          throw new PushError('PUT b: connect ECONNREFUSED', {
            group: 'b',
            retryable: true,
            cause: new HttpTransportError('connect ECONNREFUSED', 'network'),
          });
      },
    };
    const [, b] = await run(new Deliveries([{ sink: unreachable }]));
    expect(b).toMatchObject({ ok: false, stage: 'deliver' });
    expect(writes).toEqual(['a', 'b']);
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
    const one = { post: sink.post.bind(sink), report: () => delivered };
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
      { post: sink.post.bind(sink), report: () => report },
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
