/**
 * `npm run bench`: speed and memory of the push path and the handlers, as ratios to a baseline
 * measured in the same run (a bare HTTP PUT of the same bytes to the same real Pushgateway;
 * prom-client's Pushgateway as the peer). Writes bench/results.json; docs/performance.md
 * explains the figures. Timings here are measurements, never test thresholds.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Counter, Gauge, Pushgateway, Registry } from 'prom-client';
import { PushgatewayClient } from '../src/pushgateway/client';
import { SYNTHETIC } from '../src/metrics/catalogue';
import { parseFleet } from '../src/synthetic/fleetConfig';
import { modelSettings, sampleDevice } from '../src/synthetic/model';
import { RealPushgateway } from '../test/helpers/pushgateway';

const root = join(__dirname, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const WARMUP = 2;
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

/** A registry holding `size` synthetic series in one group (device and port as labels). */
function syntheticRegistry(size: number): Registry {
  const portsPerDevice = 8;
  const devices = Math.max(1, Math.round(size / (14 * portsPerDevice)));
  const plan = parseFleet({ deviceCount: Math.min(devices, 100_000), portsPerDevice });
  const settings = modelSettings(plan);
  const registry = new Registry();
  const g = (d: { name: string; help: string }) =>
    new Gauge({
      name: d.name,
      help: d.help,
      labelNames: ['device', 'port'],
      registers: [registry],
    });
  const c = (d: { name: string; help: string }) =>
    new Counter({
      name: d.name,
      help: d.help,
      labelNames: ['device', 'port'],
      registers: [registry],
    });
  const linkUp = g(SYNTHETIC.linkUp);
  const buffer = g(SYNTHETIC.bufferBytes);
  const speed = g(SYNTHETIC.portSpeed);
  const rx = c(SYNTHETIC.receiveBytes);
  const tx = c(SYNTHETIC.transmitBytes);
  const rxp = c(SYNTHETIC.receivePackets);
  const txp = c(SYNTHETIC.transmitPackets);
  const t = Date.parse('2026-11-20T18:00:00Z') / 1000;
  let count = 0;
  for (const device of plan.devices) {
    for (const port of sampleDevice(device, t, settings).ports) {
      const labels = { device: device.name, port: port.port.name };
      linkUp.set(labels, port.linkUp ? 1 : 0);
      buffer.set(labels, port.bufferBytes);
      speed.set(labels, port.speedBytes);
      rx.inc(labels, port.receive.bytes);
      tx.inc(labels, port.transmit.bytes);
      rxp.inc(labels, port.receive.packets);
      txp.inc(labels, port.transmit.packets);
      count += 7;
      if (count >= size) return registry;
    }
  }
  return registry;
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
  const ours = new PushgatewayClient({
    url: new URL(pushgateway.url),
    gzipMinBytes: Number.POSITIVE_INFINITY,
  });
  const oursGzip = new PushgatewayClient({ url: new URL(pushgateway.url) });
  for (const size of SIZES) {
    const registry = syntheticRegistry(size);
    // The registry is the third argument: without it prom-client pushes its global registry.
    const peer = new Pushgateway(pushgateway.url, { agent } as never, registry);
    const text = await registry.metrics();
    const bytes = Buffer.from(text);
    const runs = size >= 100_000 ? 5 : RUNS;
    const bare = await measure(
      () => barePut(`${pushgateway.url}/metrics/job/bench/size/${size}`, bytes),
      runs,
    );
    add('bare PUT (baseline)', size, bare, 'ms');
    const base = { name: 'bare PUT', median: bare.median };
    add(
      'our client, PUT (no gzip)',
      size,
      await measure(() => ours.put({ job: 'bench', labels: { size: String(size) } }, text), runs),
      'ms',
      base,
    );
    add(
      'our client, PUT (gzip, default)',
      size,
      await measure(
        () => oursGzip.put({ job: 'bench', labels: { size: String(size) } }, text),
        runs,
      ),
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
      'serialize (prom-client registry.metrics)',
      size,
      await measure(() => registry.metrics(), runs),
      'ms',
      base,
    );
    add(
      'build + serialize + push (ours)',
      size,
      await measure(
        async () =>
          ours.put(
            { job: 'bench', labels: { size: String(size) } },
            await syntheticRegistry(size).metrics(),
          ),
        runs,
      ),
      'ms',
      base,
    );
    const cpu = process.cpuUsage();
    for (let i = 0; i < 3; i++)
      await ours.put(
        { job: 'bench', labels: { size: String(size) } },
        await syntheticRegistry(size).metrics(),
      );
    const used = process.cpuUsage(cpu);
    add(
      'client CPU per series (build + serialize + push)',
      size,
      stats([(used.user + used.system) / 3 / size]),
      'µs',
    );
  }
}

async function bundles(): Promise<void> {
  const out = join(root, '.tmp', 'bench');
  mkdirSync(out, { recursive: true });
  const handlers = {
    estats: 'src/handlers/estats.ts',
    synthetic: 'src/handlers/synthetic.ts',
    exportAlerting: 'src/handlers/export-alerting.ts',
  };
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
  for (const [name, entry] of Object.entries(handlers)) {
    const file = join(out, `${name}.js`);
    await build({
      entryPoints: [join(root, entry)],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node20',
      outfile: file,
      logLevel: 'silent',
    });
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
}

function peakRss(pushgatewayUrl: string): void {
  const size = 100_000;
  const script = `
    const { syntheticRegistryForBench } = require(${JSON.stringify(join(root, 'bench', 'rss-child.ts'))});
    syntheticRegistryForBench(${size}, ${JSON.stringify(pushgatewayUrl)}).then(() => {
      process.stdout.write(String(process.resourceUsage().maxRSS * 1024));
    });`;
  const result = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
    cwd: root,
    encoding: 'utf8',
  });
  const bytes = Number(result.stdout.trim());
  add('peak RSS: build + serialize + push (ours)', size, stats([bytes / 1024 / 1024]), 'MB');
}

async function main(): Promise<void> {
  const pushgateway = await RealPushgateway.start();
  try {
    process.stderr.write('push cases…\n');
    await pushCases(pushgateway);
    process.stderr.write('bundles and cold starts…\n');
    await bundles();
    process.stderr.write('peak RSS…\n');
    peakRss(pushgateway.url);
  } finally {
    await pushgateway.stop();
  }
  const machine = {
    node: process.version,
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? ''}`,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    pushgateway: spawnSync('prometheus-pushgateway', ['--version'], {
      encoding: 'utf8',
    }).stderr.split('\n')[0],
  };
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
  process.stdout.write(`\nmachine: ${JSON.stringify(machine)}\nwritten: bench/results.json\n`);
}

void main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).message}\n`);
  process.exit(1);
});
