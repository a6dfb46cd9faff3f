import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import type { SkippedDelivery } from '../../src/collectors/lateDelivery';
import {
  checkedEstatsBudget,
  loadStageConfig,
  type ScheduleEvent,
  scheduleEvents,
} from '../../src/deploy/stage';
import { handler } from '../../src/handlers/estats';
import { RealPushgateway } from '../../dev/realPushgateway';
import { type EstatsSimulator, startEstatsSimulator } from '../../dev/simulators/akamai/server';
import { testTls } from '../../dev/simulators/tls';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * eStats at estate scale against the stand-in enforcing Akamai's limit as Akamai documents it
 * (40 requests a minute per API client, one budget across every connection, the X-RateLimit
 * headers on every answer), with the real Pushgateway: schedules that share a client share
 * its budget through those headers alone; each client signs its own requests.
 */
const CLIENTS = {
  one: {
    clientToken: 'akab-scale-client-one-0001',
    accessToken: 'akab-scale-access-one-0001',
    clientSecret: 'U2NhbGVDbGllbnRPbmVTZWNyZXQwMDAwMDAwMDAwMDA=',
  },
  two: {
    clientToken: 'akab-scale-client-two-0002',
    accessToken: 'akab-scale-access-two-0002',
    clientSecret: 'U2NhbGVDbGllbnRUd29TZWNyZXQwMDAwMDAwMDAwMDA=',
  },
};
const TIMEOUT_MS = 110_000;

let pushgateway: RealPushgateway;
let akamai: EstatsSimulator;
let edgercPath: string;
const dir = mkdtempSync(join(tmpdir(), 'estats-scale-'));

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  akamai = await startEstatsSimulator({
    tls: testTls(),
    clients: new Map(
      Object.values(CLIENTS).map((c) => [
        c.clientToken,
        { clientSecret: c.clientSecret, accessToken: c.accessToken },
      ]),
    ),
    rateLimitPerMinute: 40,
  });
  edgercPath = join(dir, '.edgerc');
  writeFileSync(
    edgercPath,
    Object.entries(CLIENTS)
      .map(
        ([section, c]) =>
          `[${section}]\nclient_secret = ${c.clientSecret}\nhost = ${akamai.host}\naccess_token = ${c.accessToken}\nclient_token = ${c.clientToken}\n`,
      )
      .join('\n'),
  );
});
afterAll(async () => {
  await pushgateway?.stop();
  await akamai?.stop();
});

/** The events serverless.yml would deploy for this stage file (the `local` stage: .edgerc). */
function deploy(name: string, yaml: string): { events: ScheduleEvent[]; table: string } {
  const file = join(dir, `${name}.yml`);
  writeFileSync(
    file,
    `akamai:\n  clients:\n    one: { edgercSection: one }\n    two: { edgercSection: two }\n${yaml}`,
  );
  const config = loadStageConfig(file, 'local');
  const table = checkedEstatsBudget(config, TIMEOUT_MS / 1000);
  return { events: scheduleEvents(config, (fn, s) => `${fn}-${s}`).estats, table };
}

function schedule(name: string, client: string, cpCodes: number[]): string {
  return [
    `  - rate: rate(2 minutes)`,
    `    ${client}`,
    `    input:`,
    `      name: ${name}`,
    `      targets:`,
    ...cpCodes.map((cpCode) => `        - cpCode: ${cpCode}`),
    '',
  ].join('\n');
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

/** The event EventBridge delivers for a tick: the rule's template with the tick's time. */
function delivered(event: ScheduleEvent, tick: Date): unknown {
  const template = event.schedule.inputTransformer?.inputTemplate ?? '';
  return JSON.parse(template.replace('<time>', JSON.stringify(tick.toISOString())));
}

/** Invoke the handler for several events at the same moment, as several Lambda instances. */
async function invokeTogether(events: unknown[]) {
  const env = {
    PUSHGATEWAY_URL: pushgateway.url,
    AKAMAI_EDGERC: edgercPath,
    AKAMAI_SECRET_ID: undefined,
    LOG_LEVEL: 'info',
  };
  return withEnv(env, () =>
    captureStdout(() =>
      Promise.all(
        events.map((event) =>
          handler(event, lambdaContext(TIMEOUT_MS)).then(
            (result) => ({ result, error: undefined }),
            (error: unknown) => ({ result: undefined, error }),
          ),
        ),
      ),
    ),
  );
}

async function groupsOf(cpCodes: number[]) {
  return Promise.all(
    cpCodes.map((cpCode) => pushgateway.group({ job: 'akamai_estats', cp_code: String(cpCode) })),
  );
}

describe('eStats at estate scale, one budget per API client', () => {
  beforeEach(async () => {
    await pushgateway.wipe();
  });

  it('three schedules on one client, fired at once, share its budget: no rate_limited, every group lands, inside the timeout', async () => {
    const { events, table } = deploy(
      'three',
      `estats:\n${schedule('a', 'client: one', range(1000, 20))}${schedule('b', 'client: one', range(2000, 20))}${schedule('c', 'client: one', range(3000, 20))}`,
    );
    // The packaging check accepts it: 30 requests a minute of one's 36.
    expect(table).toContain(
      'client one: 40 req/min, 4 kept for other users; schedules ask 30 req/min (75 %)',
    );
    const before = akamai.requests.length;
    const outcome = await invokeTogether(events.map((e) => delivered(e, new Date())));

    const runs = outcome.result ?? [];
    expect(runs.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    // Inside the timeout: a run whose deadline came first fails its remaining targets with
    // reason "deadline" (the function's own clock); none did.
    for (const run of runs) {
      const summary = run.result as EstatsRunSummary;
      expect(summary.failed).toEqual([]);
      expect(summary.ok).toBe(20);
    }
    const requests = akamai.requests.slice(before);
    const throttled = requests.filter((r) => r.status === 429).length;
    // Hardly a 429: the schedules see each other's spending in X-RateLimit-Remaining.
    expect(throttled).toBeLessThanOrEqual(3);
    expect(requests.filter((r) => r.status === 200)).toHaveLength(60);
    const landed = await groupsOf([...range(1000, 20), ...range(2000, 20), ...range(3000, 20)]);
    expect(
      landed.filter((g) => g?.families.get('akamai_estats_up')?.metrics[0]?.value === '1'),
    ).toHaveLength(60);
    // Each run reports the budget it saw in its health group.
    const health = await pushgateway.group({ job: 'akamai_estats', schedule: 'a' });
    expect(health?.families.get('collector_akamai_rate_limit')?.metrics[0]).toMatchObject({
      labels: expect.objectContaining({ akamai_client: 'one' }),
      value: '40',
    });
    expect(health?.families.get('collector_schedule_interval_seconds')?.metrics[0]?.value).toBe(
      '120',
    );
  }, 150_000);

  it('spreads a schedule over two clients, each signing its own requests; moving targets between them keeps their groups', async () => {
    const targets = range(5000, 8);
    const spread = deploy('spread', `estats:\n${schedule('both', 'clients: [one, two]', targets)}`);
    const before = akamai.requests.length;
    const first = await invokeTogether(spread.events.map((e) => delivered(e, new Date())));
    expect(first.result?.[0]?.error).toBeUndefined();
    const signers = akamai.requests.slice(before).map((r) => r.clientToken);
    expect(signers.filter((t) => t === CLIENTS.one.clientToken)).toHaveLength(4);
    expect(signers.filter((t) => t === CLIENTS.two.clientToken)).toHaveLength(4);

    // The same schedule on client two alone: every target moves to it, no group is deleted.
    const moved = deploy('moved', `estats:\n${schedule('both', 'client: two', targets)}`);
    const again = akamai.requests.length;
    const second = await invokeTogether(moved.events.map((e) => delivered(e, new Date())));
    const summary = second.result?.[0]?.result as EstatsRunSummary;
    expect(summary.failed).toEqual([]);
    expect(summary.removedTargets).toEqual([]);
    expect(
      akamai.requests.slice(again).every((r) => r.clientToken === CLIENTS.two.clientToken),
    ).toBe(true);
    expect((await groupsOf(targets)).every((g) => g !== undefined)).toBe(true);
  }, 60_000);

  it('skips a delivery older than its interval (a late retry): no Akamai request, nothing pushed, the skip in the health group', async () => {
    const { events } = deploy('late', `estats:\n${schedule('late', 'client: two', [7001, 7002])}`);
    const before = akamai.requests.length;
    // EventBridge ticks fall on whole seconds (and minutes).
    const tick = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000);
    const outcome = await invokeTogether(events.map((e) => delivered(e, tick)));
    const skipped = outcome.result?.[0]?.result as SkippedDelivery;
    expect(skipped).toMatchObject({ skipped: true, tickTime: tick.toISOString() });
    expect(skipped.ageSeconds).toBeGreaterThanOrEqual(300);
    expect(akamai.requests.length).toBe(before);
    expect(await groupsOf([7001, 7002])).toEqual([undefined, undefined]);
    expect(outcome.lines.join('\n')).toContain('skipped a late delivery');
    const health = await pushgateway.group({ job: 'akamai_estats', schedule: 'late' });
    expect(
      Number(
        health?.families.get('collector_last_skipped_event_timestamp_seconds')?.metrics[0]?.value,
      ),
    ).toBeGreaterThan(tick.getTime() / 1000);
  });
});
