import { resetRemovalChecksForTests } from '../../src/collectors/removal';
import { CollectorRunError } from '../../src/collectors/errors';
import { handler } from '../../src/handlers/synthetic';
import { captureStdout, withEnv } from '../helpers/env';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import { lambdaContext } from '../helpers/lambdaContext';
import { RealPushgateway } from '../../dev/realPushgateway';

/**
 * A bad day at the Pushgateway, with the synthetic collector (one group per device) as the
 * driver: the real Pushgateway restarting, and a proxy in front of it that answers late, 5xx or
 * not at all. What must hold: bounded retries inside the function's time, an error that names
 * the group and the reason, other groups complete, and a failed invocation only when data
 * really did not land.
 */
let pushgateway: RealPushgateway;
let proxy: FaultProxy;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  proxy = await startFaultProxy(pushgateway.url);
});
afterAll(async () => {
  await proxy.stop();
  await pushgateway.stop();
});
beforeEach(async () => {
  // A request the client gave up on can still reach the Pushgateway late (as in real life):
  // let it land before the next test starts from an empty Pushgateway.
  await proxy.idle();
  await pushgateway.wipe();
  resetRemovalChecksForTests();
  proxy.always(undefined);
  proxy.requests.length = 0;
});

const FLEET = {
  name: 'faults',
  seed: 'faults',
  deviceCount: 3,
  portsPerDevice: 2,
  linkFlapsPerDay: 0,
  rebootsPerDay: 0,
};
const TIME = '2026-11-20T18:00:00Z';
const SERIES_PER_DEVICE = 1 + 2 * 14; // boot time + 14 families per port

function env(url: string, extra: Record<string, string> = {}) {
  return {
    PUSHGATEWAY_URL: url,
    LOG_LEVEL: 'info',
    SYNTHETIC_FLEET: undefined,
    SYNTHETIC_FLEET_FILE: undefined,
    PUSHGATEWAY_TIMEOUT_MS: '1000',
    DEADLINE_SAFETY_MARGIN_MS: '1000',
    ...extra,
  };
}

const run = (
  url: string,
  extra: Record<string, string> = {},
  fleet: object = FLEET,
  timeoutMs = 60_000,
) =>
  withEnv(env(url, extra), () =>
    captureStdout(() =>
      handler({ stage: 'it', time: TIME, fleet }, lambdaContext(timeoutMs, 'synthetic')),
    ),
  );

/** Series of each device group in the real Pushgateway (push_* and the owner mark left out). */
async function seriesPerDevice(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const group of await pushgateway.groups()) {
    const device = group.labels.device;
    if (group.labels.job !== 'synthetic_telemetry' || !device) continue;
    out[device] = [...group.families]
      .filter(([name]) => !name.startsWith('push_') && name !== 'collector_group_owner_info')
      .reduce((sum, [, family]) => sum + family.metrics.length, 0);
  }
  return out;
}

const COMPLETE = {
  'switch-01': SERIES_PER_DEVICE,
  'switch-02': SERIES_PER_DEVICE,
  'switch-03': SERIES_PER_DEVICE,
};

describe('Pushgateway faults', () => {
  it('lands everything when the Pushgateway is down at the start and comes back mid-run', async () => {
    let running: ReturnType<typeof run> | undefined;
    // Stopped (SIGTERM), the run starts against the closed port, the Pushgateway is back
    // after 1.5 s plus its start-up. Ten attempts with jittered backoff span that with room.
    await pushgateway.restart(1_500, () => {
      running = run(pushgateway.url, { PUSHGATEWAY_MAX_ATTEMPTS: '10' });
    });
    const { error, lines } = await (running as ReturnType<typeof run>);
    expect(error).toBeUndefined();
    expect(await seriesPerDevice()).toEqual(COMPLETE);
    expect(lines.join('\n')).toContain('"message":"synthetic run finished"');
    expect(lines.join('\n')).not.toContain('"level":"error"');
  }, 60_000);

  it('retries an answer that comes after the timeout, then lands the group', async () => {
    proxy.queue({ kind: 'delay', ms: 2_500, pathIncludes: '/device/switch-02' });
    const { error } = await run(proxy.url);
    expect(error).toBeUndefined();
    expect(await seriesPerDevice()).toEqual(COMPLETE);
    expect(
      proxy.requests.filter((r) => r.method === 'PUT' && r.path.includes('switch-02')),
    ).toHaveLength(2);
  });

  it('retries 5xx, then lands the group', async () => {
    proxy.queue({ kind: 'status', status: 503, pathIncludes: '/device/switch-01' }, 2);
    const { error } = await run(proxy.url);
    expect(error).toBeUndefined();
    expect(await seriesPerDevice()).toEqual(COMPLETE);
    expect(
      proxy.requests
        .filter((r) => r.method === 'PUT' && r.path.includes('switch-01'))
        .map((r) => r.answered),
    ).toEqual([503, 503, 'forwarded']);
  });

  it('fails the invocation naming the group and the reason when 5xx does not stop; other groups land whole', async () => {
    proxy.always({
      kind: 'status',
      status: 500,
      body: 'storage full',
      pathIncludes: '/device/switch-03',
    });
    const { error, lines } = await run(proxy.url, { PUSHGATEWAY_MAX_ATTEMPTS: '3' });
    expect(error).toBeInstanceOf(CollectorRunError);
    const message = (error as Error).message;
    expect(message).toContain(
      'switch-03: PUT {job="synthetic_telemetry",fleet="faults",device="switch-03"}: Pushgateway answered HTTP 500: storage full (after 3 attempts)',
    );
    expect(message).not.toContain('switch-01:');
    expect(await seriesPerDevice()).toEqual({
      'switch-01': SERIES_PER_DEVICE,
      'switch-02': SERIES_PER_DEVICE,
    });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      logged.find((l) => l.message === 'synthetic device push failed' && l.device === 'switch-03'),
    ).toBeDefined();
  });

  it('keeps inside the function timeout when the Pushgateway never answers', async () => {
    proxy.always({ kind: 'hang' });
    const { error } = await run(
      proxy.url,
      { PUSHGATEWAY_TIMEOUT_MS: '30000', PUSHGATEWAY_MAX_ATTEMPTS: '10' },
      FLEET,
      6_000,
    );
    // Correctness, not speed: Lambda kills a function at its timeout and the error is lost. So
    // the run ends with its own error, each attempt cut to the time the 6 s function had left
    // (not the 30 s the setting allows), and far fewer than 10 attempts were made.
    expect(error).toBeInstanceOf(CollectorRunError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /switch-01: PUT \{job="synthetic_telemetry",fleet="faults",device="switch-01"\} to http:\/\/127\.0\.0\.1:\d+: .*no answer within \d+ ms/,
    );
    const waits = [...message.matchAll(/no answer within (\d+) ms/g)].map((m) => Number(m[1]));
    expect(waits.length).toBeGreaterThan(0);
    for (const ms of waits) expect(ms).toBeLessThan(6_000);
    const puts = proxy.requests.filter((r) => r.method === 'PUT' && r.answered === 'hung');
    expect(puts.length).toBeLessThan(3 * 10);
    expect(await seriesPerDevice()).toEqual({});
  });

  it('gives the same Pushgateway state for duplicate and overlapping deliveries of one tick', async () => {
    const snapshot = async () =>
      (await pushgateway.groups())
        // Device groups only: the run's own health group carries its duration and end time.
        .filter((g) => g.labels.job === 'synthetic_telemetry' && g.labels.device)
        .map((g) => ({
          labels: g.labels,
          families: [...g.families]
            .filter(([name]) => !name.startsWith('push_') && name !== 'collector_group_owner_info')
            .sort(([a], [b]) => a.localeCompare(b)),
        }))
        .sort((a, b) => String(a.labels.device).localeCompare(String(b.labels.device)));

    expect((await run(pushgateway.url)).error).toBeUndefined();
    const once = await snapshot();
    expect(once).toHaveLength(3);

    await pushgateway.wipe();
    // Two deliveries at once (one stdout capture around both), then a late duplicate.
    const overlapping = await withEnv(env(pushgateway.url), () =>
      captureStdout(() =>
        Promise.all(
          [1, 2].map(() =>
            handler({ stage: 'it', time: TIME, fleet: FLEET }, lambdaContext(60_000, 'synthetic')),
          ),
        ),
      ),
    );
    expect(overlapping.error).toBeUndefined();
    expect((await run(pushgateway.url)).error).toBeUndefined();
    expect(await snapshot()).toEqual(once);
  });

  it('lists the Pushgateway groups (its heaviest call) only when the device list changed', async () => {
    const lists = () =>
      proxy.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/metrics').length;
    expect((await run(proxy.url)).error).toBeUndefined();
    expect((await run(proxy.url)).error).toBeUndefined();
    expect(lists()).toBe(1);
    // One device fewer: its group is found and deleted on the next run.
    const smaller = { ...FLEET, deviceCount: 2 };
    const { error, lines } = await run(proxy.url, {}, smaller);
    expect(error).toBeUndefined();
    expect(lists()).toBe(2);
    expect(lines.join('\n')).toContain('deleted the groups of removed devices');
    expect(await seriesPerDevice()).toEqual({
      'switch-01': SERIES_PER_DEVICE,
      'switch-02': SERIES_PER_DEVICE,
    });
  });
});
