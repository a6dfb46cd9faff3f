/**
 * `npm run bench`: speed and memory of the push path and the handlers, as ratios to a baseline
 * measured in the same run (a bare HTTP PUT of the same bytes to the same real Pushgateway;
 * prom-client's Pushgateway as the peer; an empty node for cold starts). Writes
 * bench/results.json; docs/performance.md explains the figures. Timings here are
 * measurements, never test thresholds.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { Pushgateway } from 'prom-client';
import { collectSynthetic } from '../src/collectors/synthetic';
import { PushgatewayClient } from '../src/sinks/pushgateway/client';
import { groupingPath } from '../src/sinks/pushgateway/grouping';
import { mapSettled } from '../src/shared/concurrency';
import { NO_DEADLINE } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { type FleetPlan, parseFleet } from '../src/synthetic/fleetConfig';
import { buildDeviceMetrics } from '../src/synthetic/metrics';
import { deviceGroupingKey } from '../src/metrics/groups';
import { modelSettings, sampleDevice } from '../src/synthetic/model';
import { PushgatewaySet } from '../src/sinks/pushgateway/pushgatewaySet';
import { pushgatewaySink } from '../src/sinks/pushgateway/sink';
import { Deliveries } from '../src/sinks/deliveries';
import { runJanitor } from '../src/janitor/janitor';
import { parseJanitorPolicy } from '../src/janitor/policy';
import { binaryPath, PUSHGATEWAY } from '../dev/debianBinaries';
import { ensureTestCa } from '../dev/simulators/tls';
import { STANDIN_CLIENT, startAkamaiStandin } from '../dev/simulators/akamai/standin';
import { freePort } from '../dev/local/ports';
import { RealPushgateway } from '../dev/realPushgateway';
import { STANDIN_AWS, startSecretsManagerStandin } from '../dev/simulators/secretsManager';
import {
  type EstatsScalePoint,
  estatsScaleChartSvg,
  type OverlapPoint,
  overlapChartSvg,
} from './estatsScale';
import { measureRuleCost } from './rules';
import type { TrafficBenchPoint } from './traffic-child';
import { measureScale, median, scaleChartSvg } from './scale';
import { scrapeBench } from './scrape';
import { SCRAPE_DEFAULTS } from '../src/scrape/schedule';
import { buildOurs, buildPromClient, sampleModel } from './workloads';

const root = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = 2;
/** Only these cases (names in `cases`), e.g. BENCH_ONLY=estats; bench/results.json is then left as it is. */
const ONLY = process.env.BENCH_ONLY?.split(',').map((name) => name.trim());
const SIZES = (process.env.BENCH_SIZES ?? '100,1000,10000,100000').split(',').map(Number);

interface Stat {
  median: number;
  min: number;
  max: number;
}
const rows: Array<{
  case: string;
  size: number | string;
  median: number;
  min: number;
  max: number;
  unit: string;
  ratio?: number;
  baseline?: string;
}> = [];

function stats(samples: number[]): Stat {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
  };
}

async function measure(fn: () => Promise<unknown> | unknown, runs = RUNS): Promise<Stat> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

const agent = new http.Agent({ keepAlive: true });
function barePut(url: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'PUT',
        agent,
        headers: { 'content-type': 'text/plain; version=0.0.4', 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function add(
  name: string,
  size: number | string,
  s: Stat,
  unit: string,
  baseline?: { name: string; median: number },
) {
  rows.push({
    case: name,
    size,
    ...s,
    unit,
    ...(baseline ? { ratio: s.median / baseline.median, baseline: baseline.name } : {}),
  });
}

async function pushCases(pushgateway: RealPushgateway): Promise<void> {
  const ours = new PushgatewayClient({ url: new URL(pushgateway.url) });
  const oursGzip = new PushgatewayClient({ url: new URL(pushgateway.url), gzipMinBytes: 0 });
  for (const size of SIZES) {
    const key = { job: 'bench', labels: { size: String(size) } };
    const ports = sampleModel(size);
    const text = await buildOurs(ports).text();
    const registry = buildPromClient(ports);
    if ((await registry.metrics()) !== text)
      throw new Error(`the two registries disagree at ${size} series: not the same workload`);
    // The registry is the third argument: without it prom-client pushes its global registry.
    const peer = new Pushgateway(pushgateway.url, { agent } as never, registry);
    const bytes = Buffer.from(text);
    const runs = size >= 100_000 ? 5 : RUNS;
    const bare = await measure(
      () => barePut(`${pushgateway.url}/metrics/job/bench/size/${size}`, bytes),
      runs,
    );
    add('bare PUT (baseline)', size, bare, 'ms');
    const base = { name: 'bare PUT', median: bare.median };
    add(
      'our client, PUT (default, no gzip)',
      size,
      await measure(() => ours.put(key, text), runs),
      'ms',
      base,
    );
    add(
      'our client, PUT (gzip)',
      size,
      await measure(() => oursGzip.put(key, text), runs),
      'ms',
      base,
    );
    add(
      'prom-client Pushgateway.push (peer)',
      size,
      await measure(() => peer.push({ jobName: 'bench', groupings: { size: String(size) } }), runs),
      'ms',
      base,
    );
    add(
      'synthetic model only (not in the cases below)',
      size,
      await measure(() => sampleModel(size), runs),
      'ms',
      base,
    );
    add(
      'build + serialize (ours: catalogue families in a fresh prom-client Registry)',
      size,
      await measure(() => buildOurs(ports).text(), runs),
      'ms',
      base,
    );
    add(
      'build + serialize (bare prom-client Registry)',
      size,
      await measure(() => buildPromClient(ports).metrics(), runs),
      'ms',
      base,
    );
    add(
      'build + serialize + push (ours)',
      size,
      await measure(async () => ours.put(key, await buildOurs(ports).text()), runs),
      'ms',
      base,
    );
    add(
      'build + serialize + push (prom-client peer)',
      size,
      await measure(
        () =>
          new Pushgateway(pushgateway.url, { agent } as never, buildPromClient(ports)).push({
            jobName: 'bench',
            groupings: { size: String(size) },
          }),
        runs,
      ),
      'ms',
      base,
    );
    const oursCpu = await cpuPerSeries(size, async () =>
      ours.put(key, await buildOurs(ports).text()),
    );
    const peerCpu = await cpuPerSeries(size, () =>
      new Pushgateway(pushgateway.url, { agent } as never, buildPromClient(ports)).push({
        jobName: 'bench',
        groupings: { size: String(size) },
      }),
    );
    add('CPU per series: metrics + push (ours)', size, stats([oursCpu]), 'µs');
    add('CPU per series: metrics + push (prom-client)', size, stats([peerCpu]), 'µs');
  }
}

/**
 * The synthetic collector end to end (model, one group per device, concurrent PUTs, removed
 * device check, health group) against bare PUTs of the same device bodies at the same
 * concurrency: what a scheduled run costs over the wire's own time.
 */
async function syntheticCollectorCase(pushgateway: RealPushgateway) {
  // The Pushgateway checks every push against everything it holds (O(all series) per push),
  // so the groups of the push cases are removed first and the fleet stays moderate.
  await pushgateway.wipe();
  const plan = parseFleet({ name: 'bench', deviceCount: 50, portsPerDevice: 24 });
  const tick = Date.parse('2026-11-20T18:00:00Z') / 1000;
  const settings = modelSettings(plan);
  let series = 0;
  const bodies = await Promise.all(
    plan.devices.map(async (device) => {
      const metrics = buildDeviceMetrics(sampleDevice(device, tick, settings));
      series += metrics.seriesCount;
      return {
        // The collector's own groups: both sides replace the same groups, so the Pushgateway
        // holds the same series (and checks each push against the same amount) in both cases.
        path: `${pushgateway.url}${groupingPath(deviceGroupingKey(plan.fleet.name, device.name))}`,
        bytes: Buffer.from(await metrics.text()),
      };
    }),
  );
  const concurrency = plan.fleet.pushConcurrency;
  const bare = await measure(() =>
    mapSettled(bodies, concurrency, (body) => barePut(body.path, body.bytes)),
  );
  add(`bare PUTs of the device groups, ${concurrency} at once (baseline)`, series, bare, 'ms');
  const one = await measure(() => syntheticRun(plan, tick, [pushgateway.url]));
  add('synthetic collector run end to end (50 devices × 24 ports)', series, one, 'ms', {
    name: 'bare PUTs',
    median: bare.median,
  });
  return { plan, tick, series, oneMedian: one.median };
}

/** One synthetic run of `plan` to these Pushgateways (quorum 1); throws unless delivered. */
async function syntheticRun(plan: FleetPlan, tick: number, urls: string[]): Promise<void> {
  const pushgateways = new PushgatewaySet(
    urls.map((url) => ({
      name: url,
      client: new PushgatewayClient({ url: new URL(url) }),
    })),
  );
  const summary = await collectSynthetic(
    plan,
    tick,
    {
      sinks: new Deliveries([pushgatewaySink(pushgateways)]),
      logger: createLogger({ write: () => {} }),
    },
    NO_DEADLINE,
  );
  if (summary.failedDevices.length > 0 || summary.deliveryError)
    throw new Error('synthetic bench run failed');
}

/**
 * The same synthetic run to two Pushgateways (each holding the fleet), and to two of which one
 * is down (nothing listens on its port), against the run to one: what the fan-out costs, and
 * what a lost Pushgateway costs once the run stops trying it.
 */
async function severalPushgatewaysCase(
  fleet: Awaited<ReturnType<typeof syntheticCollectorCase>>,
  first: RealPushgateway,
  second: RealPushgateway,
): Promise<void> {
  const { plan, tick, series, oneMedian } = fleet;
  const baseline = { name: 'one Pushgateway', median: oneMedian };
  add(
    'synthetic run to two Pushgateways',
    series,
    await measure(() => syntheticRun(plan, tick, [first.url, second.url])),
    'ms',
    baseline,
  );
  const closed = `http://127.0.0.1:${await freePort()}`;
  add(
    'synthetic run to two Pushgateways, one down',
    series,
    await measure(() => syntheticRun(plan, tick, [first.url, closed])),
    'ms',
    baseline,
  );
}

/**
 * A janitor run (list every group, find the expired ones, push its report) against the
 * Pushgateway holding the synthetic fleet, against a bare GET of the same group list: what
 * the janitor, and each removal check of a collector, adds to reading the list.
 */
async function janitorCase(pushgateway: RealPushgateway, series: number): Promise<void> {
  const list = `${pushgateway.url}/api/v1/metrics`;
  const bare = await measure(async () => (await fetch(list)).text());
  add('bare GET of the group list (baseline)', series, bare, 'ms');
  const client = new PushgatewayClient({ url: new URL(pushgateway.url) });
  const logger = createLogger({ write: () => {} });
  const policy = parseJanitorPolicy({
    stage: 'bench',
    ttl: { akamai_estats: '24h', synthetic_telemetry: '24h' },
  });
  add(
    'janitor run (list, parse, expire, report; nothing expired)',
    series,
    await measure(() =>
      runJanitor(
        policy,
        new Deliveries([pushgatewaySink(PushgatewaySet.of(client))]),
        NO_DEADLINE,
        logger,
      ),
    ),
    'ms',
    { name: 'bare GET', median: bare.median },
  );
}

/**
 * A synthetic run against fleet size, for the Pushgateway and for remote write into
 * Prometheus and VictoriaMetrics (bench/scale.ts), each as a ratio to the Pushgateway at the
 * same size; drawn into docs/bench-scale.svg.
 */
async function scaleCase(): Promise<void> {
  const sizes = (process.env.BENCH_SCALE_DEVICES ?? '10,50,200,500').split(',').map(Number);
  const points = await measureScale(sizes, Number(process.env.BENCH_SCALE_RUNS ?? 3), (line) =>
    process.stderr.write(`  ${line}\n`),
  );
  for (const point of points) {
    const pushgateway = points.find((p) => p.sink === 'Pushgateway' && p.devices === point.devices);
    add(
      `synthetic run, ${point.devices} devices × 24 ports: ${point.sink}`,
      point.series,
      stats(point.samplesMs),
      'ms',
      point.sink === 'Pushgateway' || !pushgateway
        ? undefined
        : { name: 'Pushgateway', median: median(pushgateway.samplesMs) },
    );
  }
  writeFileSync(join(root, 'docs', 'bench-scale.svg'), await scaleChartSvg(points));
}

/**
 * An eStats run at estate size (bench/estatsScale.ts) against the stand-in enforcing 40
 * requests a minute per API client: its time as a ratio to the floor the budget imposes, and
 * today's fixed pacing as a ratio to the same floor; drawn into docs/bench-estats.svg.
 */
async function estatsCase(pushgatewayUrl: string): Promise<void> {
  const ca = ensureTestCa(join(root, '.tmp', 'test-ca'));
  const child = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), join(root, 'bench', 'estats-child.ts'), pushgatewayUrl],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.bundlePath, TEST_CA_DIR: ca.dir },
    },
  );
  if (child.status !== 0) throw new Error('the eStats bench child failed (its output is above)');
  const { scale: points, overlap } = JSON.parse(child.stdout) as {
    scale: EstatsScalePoint[];
    overlap: OverlapPoint[];
  };
  // Every figure at Akamai's minute (bench/estatsScale.ts measures paced runs faster).
  const atScale = (ms: number) => stats([ms / 1000]);
  for (const point of points) {
    const size = `${point.targets} targets, ${point.clients} client(s)`;
    const floor = { name: 'budget floor', median: point.floorMs / 1000 };
    add(
      `eStats run, budget-paced (${point.throttled} × 429)`,
      size,
      atScale(point.oursMs),
      's',
      floor,
    );
    add(
      `eStats run, budget-paced before issue 45 (${point.throttledBefore} × 429)`,
      size,
      atScale(point.beforeMs),
      's',
      floor,
    );
    add('eStats run, fixed 1.5 s pacing (before)', size, atScale(point.fixedMs), 's', floor);
  }
  for (const point of overlap) {
    const size = `${point.schedules} schedules × ${point.targets} targets, 1 client`;
    const floor = { name: 'budget floor', median: point.floorMs / 1000 };
    const how = point.pacing === 'ours' ? 'budget-paced' : 'budget-paced before issue 45';
    add(
      `eStats schedules fired together, ${how}, until the last ends (${point.throttled} × 429 in ${point.runsMs.length} runs)`,
      size,
      stats(point.runsMs.map((ms) => ms / 1000)),
      's',
      floor,
    );
  }
  writeFileSync(join(root, 'docs', 'bench-estats-overlap.svg'), await overlapChartSvg(overlap));
  writeFileSync(join(root, 'docs', 'bench-estats.svg'), await estatsScaleChartSvg(points));
}

/**
 * The scrape source (bench/scrape.ts): one 10k-series endpoint fetched and delivered, against
 * a bare GET and a bare PUT of the same bytes; 100 small targets at the schedule's
 * concurrency, against the same one by one.
 */
async function scrapeCase(pushgatewayUrl: string): Promise<void> {
  const bench = await scrapeBench(pushgatewayUrl);
  try {
    const bare = await measure(() => bench.bareFetchAndPut());
    add('bare GET + bare PUT of the same bytes (baseline)', bench.bigSeries, bare, 'ms');
    add(
      'scrape: fetch, parse, store, deliver one endpoint',
      bench.bigSeries,
      await measure(() => bench.collectBig()),
      'ms',
      {
        name: 'bare GET + PUT',
        median: bare.median,
      },
    );
    const targets = `${bench.smallTargets} targets × 21 series`;
    const bareOne = await measure(() => bench.barePutsSmall(1));
    add('bare PUTs of the same bodies one by one (the Pushgateway alone)', targets, bareOne, 'ms');
    add(
      'bare PUTs of the same bodies, 8 at once',
      targets,
      await measure(() => bench.barePutsSmall(8)),
      'ms',
      {
        name: 'bare one by one',
        median: bareOne.median,
      },
    );
    const oneByOne = await measure(() => bench.collectSmallOneByOne());
    add('scrape: small targets one by one (baseline)', targets, oneByOne, 'ms');
    add(
      'scrape: small targets, 8 at once (the default)',
      targets,
      await measure(() => bench.collectSmall()),
      'ms',
      {
        name: 'one by one',
        median: oneByOne.median,
      },
    );
  } finally {
    await bench.stop();
  }
}

/**
 * Rule evaluation in a real Prometheus (bench/rules.ts): each group of the shipped rules, with
 * their recorded freshest copies, as a ratio to the same group of the rules before them, which
 * wrote the subquery out in every alert; and the head series both leave.
 */
async function rulesCase(): Promise<void> {
  for (const [devices, targets] of [
    [50, 20],
    [100, 50],
  ] as const) {
    const [recorded, inline] = await measureRuleCost(devices, targets, (line) =>
      process.stderr.write(`  ${line}\n`),
    );
    if (!recorded || !inline) continue;
    const size = `${devices}×24 ports, ${targets} targets`;
    for (const [group, ms] of Object.entries(recorded.groupMs)) {
      const before = inline.groupMs[group];
      add(
        `rule group ${group}, evaluation (recorded series)`,
        size,
        stats([ms]),
        'ms',
        before === undefined ? undefined : { name: 'inline rules', median: before },
      );
    }
    add('Prometheus head series (recorded series)', size, stats([recorded.headSeries]), 'series', {
      name: 'inline rules',
      median: inline.headSeries,
    });
  }
}

/** Client CPU (user + system) per series of `fn`, mean of 3 runs after one warm-up. */
async function cpuPerSeries(size: number, fn: () => unknown): Promise<number> {
  await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < 3; i++) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 3 / size;
}

const HANDLERS = {
  estats: 'src/handlers/estats.ts',
  synthetic: 'src/handlers/synthetic.ts',
  exportAlerting: 'src/handlers/export-alerting.ts',
};

/** A handler bundled as serverless.yml's esbuild settings do (`external`: left to the runtime). */
async function bundle(name: keyof typeof HANDLERS, file: string, external: string[] = []) {
  await build({
    entryPoints: [join(root, HANDLERS[name])],
    bundle: true,
    minify: true,
    // As serverless.yml's esbuild settings: error names must survive minification, and the
    // ESM builds of the AWS SDK tree-shake.
    keepNames: true,
    mainFields: ['module', 'main'],
    platform: 'node',
    target: 'node24',
    outfile: file,
    external,
    logLevel: 'silent',
  });
}

async function bundles(): Promise<void> {
  const out = join(root, '.tmp', 'bench');
  mkdirSync(out, { recursive: true });
  const empty = join(out, 'empty.js');
  writeFileSync(empty, '');
  const load = (file: string) => {
    const samples: number[] = [];
    for (let i = 0; i < 9; i++) {
      const start = performance.now();
      execFileSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`]);
      samples.push(performance.now() - start);
    }
    return stats(samples);
  };
  const baseline = load(empty);
  add('cold start: empty node (baseline)', '-', baseline, 'ms');
  for (const name of Object.keys(HANDLERS) as Array<keyof typeof HANDLERS>) {
    const file = join(out, `${name}.js`);
    await bundle(name, file);
    add(`bundle size: ${name}`, '-', stats([statSync(file).size / 1024]), 'KB');
    const s = load(file);
    add(
      `cold start: load ${name} bundle`,
      '-',
      {
        median: s.median - baseline.median,
        min: s.min - baseline.median,
        max: s.max - baseline.median,
      },
      'ms over empty node',
    );
  }
  const runtimeSdk = join(out, 'estats-runtime-sdk.js');
  await bundle('estats', runtimeSdk, ['@aws-sdk/*', '@smithy/*']);
  add(
    'bundle size: estats, AWS SDK left to the runtime',
    '-',
    stats([statSync(runtimeSdk).size / 1024]),
    'KB',
  );
}

/**
 * A Lambda cold start of the estats function up to its first signed eStats request, with the
 * secret in hand: a fresh node loads the bundle, the handler reads the EdgeGrid secret from the
 * Secrets Manager stand-in (the AWS SDK: its load, the credential chain, the call) and signs
 * and sends the request; the time runs from the spawn to the request's arrival at the HTTPS
 * Akamai stand-in. The baseline is an empty node sending one HTTPS request there. Variants
 * split the time: credentials from .edgerc (no SDK at all), and the SDK loaded from
 * node_modules as the runtime's copy would be, instead of bundled.
 */
async function coldStartToFirstRequest(pushgatewayUrl: string): Promise<void> {
  const out = join(root, '.tmp', 'bench');
  mkdirSync(out, { recursive: true });
  const ca = ensureTestCa(join(root, '.tmp', 'test-ca'));
  process.env.TEST_CA_DIR = ca.dir;
  const { akamai, edgercPath } = await startAkamaiStandin();
  const secretsManager = await startSecretsManagerStandin();
  secretsManager.secrets.set(
    'bench/akamai',
    JSON.stringify({
      host: akamai.host,
      client_token: STANDIN_CLIENT.clientToken,
      client_secret: STANDIN_CLIENT.clientSecret,
      access_token: STANDIN_CLIENT.accessToken,
    }),
  );
  const bundled = join(out, 'estats.js');
  const runtimeSdk = join(out, 'estats-runtime-sdk.js');
  await bundle('estats', bundled);
  await bundle('estats', runtimeSdk, ['@aws-sdk/*', '@smithy/*']);
  const env = {
    ...process.env,
    NODE_EXTRA_CA_CERTS: ca.bundlePath,
    PUSHGATEWAY_URL: pushgatewayUrl,
    ESTATS_MIN_INTERVAL_MS: '0',
    LOG_LEVEL: 'error',
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
    AWS_REGION: STANDIN_AWS.region,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const invoke = (file: string) =>
    `require(${JSON.stringify(file)}).handler({ targets: [{ cpCode: 1 }] }, { awsRequestId: 'bench', getRemainingTimeInMillis: () => 60000, functionName: 'estats' }).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); })`;
  const cases: Record<string, { code: string; env: Record<string, string | undefined> }> = {
    'empty node, one HTTPS request (baseline)': {
      code: `require('https').request(${JSON.stringify(`${akamai.url}/edge-diagnostics/v1/estats`)}, { method: 'POST' }, (r) => r.resume()).end('{}')`,
      env: {},
    },
    'estats bundle, secret from Secrets Manager (SDK bundled, as deployed)': {
      code: invoke(bundled),
      env: { AKAMAI_SECRET_ID: 'bench/akamai' },
    },
    'estats bundle, secret from Secrets Manager (SDK from node_modules, as the runtime copy)': {
      code: invoke(runtimeSdk),
      env: { AKAMAI_SECRET_ID: 'bench/akamai' },
    },
    'estats bundle, credentials from .edgerc (no SDK)': {
      code: invoke(bundled),
      env: {
        AKAMAI_SECRET_ID: undefined,
        AKAMAI_EDGERC: edgercPath,
        AKAMAI_EDGERC_SECTION: 'standin',
      },
    },
  };
  const samples = new Map<string, number[]>(Object.keys(cases).map((name) => [name, []]));
  try {
    for (let i = 0; i < 9; i++) {
      for (const [name, { code, env: extra }] of Object.entries(cases)) {
        const before = akamai.requests.length;
        const started = Date.now();
        const child = spawn(process.execPath, ['-e', code], {
          env: { ...env, ...extra },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const exit = await new Promise<number | null>((resolve) => child.on('close', resolve));
        const first = akamai.requests[before];
        if (!first || (name.startsWith('estats') && exit !== 0))
          throw new Error(`cold start case "${name}" did not reach Akamai: ${stderr}`);
        samples.get(name)?.push(first.at.getTime() - started);
      }
    }
  } finally {
    await akamai.stop();
    await secretsManager.stop();
  }
  const [baselineName, ...rest] = [...samples.keys()];
  const baseline = stats(samples.get(baselineName ?? '') ?? []);
  add(`cold start to the first eStats request: ${baselineName}`, '-', baseline, 'ms');
  for (const name of rest) {
    const s = stats(samples.get(name) ?? []);
    add(`cold start to the first eStats request: ${name}`, '-', s, 'ms', {
      name: 'empty node',
      median: baseline.median,
    });
    add(
      `  …over empty node: ${name}`,
      '-',
      {
        median: s.median - baseline.median,
        min: s.min - baseline.median,
        max: s.max - baseline.median,
      },
      'ms',
    );
  }
}

/**
 * First push of a fresh process (a cold start's first request), ours against a bare
 * node:http PUT in a fresh process, each bundled and run 9 times alternately.
 */
async function firstPush(pushgatewayUrl: string): Promise<void> {
  const out = join(root, '.tmp', 'bench');
  mkdirSync(out, { recursive: true });
  const file = join(out, 'first-push.js');
  await build({
    entryPoints: [join(root, 'bench', 'first-push.ts')],
    bundle: true,
    minify: true,
    platform: 'node',
    target: 'node24',
    outfile: file,
    logLevel: 'silent',
  });
  const samples: Record<'ours' | 'bare', number[]> = { ours: [], bare: [] };
  for (let i = 0; i < 9; i++) {
    for (const path of ['bare', 'ours'] as const) {
      const result = spawnSync(process.execPath, [file, path, pushgatewayUrl], {
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`first push (${path}) failed: ${result.stderr}`);
      samples[path].push(Number(result.stdout));
    }
  }
  const bare = stats(samples.bare);
  add('first push, fresh process: bare node:http PUT (baseline)', 20, bare, 'ms');
  add('first push, fresh process: our client', 20, stats(samples.ours), 'ms', {
    name: 'bare first PUT',
    median: bare.median,
  });
}

/**
 * A bench child (bench/NAME.ts) bundled for a plain `node`, so no TypeScript loader sits in
 * the measured process; returns the bundle's path.
 */
async function bundledChild(name: string): Promise<string> {
  const out = join(root, '.tmp', 'bench');
  mkdirSync(out, { recursive: true });
  const child = join(out, `${name}.js`);
  await build({
    entryPoints: [join(root, 'bench', `${name}.ts`)],
    bundle: true,
    platform: 'node',
    target: 'node24',
    outfile: child,
    logLevel: 'silent',
  });
  return child;
}

/**
 * Peak RSS of building and pushing 100k series, in a fresh plain `node` per path (the child is
 * bundled first, so no TypeScript loader sits in the measured process). Read as VmHWM: the
 * child's ru_maxrss would start at this (large) process's RSS, carried over fork and exec.
 */
async function peakRss(pushgatewayUrl: string): Promise<void> {
  const size = 100_000;
  const child = await bundledChild('rss-child');
  const peak = (args: string[]) => {
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`peak RSS child failed: ${result.stderr}`);
    return Number(result.stdout.trim()) / 1024 / 1024;
  };
  const empty = peak([
    '-e',
    'process.stdout.write(String(Number(/^VmHWM:\\s+(\\d+)/m.exec(require("fs").readFileSync("/proc/self/status", "utf8"))[1]) * 1024))',
  ]);
  add('peak RSS: empty node (baseline)', '-', stats([empty]), 'MB');
  for (const path of ['ours', 'prom-client'] as const) {
    add(
      `peak RSS: build + serialize + push (${path})`,
      size,
      stats([peak([child, path, String(size), pushgatewayUrl])]),
      'MB',
    );
  }
}

/**
 * Peak RSS of a scrape run of 8 targets in a process of its own, run as a 256 MB function
 * runs (V8's limits as Lambda sets them, and the scrape's budget of that memory): each target serves
 * a body at the sample limit (50,000 samples), then 10× the limit, gzipped as exporters
 * serve them. The baseline is the same run with bodies of one sample. The oversized targets
 * must be up 0 with their reason, the others up.
 */
async function scrapeMemoryCase(pushgatewayUrl: string): Promise<void> {
  const memoryMb = 256;
  const targets = 8;
  const limit = SCRAPE_DEFAULTS.sampleLimit;
  const child = await bundledChild('scrape-memory-child');
  // Lines of about 30 bytes, so 10× the limit (about 15 MB) stays under the 16 MiB body
  // limit: what stops it is the sample limit, counted while parsing.
  const body = (samples: number) =>
    gzipSync(
      `# HELP port_bytes Bytes.\n# TYPE port_bytes gauge\n${Array.from(
        { length: samples },
        (_, i) => `port_bytes{p="${i}"} ${i}`,
      ).join('\n')}\n`,
    );
  const bodies = new Map([
    ['/one', body(1)],
    ['/limit', body(limit)],
    ['/ten-times', body(limit * 10)],
  ]);
  const server = http.createServer((req, res) => {
    res.writeHead(200, {
      'content-type': 'text/plain; version=0.0.4',
      'content-encoding': 'gzip',
    });
    res.end(bodies.get(req.url ?? '') ?? Buffer.alloc(0));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const run = async (path: string) => {
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        // V8 as Lambda's Node.js bootstrap starts it: gc exposed, and limits from the
        // function's memory, a tenth for the young generation (half of it a semi-space),
        // the rest old space.
        const newSpace = Math.floor(memoryMb / 10);
        const spawned = spawn(process.execPath, [
          '--expose-gc',
          `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
          `--max-old-space-size=${memoryMb - newSpace}`,
          child,
          `${base}${path}`,
          String(targets),
          String(memoryMb),
          pushgatewayUrl,
        ]);
        let stdout = '';
        let stderr = '';
        spawned.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        spawned.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        spawned.on('close', (status) => resolve({ status, stdout, stderr }));
      },
    );
    if (result.status !== 0)
      throw new Error(`scrape memory child (${path}) failed: ${result.stderr.slice(0, 2000)}`);
    return JSON.parse(result.stdout) as {
      peakRssBytes: number;
      up: number;
      down: Array<{ instance: string; reason: string }>;
    };
  };
  try {
    const mb = (bytes: number) => bytes / 1024 / 1024;
    const runs = Math.max(3, Math.ceil(RUNS / 2));
    const series = async (path: string) => {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await run(path));
      return results;
    };
    const baseline = await series('/one');
    const atLimit = await series('/limit');
    const oversized = await series('/ten-times');
    if (atLimit.some((r) => r.up !== targets))
      throw new Error(`targets at the sample limit were down: ${JSON.stringify(atLimit[0]?.down)}`);
    const overLimit = /^500000 samples, more than the sample limit 50000$/;
    if (
      oversized.some(
        (r) => r.down.length !== targets || !r.down.every((d) => overLimit.test(d.reason)),
      )
    )
      throw new Error(
        `targets over the limit were not all down for it: ${JSON.stringify(oversized[0]?.down)}`,
      );
    const base = stats(baseline.map((r) => mb(r.peakRssBytes)));
    add(
      `scrape memory: ${targets} targets of 1 sample, ${memoryMb} MB function (baseline)`,
      targets,
      base,
      'MB',
    );
    const against = { name: 'targets of 1 sample', median: base.median };
    add(
      `scrape memory: ${targets} targets at the sample limit (${limit}), all up`,
      targets,
      stats(atLimit.map((r) => mb(r.peakRssBytes))),
      'MB',
      against,
    );
    add(
      `scrape memory: ${targets} targets at 10× the limit, each up 0 for it`,
      targets,
      stats(oversized.map((r) => mb(r.peakRssBytes))),
      'MB',
      against,
    );
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * The cases in the order they run, by the name BENCH_ONLY selects them with. The synthetic
 * case's fleet feeds the two after it.
 */
function cases(pushgateway: RealPushgateway): Array<[string, string, () => Promise<void>]> {
  let fleet: Awaited<ReturnType<typeof syntheticCollectorCase>> | undefined;
  const fleetOf = async () => (fleet ??= await syntheticCollectorCase(pushgateway));
  return [
    ['push', 'push cases', () => pushCases(pushgateway)],
    ['synthetic', 'synthetic collector end to end', async () => void (await fleetOf())],
    [
      'pushgateways',
      'several Pushgateways',
      async () => {
        const second = await RealPushgateway.start();
        try {
          await severalPushgatewaysCase(await fleetOf(), pushgateway, second);
        } finally {
          await second.stop();
        }
      },
    ],
    ['janitor', 'janitor', async () => janitorCase(pushgateway, (await fleetOf()).series)],
    ['bundles', 'bundles and cold starts', () => bundles()],
    [
      'coldstart',
      'cold start to the first signed eStats request',
      () => coldStartToFirstRequest(pushgateway.url),
    ],
    [
      'firstpush',
      'first push',
      async () => {
        // A push costs the Pushgateway a check against everything it holds: start from empty.
        await pushgateway.wipe();
        await firstPush(pushgateway.url);
      },
    ],
    ['rss', 'peak RSS', () => peakRss(pushgateway.url)],
    ['scale', 'sinks against fleet size', () => scaleCase()],
    ['rules', 'rule evaluation, recorded series against inline', () => rulesCase()],
    [
      'scrape',
      'the scrape source',
      async () => {
        await pushgateway.wipe();
        await scrapeCase(pushgateway.url);
      },
    ],
    [
      'scrapememory',
      'scrape memory against the function memory',
      async () => {
        await pushgateway.wipe();
        await scrapeMemoryCase(pushgateway.url);
      },
    ],
    ['traffic', 'a traffic run against the account budget and the cost limit', () => trafficCase()],
    [
      'estats',
      'eStats runs against the Akamai budget',
      async () => {
        await pushgateway.wipe();
        await estatsCase(pushgateway.url);
      },
    ],
  ];
}

/**
 * A traffic run for 300 CP codes after a six-hour outage (bench/traffic-child.ts): its time
 * and requests against the floor the account's budget share and the query-cost limit impose;
 * with maxRowsPerRequest at the cost limit, and at the shipped default (above it: 422s teach
 * the run the limit).
 */
async function trafficCase(): Promise<void> {
  const ca = ensureTestCa(join(root, '.tmp', 'test-ca'));
  const child = spawnSync(
    process.execPath,
    [require.resolve('tsx/cli'), join(root, 'bench', 'traffic-child.ts')],
    {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca.bundlePath, TEST_CA_DIR: ca.dir },
    },
  );
  if (child.status !== 0) throw new Error('the traffic bench child failed (its output is above)');
  const points = JSON.parse(child.stdout) as TrafficBenchPoint[];
  for (const point of points) {
    const size = `${point.cpCodes} CP codes, ${point.rows} rows`;
    const how = {
      known: 'maxRowsPerRequest at the cost limit',
      learning: 'default maxRowsPerRequest, first run (learns the limit)',
      learned: 'default maxRowsPerRequest, the next run (from what it learned)',
    }[point.sizing];
    const requests = point.runs.map((r) => r.requests);
    add(
      `traffic run after a 6 h outage, ${how} (${Math.max(...point.runs.map((r) => r.throttled))} × 429, ${Math.max(...point.runs.map((r) => r.refused))} × 422)`,
      size,
      stats(point.runs.map((r) => r.ms / 1000)),
      's',
      { name: 'budget and cost floor', median: point.floorMs / 1000 },
    );
    add(`traffic report requests, ${how}`, size, stats(requests), 'requests', {
      name: 'cost floor',
      median: point.floorRequests,
    });
  }
}

async function main(): Promise<void> {
  const pushgateway = await RealPushgateway.start();
  try {
    const all = cases(pushgateway);
    const unknown = ONLY?.filter((name) => !all.some(([known]) => known === name)) ?? [];
    if (unknown.length > 0)
      throw new Error(
        `BENCH_ONLY names no case ${unknown.join(', ')}; the cases are ${all.map(([name]) => name).join(', ')}`,
      );
    for (const [name, what, run] of all) {
      if (ONLY && !ONLY.includes(name)) continue;
      process.stderr.write(`${what}…\n`);
      await run();
    }
  } finally {
    await pushgateway.stop();
  }
  const machine = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? ''}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    pushgateway: spawnSync(binaryPath(PUSHGATEWAY), ['--version'], {
      encoding: 'utf8',
    }).stderr.split('\n')[0],
  };
  // A partial run (BENCH_ONLY) prints its rows and leaves the full results alone.
  if (!ONLY)
    writeFileSync(
      join(root, 'bench', 'results.json'),
      `${JSON.stringify({ date: new Date().toISOString(), machine, runs: RUNS, rows }, null, 2)}\n`,
    );
  const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(2));
  process.stdout.write(
    `\n| case | series | median | min–max | unit | ratio |\n|---|---|---|---|---|---|\n`,
  );
  for (const r of rows)
    process.stdout.write(
      `| ${r.case} | ${r.size} | ${fmt(r.median)} | ${fmt(r.min)}–${fmt(r.max)} | ${r.unit} | ${r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.baseline}`} |\n`,
    );
  process.stdout.write(
    `\nmachine: ${JSON.stringify(machine)}\n${ONLY ? '' : 'written: bench/results.json\n'}`,
  );
}

void main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
