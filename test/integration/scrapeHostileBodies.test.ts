/**
 * Hostile bodies, side by side: a real Prometheus scrapes each body below, and the scrape
 * collector (collectScrape, the function's own path) fetches the same endpoint; what each
 * stores is compared: up, every series with its value, and the report series. The bodies are
 * the ones a Prometheus scrape survives that a strict parser would not, and the ones neither
 * should store.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { launchPrometheus, type RunningBinary } from '../../dev/launchers';
import { collectScrape } from '../../src/collectors/scrape';
import { parseScrapeSchedule } from '../../src/scrape/schedule';
import { NO_DEADLINE } from '../../src/shared/deadline';
import { createLogger } from '../../src/shared/logger';
import { Deliveries } from '../../src/sinks/deliveries';
import type { GroupContent } from '../../src/metrics/content';

const TEXT = 'text/plain; version=0.0.4';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Each body by its job: what it serves, and how. */
const BODIES: Record<
  string,
  { body: string | Buffer | (() => string); type?: string; gzip?: boolean; status?: number }
> = {
  duplicate: { body: 'x{k="a"} 1\nx{k="a"} 1\nother 2\n' },
  empty_label_collision: { body: 'foo{a=""} 1\nfoo 2\nother 3\n' },
  up_in_body: { body: 'up 0\nother 1\n' },
  scrape_in_body: { body: 'scrape_samples_scraped 99\nother 1\n' },
  malformed: { body: 'a 1\nb 2\nc{x="1" 3\n' },
  escapes: { body: 'esc{path="C:\\\\dir",q="say \\"hi\\"",nl="a\\nb"} 1\n' },
  special_values: { body: 'n NaN\npi +Inf\nmi -Inf\nz -0\nsci 1.5e3\n' },
  histogram: {
    body: '# TYPE h histogram\nh_bucket{le="0.1"} 1\nh_bucket{le="+Inf"} 3\nh_sum 0.7\nh_count 3\n',
  },
  summary: {
    body: '# TYPE s summary\ns{quantile="0.5"} 0.2\ns{quantile="0.9"} 0.4\ns_sum 9\ns_count 30\n',
  },
  untyped_comments: { body: '# a comment\n# HELP m help text\nm 1\n\n\n' },
  huge_label: { body: `big{v="${'x'.repeat(10_000)}"} 1\n` },
  openmetrics: {
    type: OPENMETRICS,
    body: [
      '# TYPE c_seconds counter',
      '# UNIT c_seconds seconds',
      'c_seconds_total 5 # {trace_id="abc"} 1.0',
      'c_seconds_created 1700000000',
      '# TYPE i info',
      'i_info{version="1.2"} 1',
      '# TYPE st stateset',
      'st{st="a"} 1',
      'st{st="b"} 0',
      '# EOF',
      '',
    ].join('\n'),
  },
  openmetrics_without_eof: { type: OPENMETRICS, body: '# TYPE g gauge\ng 1\n' },
  openmetrics_unit_not_in_name: {
    type: OPENMETRICS,
    body: '# TYPE c counter\n# UNIT c seconds\nc_total 5\n# EOF\n',
  },
  truncated_gzip: { body: gzipSync('a 1\nb 2\n').subarray(0, 12), gzip: true },
  gzip: { body: gzipSync('a 1\nb 2\n'), gzip: true },
  // A sample's own time, a second ago: both store it at that time.
  timestamp: { body: () => `stamped 7 ${Date.now() - 1000}\nplain 1\n` },
  eof_in_text: { body: 'm 1\n# EOF\n' },
  exemplar_in_text: { body: 'm 1 # {trace_id="a"} 1\n' },
  invalid_utf8: {
    body: Buffer.concat([Buffer.from('m{v="a'), Buffer.from([0xff, 0xfe]), Buffer.from('"} 1\n')]),
  },
  trailing_comma: { body: 'm{a="1",} 1\n' },
  empty: { body: '' },
  comments_only: { body: '# just a comment\n# HELP x nothing\n' },
  colons_and_underscores: { body: 'a:b:c{_x="1"} 1\n' },
  help_escapes: { body: '# HELP m line\\none \\\\ back\nm 1\n' },
  type_twice: { body: '# TYPE m gauge\n# TYPE m counter\nm 1\n' },
  type_after_samples: { body: 'm 1\n# TYPE m gauge\n' },
  histogram_without_inf: { body: '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n' },
  tabs: { body: 'm\t1\nn{a="b"}\t2\n' },
  over_sample_limit: {
    body: () => Array.from({ length: 50_001 }, (_, i) => `s{i="${i}"} 1`).join('\n'),
  },
  status_500: { body: 'a 1\n', status: 500 },
  not_found: { body: 'gone\n', status: 404 },
};

let server: Server;
let serverHost: string;
let prometheus: RunningBinary;
const dir = mkdtempSync(join(tmpdir(), 'hostile-'));

beforeAll(async () => {
  server = createServer((req, res) => {
    const entry = BODIES[(req.url ?? '').slice(1)];
    if (!entry) return res.writeHead(404).end();
    res.writeHead(entry.status ?? 200, {
      'content-type': entry.type ?? TEXT,
      ...(entry.gzip ? { 'content-encoding': 'gzip' } : {}),
    });
    res.end(typeof entry.body === 'function' ? entry.body() : entry.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverHost = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s }',
      'scrape_configs:',
      ...Object.keys(BODIES).flatMap((job) => [
        `  - job_name: ${job}`,
        `    metrics_path: /${job}`,
        `    static_configs: [{ targets: ["${serverHost}"] }]`,
        // The scrape function's default (Prometheus has none).
        '    sample_limit: 50000',
      ]),
      '',
    ].join('\n'),
  );
  prometheus = await launchPrometheus({
    configFile: config,
    tsdbPath: join(dir, 'data'),
    extraArgs: ['--enable-feature=extra-scrape-metrics'],
  });
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
  await new Promise((resolve) => server.close(resolve));
});

/** A value as Prometheus's API prints it. */
function shown(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

/** Series a report or a read gives on each scrape differently: not compared. */
const MOVING = new Set([
  'scrape_duration_seconds',
  'scrape_series_added',
  'scrape_timeout_seconds',
]);

const line = (name: string, labels: Record<string, string>, value: string) =>
  `${name}${JSON.stringify(Object.entries(labels).sort())} ${value}`;

async function prometheusStored(job: string): Promise<string[]> {
  const query = `{job="${job}"}`;
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const json = (await res.json()) as {
      data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    const up = json.data.result.find((r) => r.metric.__name__ === 'up');
    // Every report series is there once the second scrape of the target is in.
    if (up && json.data.result.some((r) => r.metric.__name__ === 'scrape_body_size_bytes'))
      return json.data.result
        .filter(({ metric }) => !MOVING.has(metric.__name__ ?? ''))
        .map(({ metric: { __name__: name = '', ...labels }, value }) =>
          line(name, labels, value[1]),
        )
        .sort();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Prometheus never scraped ${job}`);
}

async function ourStored(job: string): Promise<string[]> {
  const groups: GroupContent[] = [];
  const sinks = new Deliveries([
    {
      sink: { name: 'remote-write', write: async (group) => void groups.push(group.metrics) },
      groupStores: [],
    },
  ]);
  await collectScrape(
    parseScrapeSchedule({
      name: job,
      job,
      targets: [{ url: `http://${serverHost}/${job}` }],
    }),
    { sinks, logger: createLogger({ write: () => {} }), secrets: () => ({}) as never },
    NO_DEADLINE,
  );
  const [group] = groups;
  if (!group) throw new Error(`no group for ${job}`);
  const { series } = await group.timeSeries({ job, labels: { instance: serverHost } }, Date.now());
  return series
    .map((s) => {
      const labels = Object.fromEntries(s.labels.map((l) => [l.name, l.value]));
      const { __name__: name = '', ...rest } = labels;
      return { name, rest, value: s.samples[0]?.value ?? Number.NaN };
    })
    .filter(({ name }) => !MOVING.has(name))
    .map(({ name, rest, value }) => line(name, rest, shown(value)))
    .sort();
}

describe('hostile bodies, stored as a real Prometheus stores them', () => {
  it.each(Object.keys(BODIES))(
    '%s',
    async (job) => {
      const theirs = await prometheusStored(job);
      expect(theirs.length).toBeGreaterThan(0);
      expect(await ourStored(job)).toEqual(theirs);
    },
    30_000,
  );
});
