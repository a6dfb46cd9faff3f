/**
 * The scrape function end to end, against real endpoints and a real Prometheus beside it:
 * the simulator's switch endpoint (its values held at a fixed tick) and a real node_exporter
 * are scraped directly by Prometheus, and fetched by the scrape handler, which delivers
 * through a real Pushgateway (that Prometheus scrapes with honor_labels) and through remote
 * write into a second, real Prometheus. Then what each stored is compared.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchNodeExporter, launchPrometheus, type RunningBinary } from '../../dev/launchers';
import { RealPrometheus } from '../../dev/realPrometheus';
import { RealPushgateway } from '../../dev/realPushgateway';
import { startSwitchEndpoint, type SwitchEndpoint } from '../../dev/simulators/switchEndpoint';
import type { ScrapeRunSummary } from '../../src/collectors/scrape';
import { handler } from '../../src/handlers/scrape';
import { resetRemovalChecksForTests } from '../../src/collectors/removal';
import { resetSecretsForTests } from '../../src/aws/secrets';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { ensureTestCa } from '../../dev/simulators/tls';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

const dir = mkdtempSync(join(tmpdir(), 'scrape-collector-'));
const TICK = 1_780_000_000 - (1_780_000_000 % 60);
let tick = TICK;
let switches: SwitchEndpoint;
let nodeExporter: RunningBinary;
let pushgateway: RealPushgateway;
/** Scrapes the switch endpoint and node_exporter directly. */
let prometheus: RunningBinary;
/** Scrapes the Pushgateway, configured as this product configures it (honor_labels). */
let viaPushgateway: RealPrometheus;
let receiver: RealPrometheus;
/** A body whose third line is bad: one sample read before it. */
const MALFORMED = '# TYPE good gauge\ngood 1\nbad{label="unterminated} 2\n';
/** Answers what `answer` says: a malformed body, or many series. */
let oddities: Server;
let odditiesUrl: string;
/** A port nothing listens on. */
let deadUrl: string;
/** HTTPS with a CA this process does not trust, and basic auth: the secrets' way in. */
let guarded: Server;
let guardedUrl: string;
let guardedCa: string;
/** The password the guarded endpoint takes (a rotation changes it). */
let guardedPassword = 'scrape-password-1';
const GUARDED_API_KEY = 'scrape-api-key-never-logged-1';
let secretsManager: SecretsManagerStandin;

beforeAll(async () => {
  switches = await startSwitchEndpoint({ tickSeconds: () => tick });
  const textfiles = join(dir, 'textfiles');
  mkdirSync(textfiles);
  const marker = `scrape_collector_marker_${process.pid}`;
  writeFileSync(join(textfiles, 'marker.prom'), `# TYPE ${marker} gauge\n${marker} 1\n`);
  nodeExporter = await launchNodeExporter({ textfileDirectory: textfiles, marker });
  pushgateway = await RealPushgateway.start();
  receiver = await RealPrometheus.startRemoteWriteReceiver();
  oddities = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    if (req.url?.startsWith('/malformed')) res.end(MALFORMED);
    else if (req.url?.startsWith('/day-old'))
      res.end(
        `# TYPE fresh gauge\nfresh{i="1"} 1\nfresh{i="2"} 2\n# TYPE day_old gauge\nday_old 3 ${Date.now() - 86_400_000}\n`,
      );
    else
      res.end(
        `# TYPE many gauge\n${Array.from({ length: 120 }, (_, i) => `many{i="${i}"} ${i}`).join('\n')}\n`,
      );
  });
  await new Promise<void>((resolve) => oddities.listen(0, '127.0.0.1', resolve));
  odditiesUrl = `http://127.0.0.1:${(oddities.address() as AddressInfo).port}`;
  const privateCa = ensureTestCa(join(dir, 'private-ca'), '');
  guardedCa = readFileSync(privateCa.caCertPath, 'utf8');
  const body = '# TYPE guarded gauge\nguarded 1\n';
  guarded = createHttpsServer(
    { key: readFileSync(privateCa.serverKeyPath), cert: readFileSync(privateCa.serverCertPath) },
    (req, res) => {
      const expected = `Basic ${Buffer.from(`scraper:${guardedPassword}`).toString('base64')}`;
      // Basic auth, or an API key header (an auth secret of {"headers": {…}}).
      if (req.headers.authorization !== expected && req.headers['x-api-key'] !== GUARDED_API_KEY) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('Unauthorized');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(body);
    },
  );
  await new Promise<void>((resolve) => guarded.listen(0, '127.0.0.1', resolve));
  guardedUrl = `https://localhost:${(guarded.address() as AddressInfo).port}/metrics`;
  secretsManager = await startSecretsManagerStandin();
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/metrics`;
  await new Promise((resolve) => closed.close(resolve));

  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s }',
      'scrape_configs:',
      '  - job_name: switch',
      `    static_configs: [{ targets: ["${new URL(switches.url).host}"], labels: { site: lab } }]`,
      '  - job_name: node',
      `    static_configs: [{ targets: ["${new URL(nodeExporter.url).host}"], labels: { site: lab } }]`,
      '',
    ].join('\n'),
  );
  // Its scrape_timeout_seconds and scrape_sample_limit, which we report too.
  prometheus = await launchPrometheus({
    configFile: config,
    tsdbPath: join(dir, 'data'),
    extraArgs: ['--enable-feature=extra-scrape-metrics'],
  });
  viaPushgateway = await RealPrometheus.start(pushgateway.url, '1s');
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
  await viaPushgateway?.stop();
  await receiver?.stop();
  await pushgateway?.stop();
  await nodeExporter?.stop();
  await switches?.stop();
  await new Promise((resolve) => oddities?.close(resolve));
  guarded?.closeAllConnections();
  await new Promise((resolve) => guarded?.close(resolve));
  await secretsManager?.stop();
});
beforeEach(() => resetRemovalChecksForTests());

const switchTarget = () => ({ url: `${switches.url}/metrics` });
const nodeTarget = () => ({ url: `${nodeExporter.url}/metrics` });

async function run(
  schedule: Record<string, unknown>,
  env: Record<string, string | undefined> = {},
): Promise<{ summary?: ScrapeRunSummary; error: unknown; lines: string[] }> {
  const { result, error, lines } = await withEnv(
    { PUSHGATEWAY_URL: pushgateway.url, SINKS: undefined, LOG_LEVEL: 'info', ...env },
    () => captureStdout(() => handler({ stage: 'it', schedule }, lambdaContext(30_000, 'scrape'))),
  );
  return { summary: result as ScrapeRunSummary | undefined, error, lines };
}

interface Stored {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(url: string, expr: string): Promise<Stored[]> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const json = (await res.json()) as { data?: { result: Stored[] }; error?: string };
  if (!json.data) throw new Error(`${expr}: ${json.error}`);
  return json.data.result;
}

/** Series (name and labels) with their values, as one comparable line each. */
function lines(stored: Stored[], withValues: boolean): string[] {
  return stored
    .map(({ metric: { __name__: name = '', ...labels }, value }) => {
      const sorted = JSON.stringify(Object.entries(labels).sort());
      return withValues ? `${name}${sorted} ${value[1]}` : `${name}${sorted}`;
    })
    .sort();
}

/**
 * The series of `job` Prometheus stored, less those no two reads agree on, and the timeout:
 * the direct Prometheus's is its 1 s interval, ours more, so a busy machine does not turn a
 * slow answer into a down target. Less, too, what the Pushgateway adds to each group and the
 * owner mark we add (collectors/ownership.ts): not the target's series.
 */
const SAME_EVERY_READ = (job: string) =>
  `{job="${job}", __name__!~"scrape_duration_seconds|scrape_timeout_seconds|scrape_series_added|push_time_seconds|push_failure_time_seconds|collector_group_owner_info"}`;

async function until<T>(read: () => Promise<T[]>, enough: (found: T[]) => boolean): Promise<T[]> {
  let found: T[] = [];
  for (let i = 0; i < 100; i++) {
    found = await read();
    if (enough(found)) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return found;
}

it('delivers through the Pushgateway the series and values a direct Prometheus scrape stores, and a dead or malformed target is up 0 without blocking the others', async () => {
  const { summary, error } = await run({
    name: 'lab',
    job: 'switch',
    labels: { site: 'lab' },
    // As the direct Prometheus scrapes it: no sample limit.
    timeoutSeconds: 5,
    sampleLimit: 0,
    targets: [
      switchTarget(),
      { url: deadUrl, instance: 'dead-switch' },
      { url: `${odditiesUrl}/malformed`, instance: 'garbled-switch' },
    ],
  });
  expect(error).toBeUndefined();
  expect(summary).toMatchObject({ targets: 3, up: 1, failed: [] });
  expect(summary?.down.map((d) => d.instance).sort()).toEqual(['dead-switch', 'garbled-switch']);
  expect(summary?.down.find((d) => d.instance === 'garbled-switch')?.reason).toMatch(/line 3/);
  expect(summary?.down.find((d) => d.instance === 'dead-switch')?.reason).toMatch(/ECONNREFUSED/);

  const instance = new URL(switches.url).host;
  const direct = await until(
    () => query(prometheus.url, SAME_EVERY_READ('switch')),
    (found) => found.length > 80,
  );
  const delivered = await until(
    () => query(viaPushgateway.url, SAME_EVERY_READ('switch')),
    (found) => found.some((s) => s.metric.instance === 'dead-switch'),
  );
  // The switch endpoint's body at the fixed tick: the same series, values and all.
  const ofSwitch = (stored: Stored[]) => stored.filter((s) => s.metric.instance === instance);
  expect(lines(ofSwitch(delivered), true)).toEqual(lines(direct, true));
  expect(direct.length).toBeGreaterThan(80);
  expect(
    (await query(viaPushgateway.url, `scrape_timeout_seconds{job="switch"}`)).map(
      (s) => s.value[1],
    ),
  ).toEqual(['5', '5', '5']);
  // The dead and the malformed target: up 0 and the scrape_* series, nothing of a body. The
  // malformed one reports what was read, as Prometheus does: its size, and the one sample
  // before its bad line (scrapeHostileBodies.test.ts compares that with a real Prometheus).
  for (const [down, bytes, read] of [
    ['dead-switch', 0, 0],
    ['garbled-switch', Buffer.byteLength(MALFORMED), 1],
  ] as const)
    expect(
      lines(
        delivered.filter((s) => s.metric.instance === down),
        true,
      ),
    ).toEqual([
      `scrape_body_size_bytes[["instance","${down}"],["job","switch"],["site","lab"]] ${bytes}`,
      `scrape_sample_limit[["instance","${down}"],["job","switch"],["site","lab"]] 0`,
      `scrape_samples_post_metric_relabeling[["instance","${down}"],["job","switch"],["site","lab"]] ${read}`,
      `scrape_samples_scraped[["instance","${down}"],["job","switch"],["site","lab"]] ${read}`,
      `up[["instance","${down}"],["job","switch"],["site","lab"]] 0`,
    ]);
}, 90_000);

it('matches a direct scrape of a live node_exporter in names and label sets', async () => {
  const { summary, error } = await run({
    name: 'hosts',
    job: 'node',
    labels: { site: 'lab' },
    targets: [nodeTarget()],
  });
  expect(error).toBeUndefined();
  expect(summary).toMatchObject({ targets: 1, up: 1, down: [] });
  const group = await pushgateway.group({ job: 'node', instance: new URL(nodeExporter.url).host });
  expect(group?.families.get('up')?.metrics[0]?.value).toBe('1');
  const pushedNames = [...(group?.families.keys() ?? [])].filter(
    (name) => !/^(push_(failure_)?time_seconds|collector_group_owner_info)$/.test(name),
  );
  const direct = await until(
    () =>
      query(
        prometheus.url,
        '{job="node", __name__=~"node_uname_info|node_exporter_build_info|up"}',
      ),
    (found) => found.length >= 3,
  );
  // Label sets that hold still between two reads are the same (uname, build info, up).
  for (const series of direct) {
    const name = series.metric.__name__ ?? '';
    const pushed = group?.families
      .get(name)
      ?.metrics.map(({ labels: { job: _j, instance: _i, ...own } }) => own);
    const { __name__: _name, job: _job, instance: _instance, ...labels } = series.metric;
    expect([name, pushed]).toEqual([name, [labels]]);
  }
  // And every metric name a scrape stores is pushed.
  const directNames = new Set(
    (await query(prometheus.url, '{job="node", __name__!~"scrape_series_added"}')).map(
      (s) => s.metric.__name__,
    ),
  );
  expect(pushedNames.filter((n) => !directNames.has(n))).toEqual([]);
}, 60_000);

it('remote-writes each sample at its scrape time, with the values a direct scrape stores', async () => {
  const scrapedFrom = Date.now();
  const { error, summary } = await run(
    {
      name: 'lab-rw',
      job: 'switch',
      labels: { site: 'lab' },
      timeoutSeconds: 5,
      sampleLimit: 0,
      targets: [switchTarget()],
    },
    { SINKS: 'remote-write', REMOTE_WRITE_URL: `${receiver.url}/api/v1/write` },
  );
  const scrapedTo = Date.now();
  expect(error).toBeUndefined();
  expect(summary?.down).toEqual([]);
  const written = await query(receiver.url, SAME_EVERY_READ('switch'));
  const direct = await query(prometheus.url, SAME_EVERY_READ('switch'));
  expect(lines(written, true)).toEqual(lines(direct, true));
  // Each sample's own timestamp: the moment the endpoint was fetched.
  const res = await fetch(
    `${receiver.url}/api/v1/query?query=${encodeURIComponent(`${SAME_EVERY_READ('switch')}[10m]`)}`,
  );
  const samples = (
    (await res.json()) as { data: { result: Array<{ values: Array<[number, string]> }> } }
  ).data.result.flatMap((series) => series.values);
  expect(samples).toHaveLength(written.length);
  for (const [at] of samples) {
    expect(at * 1000).toBeGreaterThanOrEqual(scrapedFrom);
    expect(at * 1000).toBeLessThanOrEqual(scrapedTo);
  }
}, 60_000);

it('remote write drops a sample the store refuses as too old, and lands the rest of the target with up 1', async () => {
  // Prometheus refuses a whole request that holds one sample older than its head (HTTP 400
  // "out of bounds"): the target's other series and its up would be lost, every run.
  const {
    error,
    summary,
    lines: logged,
  } = await run(
    {
      name: 'day-old',
      job: 'day_old',
      sampleLimit: 0,
      targets: [{ url: `${odditiesUrl}/day-old` }],
    },
    { SINKS: 'remote-write', REMOTE_WRITE_URL: `${receiver.url}/api/v1/write` },
  );
  expect(error).toBeUndefined();
  expect(summary?.down).toEqual([]);
  const stored = await query(receiver.url, '{job="day_old", __name__=~"fresh|up|day_old"}');
  expect(lines(stored, true)).toEqual([
    `fresh[["i","1"],["instance","${new URL(odditiesUrl).host}"],["job","day_old"]] 1`,
    `fresh[["i","2"],["instance","${new URL(odditiesUrl).host}"],["job","day_old"]] 2`,
    `up[["instance","${new URL(odditiesUrl).host}"],["job","day_old"]] 1`,
  ]);
  const warning = logged
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .find((entry) => String(entry.message).startsWith('remote write refused some series'));
  expect(warning).toMatchObject({
    level: 'warn',
    droppedSeries: 1,
    reason: expect.stringContaining('out of bounds'),
  });
}, 60_000);

it('counters grow across runs, a body over the sample limit replaces the group with up 0 alone, and a dropped target loses its group', async () => {
  const schedule = (targets: unknown[], sampleLimit = 1000) => ({
    name: 'growth',
    job: 'growth',
    sampleLimit,
    targets,
  });
  const crowd = { url: `${odditiesUrl}/many`, instance: 'crowd' };
  const octets = async () => {
    const group = await pushgateway.group({ job: 'growth', instance: new URL(switches.url).host });
    return Number(group?.families.get('ifHCInOctets')?.metrics[0]?.value);
  };
  tick = TICK;
  expect((await run(schedule([switchTarget(), crowd]))).error).toBeUndefined();
  const first = await octets();
  tick = TICK + 60;
  expect((await run(schedule([switchTarget(), crowd]))).error).toBeUndefined();
  const second = await octets();
  expect(first).toBeGreaterThan(0);
  expect(second).toBeGreaterThan(first);
  expect(
    (await pushgateway.group({ job: 'growth', instance: 'crowd' }))?.families.get('many')?.metrics,
  ).toHaveLength(120);

  // The limit is 100 (the switch has 81): the 120 series of "crowd" are refused whole, its
  // earlier ones replaced.
  const { summary, lines: logged } = await run(schedule([switchTarget(), crowd], 100));
  expect(summary?.down).toEqual([
    { instance: 'crowd', reason: '120 samples, more than the sample limit 100' },
  ]);
  expect(logged.join('\n')).toContain('scrape target down');
  const crowdGroup = await pushgateway.group({ job: 'growth', instance: 'crowd' });
  expect([...(crowdGroup?.families.keys() ?? [])].sort()).toEqual([
    'collector_group_owner_info',
    'push_failure_time_seconds',
    'push_time_seconds',
    'scrape_body_size_bytes',
    'scrape_duration_seconds',
    'scrape_sample_limit',
    'scrape_samples_post_metric_relabeling',
    'scrape_samples_scraped',
    'scrape_timeout_seconds',
    'up',
  ]);
  expect(crowdGroup?.families.get('up')?.metrics[0]?.value).toBe('0');
  expect(crowdGroup?.families.get('scrape_samples_scraped')?.metrics[0]?.value).toBe('120');

  // "crowd" leaves the schedule: its group goes.
  const dropped = await run(schedule([switchTarget()]));
  expect(dropped.summary?.removedTargets).toEqual(['crowd']);
  expect(await pushgateway.group({ job: 'growth', instance: 'crowd' })).toBeUndefined();
  expect(await octets()).toBeGreaterThan(0);
  tick = TICK;
}, 60_000);

it("reads a target's basic auth and CA from Secrets Manager, and a missing secret fails the run naming it", async () => {
  resetSecretsForTests();
  secretsManager.secrets.set(
    'scrape/guarded-auth',
    JSON.stringify({ username: 'scraper', password: 'scrape-password-1' }),
  );
  secretsManager.secrets.set('scrape/guarded-ca', JSON.stringify({ ca: guardedCa }));
  const aws = {
    HOME: mkdtempSync(join(tmpdir(), 'scrape-home-')),
    AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_REGION: STANDIN_AWS.region,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
  };
  const guardedTarget = (more: Record<string, unknown>) => ({
    name: 'guarded',
    targets: [{ url: guardedUrl, instance: 'guarded', ...more }],
  });
  const withBoth = await run(
    guardedTarget({
      auth: { secret: 'scrape/guarded-auth' },
      tls: { secret: 'scrape/guarded-ca' },
    }),
    aws,
  );
  expect(withBoth.error).toBeUndefined();
  expect(withBoth.summary).toMatchObject({ up: 1, down: [] });
  // An API key header from a secret, never in the stage file or the logs.
  secretsManager.secrets.set(
    'scrape/guarded-key',
    JSON.stringify({ headers: { 'X-Api-Key': GUARDED_API_KEY } }),
  );
  const withKey = await run(
    guardedTarget({ auth: { secret: 'scrape/guarded-key' }, tls: { secret: 'scrape/guarded-ca' } }),
    { ...aws, LOG_LEVEL: 'debug' },
  );
  expect(withKey.error).toBeUndefined();
  expect(withKey.summary).toMatchObject({ up: 1, down: [] });
  expect(withKey.lines.join('\n')).not.toContain(GUARDED_API_KEY);
  const group = await pushgateway.group({ job: 'guarded', instance: 'guarded' });
  expect(group?.families.get('guarded')?.metrics[0]?.value).toBe('1');
  // The password is in no log line.
  expect(withBoth.lines.join('\n')).not.toContain('scrape-password-1');

  // A rotation: the endpoint takes only the new password, the secret holds it, the warm
  // container still caches the old one. The 401 reads the secret again, and the next try passes.
  guardedPassword = 'scrape-password-2';
  secretsManager.secrets.set(
    'scrape/guarded-auth',
    JSON.stringify({ username: 'scraper', password: 'scrape-password-2' }),
  );
  const rotated = await run(
    guardedTarget({
      auth: { secret: 'scrape/guarded-auth' },
      tls: { secret: 'scrape/guarded-ca' },
    }),
    aws,
  );
  expect(rotated.summary).toMatchObject({ up: 1, down: [] });

  // Without the CA the certificate is refused; without the auth the target says 401.
  const noCa = await run(guardedTarget({ auth: { secret: 'scrape/guarded-auth' } }), aws);
  expect(noCa.summary?.down[0]?.reason).toMatch(/certificate/i);
  const noAuth = await run(guardedTarget({ tls: { secret: 'scrape/guarded-ca' } }), aws);
  expect(noAuth.summary?.down[0]?.reason).toContain('HTTP 401');

  // A secret that does not exist is ours to fix: the run fails, saying which.
  const again = await run(
    guardedTarget({
      auth: { secret: 'scrape/guarded-auth' },
      tls: { secret: 'scrape/guarded-ca' },
    }),
    aws,
  );
  expect(again.summary?.up).toBe(1);
  const missing = await run(guardedTarget({ auth: { secret: 'scrape/nowhere' } }), aws);
  expect((missing.error as Error).message).toContain('scrape/nowhere');
  expect((missing.error as Error).name).toBe('CollectorRunError');
  // Its id is in the stage file, and the hint says where.
  expect((missing.error as Error).message).toContain(
    'fix the secret id in the stage file (config/<stage>.yml: scrape[].input.targets[].auth.secret)',
  );
  // Its old values do not pass for current: the group holds up 0.
  const after = await pushgateway.group({ job: 'guarded', instance: 'guarded' });
  expect(after?.families.get('up')?.metrics[0]?.value).toBe('0');
  expect(after?.families.has('guarded')).toBe(false);
}, 60_000);

it('skips a delivery older than its interval, pushing nothing but the skip', async () => {
  await pushgateway.wipe();
  const late = new Date(Date.now() - 5 * 60_000).toISOString();
  const { result, error } = await withEnv(
    { PUSHGATEWAY_URL: pushgateway.url, SINKS: undefined },
    () =>
      captureStdout(() =>
        handler(
          {
            time: late,
            schedule: { name: 'late', intervalSeconds: 60, targets: [switchTarget()] },
          },
          lambdaContext(30_000, 'scrape'),
        ),
      ),
  );
  expect(error).toBeUndefined();
  expect(result).toMatchObject({ skipped: true });
  expect(
    await pushgateway.group({ job: 'late', instance: new URL(switches.url).host }),
  ).toBeUndefined();
  const health = await pushgateway.group({ job: 'pushgate_scrape', schedule: 'late' });
  expect(health?.families.has('collector_last_skipped_event_timestamp_seconds')).toBe(true);
}, 30_000);
