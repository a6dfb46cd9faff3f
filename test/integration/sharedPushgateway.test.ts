/**
 * One Pushgateway shared by two stages with identical stage files (staging and prod) and by a
 * foreign pusher (another team's jobs), as teams run it. Every function of both stages runs
 * against the real Pushgateway (eStats against the Akamai stand-in, scrape against local
 * endpoints). Then a stage drops a target, a device, a scrape target and a whole schedule, and
 * runs its functions and its janitor: only groups that stage wrote go. Then scraped bodies try
 * to take this product's metric names, and two exporters disagree on a name's type: every
 * other group is still pushed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { RealPushgateway } from '../../dev/realPushgateway';
import { resetRemovalChecksForTests } from '../../src/collectors/removal';
import type { ScrapeRunSummary } from '../../src/collectors/scrape';
import { deliveredEvent, loadStageConfig, scheduleEvents } from '../../src/deploy/stage';
import { handler as estats } from '../../src/handlers/estats';
import { handler as janitor } from '../../src/handlers/janitor';
import { handler as scrape } from '../../src/handlers/scrape';
import { handler as synthetic } from '../../src/handlers/synthetic';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';
import { DEPLOYABLE_SECTIONS } from '../helpers/stageConfig';

let pushgateway: RealPushgateway;
let akamai: EstatsSimulator;
let edgercPath: string;
/** Serves a small exporter body at every path, and the bodies of `BODIES` at theirs. */
let endpoints: Server;
let endpointsUrl: string;

/** What a path of the local endpoints serves (any other path: one plain gauge). */
const BODIES: Record<string, string> = {
  // Each takes one of this product's names with another type (all of ours are gauges).
  '/poison-estats': '# TYPE akamai_estats_up counter\nakamai_estats_up 5\n',
  '/poison-collector': '# TYPE collector_run_success counter\ncollector_run_success 5\n',
  '/poison-synthetic': '# TYPE synthetic_port_link_up counter\nsynthetic_port_link_up 5\n',
  '/poison-janitor': '# TYPE janitor_deleted_groups counter\njanitor_deleted_groups 5\n',
  '/poison-push': '# TYPE push_time_seconds counter\npush_time_seconds 5\n',
  // Two ordinary exporters that disagree on one name's type.
  '/exporter-a': '# TYPE shared_requests gauge\nshared_requests 1\n',
  '/exporter-b': '# TYPE shared_requests counter\nshared_requests 2\n',
};

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  ({ akamai, edgercPath } = await startAkamaiStandin());
  endpoints = createServer((req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end(BODIES[req.url ?? ''] ?? '# TYPE node_load1 gauge\nnode_load1 0.5\n');
  });
  await new Promise<void>((resolve) => endpoints.listen(0, '127.0.0.1', resolve));
  endpointsUrl = `http://127.0.0.1:${(endpoints.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => endpoints.close(resolve));
  await akamai.stop();
  await pushgateway.stop();
});

/** Where a deployed stage's scrape targets are; the tests reach them on loopback instead. */
const HOSTS = 'http://nodes.acme.test:9100';

/** The stage file both stages start from; `edit` makes one stage's later version. */
const STAGE_FILE = `estats:
  - rate: rate(2 minutes)
    input:
      name: main
      targets:
        - cpCode: 1
        - cpCode: 2
  - rate: rate(2 minutes)
    input:
      name: extra
      targets:
        - cpCode: 3
synthetic:
  - rate: rate(1 minute)
    fleet: { name: lab, deviceCount: 2 }
scrape:
  - rate: rate(1 minute)
    input:
      name: nodes
      job: node
      targets:
        - { url: ${HOSTS}/host-1, instance: host-1 }
        - { url: ${HOSTS}/host-2, instance: host-2 }
${DEPLOYABLE_SECTIONS}`;

/** The later version: CP code 2, device switch-02, host-2 and schedule extra taken out. */
const EDITED = STAGE_FILE.replace('        - cpCode: 2\n', '')
  .replace(/ {2}- rate: rate\(2 minutes\)\n {4}input:\n {6}name: extra\n[^\n]*\n[^\n]*\n/, '')
  .replace('deviceCount: 2', 'deviceCount: 1')
  .replace(`        - { url: ${HOSTS}/host-2, instance: host-2 }\n`, '');

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;
const HANDLERS: Record<string, Handler> = { estats, synthetic, scrape, janitor };

/** Each function's events as packaging writes them for `stage`, delivered now. */
function deploy(stage: string, text: string): Array<{ fn: string; event: unknown }> {
  const file = join(mkdtempSync(join(tmpdir(), 'shared-')), `${stage}.yml`);
  writeFileSync(file, text);
  const events = scheduleEvents(loadStageConfig(file, stage), (fn, s) => `${fn}-${s}`);
  return Object.entries(events).flatMap(([fn, list]) =>
    list.map((event) => ({
      fn,
      event: JSON.parse(JSON.stringify(deliveredEvent(event)).replaceAll(HOSTS, endpointsUrl)),
    })),
  );
}

/** Run one function's event; the janitor's with TTLs of 2 s (the test's clock). */
async function invoke(fn: string, event: unknown): Promise<{ result?: unknown; error?: unknown }> {
  const input =
    fn === 'janitor'
      ? {
          ...(event as object),
          ttl: { akamai_estats: '2s', synthetic_telemetry: '2s', pushgate_scrape: '2s' },
        }
      : event;
  const handler = HANDLERS[fn];
  if (!handler) throw new Error(`no handler ${fn}`);
  return withEnv(
    {
      PUSHGATEWAY_URL: pushgateway.url,
      AKAMAI_EDGERC: edgercPath,
      AKAMAI_EDGERC_SECTION: 'standin',
      AKAMAI_SECRET_ID: undefined,
      ESTATS_MIN_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
    },
    () => captureStdout(() => handler(input, lambdaContext(60_000, fn))),
  );
}

/** Run every event of a deployment (the janitor's only when asked), failing on an error. */
async function runAll(
  deployment: Array<{ fn: string; event: unknown }>,
  { withJanitor = false } = {},
): Promise<void> {
  for (const { fn, event } of deployment) {
    if (fn === 'janitor' && !withJanitor) continue;
    const { error } = await invoke(fn, event);
    if (error) throw error;
  }
}

/** Every group, as `job,label=value,…` sorted, with the stage its mark names. */
async function groups(): Promise<Record<string, string>> {
  const listed = await pushgateway.groups();
  return Object.fromEntries(
    listed
      .map((g): [string, string] => [
        Object.entries(g.labels)
          .sort(([a], [b]) => (a === 'job' ? -1 : b === 'job' ? 1 : a.localeCompare(b)))
          .map(([k, v]) => (k === 'job' ? v : `${k}=${v}`))
          .join(','),
        g.families.get('collector_group_owner_info')?.metrics[0]?.labels.stage ?? '-',
      ])
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

const FOREIGN = {
  // Another team's batch job, another team's scrape of the same job name, and a group of our
  // job pushed by hand without our mark.
  'backup,instance=db': 'backup_last_success 1\n',
  'node,instance=foreign-host': 'node_load1 9\n',
  'akamai_estats,cp_code=77': 'handmade_value 1\n',
};

async function pushForeign(): Promise<void> {
  for (const [group, body] of Object.entries(FOREIGN)) {
    const [job, ...labels] = group.split(',');
    const path = labels.map((l) => l.replace('=', '/')).join('/');
    const res = await fetch(`${pushgateway.url}/metrics/job/${job}/${path}`, {
      method: 'PUT',
      body,
    });
    expect(res.status).toBe(200);
  }
}

it("deletes only what the stage itself wrote: never the other stage's, a foreign or an unmarked group", async () => {
  await pushgateway.wipe();
  resetRemovalChecksForTests();
  await pushForeign();
  const [staging, prod] = [deploy('staging', STAGE_FILE), deploy('prod', STAGE_FILE)];
  // Both stages run everything; prod last, so every group both write is prod's.
  await runAll(staging);
  await runAll(prod);
  const before = await groups();
  expect(before).toEqual({
    'akamai_estats,cp_code=1': 'prod',
    'akamai_estats,cp_code=2': 'prod',
    'akamai_estats,cp_code=3': 'prod',
    'akamai_estats,cp_code=77': '-',
    'akamai_estats,schedule=extra': 'prod',
    'akamai_estats,schedule=main': 'prod',
    'backup,instance=db': '-',
    'node,instance=foreign-host': '-',
    'node,instance=host-1': 'prod',
    'node,instance=host-2': 'prod',
    'pushgate_scrape,schedule=nodes': 'prod',
    'synthetic_telemetry,device=switch-01,fleet=lab': 'prod',
    'synthetic_telemetry,device=switch-02,fleet=lab': 'prod',
    'synthetic_telemetry,schedule=lab': 'prod',
  });

  // Staging drops a target, a device, a scrape target and a schedule. Its groups grow older
  // than the janitor's TTL first: its janitor would take anything it owned.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  await runAll(deploy('staging', EDITED), { withJanitor: true });
  const afterStaging = await groups();
  // Nothing prod wrote, nothing foreign or unmarked went; staging re-marked what it still
  // collects, and its janitor reports on itself.
  expect(Object.keys(afterStaging).sort()).toEqual(
    [...Object.keys(before), 'pushgate_janitor,stage=staging'].sort(),
  );
  for (const group of [
    'akamai_estats,cp_code=2',
    'akamai_estats,cp_code=3',
    'node,instance=host-2',
  ])
    expect([group, afterStaging[group]]).toEqual([group, 'prod']);
  expect(afterStaging['akamai_estats,cp_code=1']).toBe('staging');

  // Prod makes the same edit: what prod alone wrote and no longer collects goes, through its
  // runs (CP code 2, switch-02, host-2) and its janitor (schedule extra: its target and its
  // run-health group, older than the TTL). The rest stays.
  resetRemovalChecksForTests();
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  await runAll(deploy('prod', EDITED), { withJanitor: true });
  expect(await groups()).toEqual({
    'akamai_estats,cp_code=1': 'prod',
    'akamai_estats,cp_code=77': '-',
    'akamai_estats,schedule=main': 'prod',
    'backup,instance=db': '-',
    'node,instance=foreign-host': '-',
    'node,instance=host-1': 'prod',
    'pushgate_janitor,stage=prod': '-',
    'pushgate_janitor,stage=staging': '-',
    'pushgate_scrape,schedule=nodes': 'prod',
    'synthetic_telemetry,device=switch-01,fleet=lab': 'prod',
    'synthetic_telemetry,schedule=lab': 'prod',
  });
}, 120_000);

it("a scraped body can take none of this product's names, and a type conflict fails only its own target", async () => {
  await pushgateway.wipe();
  resetRemovalChecksForTests();
  const poisons = Object.keys(BODIES).filter((path) => path.startsWith('/poison-'));
  const schedule = {
    name: 'exporters',
    job: 'exporters',
    concurrency: 1,
    targets: [
      ...poisons.map((path) => ({ url: `${endpointsUrl}${path}`, instance: path.slice(1) })),
      { url: `${endpointsUrl}/exporter-a`, instance: 'exporter-a' },
      { url: `${endpointsUrl}/exporter-b`, instance: 'exporter-b' },
    ],
  };
  const scraped = await invoke('scrape', { stage: 'prod', schedule });
  expect(scraped.error).toBeUndefined();
  const summary = scraped.result as ScrapeRunSummary;
  // Every poisoned target is up, its reserved family dropped; of the two exporters, the one
  // pushed second is refused by the Pushgateway and holds up 0 instead.
  expect(summary.failed).toEqual([]);
  expect(summary.down.map((d) => d.instance)).toEqual(['exporter-b']);
  expect(summary.down[0]?.reason).toContain('HTTP 400');
  expect(summary.down[0]?.reason).toContain('shared_requests');
  for (const path of poisons) {
    const group = await pushgateway.group({ job: 'exporters', instance: path.slice(1) });
    const names = [...(group?.families.keys() ?? [])];
    expect([
      path,
      names.filter((n) => /^(akamai_estats|collector_run|synthetic|janitor)_/.test(n)),
    ]).toEqual([path, []]);
    expect(group?.families.get('up')?.metrics[0]?.value).toBe('1');
  }
  const refused = await pushgateway.group({ job: 'exporters', instance: 'exporter-b' });
  expect(refused?.families.get('up')?.metrics[0]?.value).toBe('0');
  expect(refused?.families.has('shared_requests')).toBe(false);
  const health = await pushgateway.group({ job: 'pushgate_scrape', schedule: 'exporters' });
  expect(health?.families.get('collector_refused_groups')?.metrics[0]?.value).toBe('1');

  // Every other collector still pushes, health groups included.
  for (const { fn, event } of deploy('prod', STAGE_FILE).filter((d) => d.fn !== 'scrape')) {
    const { error } = await invoke(fn, event);
    expect([fn, error]).toEqual([fn, undefined]);
  }
  const after = await groups();
  expect(after['synthetic_telemetry,device=switch-01,fleet=lab']).toBe('prod');
  expect(after['synthetic_telemetry,schedule=lab']).toBe('prod');
  expect(after['akamai_estats,cp_code=1']).toBe('prod');
  expect(after['akamai_estats,schedule=main']).toBe('prod');
}, 120_000);
