/**
 * Side by side with a real Prometheus: node_exporter is scraped by Prometheus and fetched and
 * parsed by us (src/scrape/), and the series each stores are compared: the same names and
 * label sets, the target labels set the way Prometheus sets them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  launchBlackboxExporter,
  launchNodeExporter,
  launchPrometheus,
  launchSnmpd,
  launchSnmpExporter,
  type RunningBinary,
} from '../../dev/launchers';
import { formatOf, parseExposition } from '../../src/scrape/exposition';
import { ScrapedGroup } from '../../src/scrape/scrapedGroup';
import { storeScrape } from '../../src/scrape/semantics';
import { RealPrometheus } from '../../dev/realPrometheus';
import { RealPushgateway } from '../../dev/realPushgateway';
import { DEFAULT_PUSH_RETRY } from '../../src/constants';
import { NO_DEADLINE } from '../../src/shared/deadline';
import { RemoteWriteClient } from '../../src/sinks/remoteWrite/client';
import { handler } from '../../src/handlers/scrape';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

let nodeExporter: RunningBinary;
let blackbox: RunningBinary;
let snmpExporter: RunningBinary;
let snmpd: Awaited<ReturnType<typeof launchSnmpd>>;
let prometheus: RunningBinary;
const dir = mkdtempSync(join(tmpdir(), 'scrape-semantics-'));
const marker = `scrape_test_marker_${process.pid}`;

beforeAll(async () => {
  const textfiles = join(dir, 'textfiles');
  mkdirSync(textfiles);
  // A series with labels the target also sets: Prometheus renames them exported_*.
  writeFileSync(
    join(textfiles, 'marker.prom'),
    `# TYPE ${marker} gauge\n${marker}{job="inner",instance="pod-1",site="fra1"} 1\n`,
  );
  nodeExporter = await launchNodeExporter({ textfileDirectory: textfiles, marker });
  const blackboxConfig = join(dir, 'blackbox.yml');
  writeFileSync(
    blackboxConfig,
    `modules:\n  http_2xx: { prober: http }\n  ${marker}: { prober: tcp }\n`,
  );
  blackbox = await launchBlackboxExporter({ configFile: blackboxConfig, marker });
  // IF-MIB by numeric OIDs: Debian ships neither an snmp.yml nor the (non-free) MIBs.
  snmpd = await launchSnmpd({ configDir: dir });
  const snmpConfig = join(dir, 'snmp.yml');
  const ifColumn = (name: string, oid: string, type: string) =>
    `    - { name: ${name}, oid: ${oid}, type: ${type}, indexes: [{ labelname: ifIndex, type: gauge }], lookups: [{ labels: [ifIndex], labelname: ifDescr, oid: 1.3.6.1.2.1.2.2.1.2, type: DisplayString }] }`;
  writeFileSync(
    snmpConfig,
    [
      'if_mib:',
      '  walk: [1.3.6.1.2.1.2.2.1.2, 1.3.6.1.2.1.2.2.1.8, 1.3.6.1.2.1.31.1.1.1.6, 1.3.6.1.2.1.31.1.1.1.10]',
      '  metrics:',
      ifColumn('ifOperStatus', '1.3.6.1.2.1.2.2.1.8', 'gauge'),
      ifColumn('ifHCInOctets', '1.3.6.1.2.1.31.1.1.1.6', 'counter'),
      ifColumn('ifHCOutOctets', '1.3.6.1.2.1.31.1.1.1.10', 'counter'),
      '  version: 2',
      '  auth: { community: public }',
      `${marker}:`,
      '  walk: [1.3.6.1.2.1.1.3]',
      '  metrics: [{ name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: gauge }]',
      '  version: 2',
      '  auth: { community: public }',
      '',
    ].join('\n'),
  );
  snmpExporter = await launchSnmpExporter({ configFile: snmpConfig, marker });
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s }',
      'scrape_configs:',
      '  - job_name: node',
      `    static_configs: [{ targets: ["${new URL(nodeExporter.url).host}"], labels: { site: edge } }]`,
      // blackbox_exporter as its README configures it: the probed URL as the instance.
      '  - job_name: blackbox',
      '    metrics_path: /probe',
      '    params: { module: [http_2xx] }',
      `    static_configs: [{ targets: ["${nodeExporter.url}/metrics"] }]`,
      '    relabel_configs:',
      '      - { source_labels: [__address__], target_label: __param_target }',
      '      - { source_labels: [__param_target], target_label: instance }',
      `      - { target_label: __address__, replacement: "${new URL(blackbox.url).host}" }`,
      // snmp_exporter the same way: the switch (here, this machine's snmpd) as the instance.
      '  - job_name: snmp',
      '    metrics_path: /snmp',
      '    params: { module: [if_mib] }',
      `    static_configs: [{ targets: ["${snmpd.address}"] }]`,
      '    relabel_configs:',
      '      - { source_labels: [__address__], target_label: __param_target }',
      '      - { source_labels: [__param_target], target_label: instance }',
      `      - { target_label: __address__, replacement: "${new URL(snmpExporter.url).host}" }`,
      '',
    ].join('\n'),
  );
  // Its scrape_timeout_seconds and scrape_sample_limit, which we report too.
  prometheus = await launchPrometheus({
    configFile: config,
    tsdbPath: join(dir, 'data'),
    extraArgs: ['--enable-feature=extra-scrape-metrics'],
  });
}, 60_000);
afterAll(async () => {
  await prometheus?.stop();
  await snmpExporter?.stop();
  await snmpd?.stop();
  await blackbox?.stop();
  await nodeExporter?.stop();
});

/** Until the direct Prometheus has scraped `job` a few times. */
async function scrapedBy(job: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const res = await fetch(
      `${prometheus.url}/api/v1/query?query=${encodeURIComponent(`up{job="${job}"}`)}`,
    );
    if (((await res.json()) as { data: { result: unknown[] } }).data.result.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 1500));
}

const key = (name: string, labels: Record<string, string>) =>
  `${name}${JSON.stringify(Object.entries(labels).sort())}`;

/** Series whose label sets change between two reads of the same endpoint. */
const MOVING =
  /^(node_scrape_collector_duration_seconds|go_memstats_.*|go_gc_.*|process_.*|node_(cpu|disk|network|netstat|vmstat|softnet|schedstat|pressure|timex|time|entropy|interrupts|context|forks|intr|procs|load|memory|filefd|sockstat|nf_conntrack|thermal|hwmon|arp|udp|edac|boot|ipvs|xfs|zfs|rapl|bonding|textfile)_.*)$/;

it('stores the series a Prometheus scrape of the same endpoint stores, with its job and instance rules', async () => {
  // Prometheus has scraped it a few times.
  const query = async (expr: string) => {
    const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return ((await res.json()) as { data: { result: Array<{ metric: Record<string, string> }> } })
      .data.result;
  };
  for (let i = 0; i < 100 && (await query('up{job="node"}')).length === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 200));
  await new Promise((resolve) => setTimeout(resolve, 1500));

  const started = performance.now();
  const res = await fetch(`${nodeExporter.url}/metrics`, {
    headers: {
      accept: 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4',
    },
  });
  const families = parseExposition(
    await res.text(),
    formatOf(res.headers.get('content-type') ?? undefined),
  );
  const ours = storeScrape(
    { job: 'node', url: `${nodeExporter.url}/metrics`, labels: { site: 'edge' } },
    {},
    { families, durationSeconds: (performance.now() - started) / 1000 },
  );

  const theirs = (await query('{job="node"}')).map(
    ({ metric: { __name__: name = '', ...labels } }) => key(name, labels),
  );
  const ourKeys = [...ours.samples, ...ours.report].map((s) => key(s.name, s.labels));
  const stable = (k: string) => !MOVING.test(k.split('[')[0] ?? '');
  // scrape_series_added needs the state of earlier scrapes: not ours to give.
  const theirStable = theirs.filter((k) => stable(k) && !k.startsWith('scrape_series_added'));
  expect(ourKeys.filter(stable).sort()).toEqual(theirStable.sort());
  expect(theirStable.length).toBeGreaterThan(20);
  // Every metric name, the moving ones too.
  const names = (keys: string[]) => [...new Set(keys.map((k) => k.split('[')[0]))].sort();
  expect(names(ourKeys)).toEqual(names(theirs.filter((k) => !k.startsWith('scrape_series_added'))));

  // The renames of a conflict, as Prometheus made them.
  expect(ourKeys).toContain(
    key(marker, {
      job: 'node',
      instance: new URL(nodeExporter.url).host,
      site: 'edge',
      exported_job: 'inner',
      exported_instance: 'pod-1',
      exported_site: 'fra1',
    }),
  );
}, 60_000);

it('stores a blackbox_exporter probe as Prometheus does, the probed URL as its instance', async () => {
  const query = async (expr: string) => {
    const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return ((await res.json()) as { data: { result: Array<{ metric: Record<string, string> }> } })
      .data.result;
  };
  for (let i = 0; i < 100 && (await query('probe_success{job="blackbox"}')).length === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 200));
  const probed = `${nodeExporter.url}/metrics`;
  const url = `${blackbox.url}/probe?module=http_2xx&target=${encodeURIComponent(probed)}`;
  const started = performance.now();
  const res = await fetch(url);
  const ours = storeScrape(
    { job: 'blackbox', url, labels: { instance: probed } },
    {},
    {
      families: parseExposition(
        await res.text(),
        formatOf(res.headers.get('content-type') ?? undefined),
      ),
      durationSeconds: (performance.now() - started) / 1000,
    },
  );
  expect(ours.samples.find((s) => s.name === 'probe_success')).toMatchObject({
    labels: { job: 'blackbox', instance: probed },
    value: 1,
  });
  const theirs = (await query('{job="blackbox"}'))
    .map(({ metric: { __name__: name = '', ...labels } }) => key(name, labels))
    .filter((k) => !k.startsWith('scrape_series_added'));
  expect([...ours.samples, ...ours.report].map((s) => key(s.name, s.labels)).sort()).toEqual(
    theirs.sort(),
  );
}, 60_000);

it("stores snmp_exporter's interfaces of a real SNMP agent as Prometheus does, the switch as its instance", async () => {
  const query = async (expr: string) => {
    const res = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return ((await res.json()) as { data: { result: Array<{ metric: Record<string, string> }> } })
      .data.result;
  };
  for (let i = 0; i < 100 && (await query('ifOperStatus{job="snmp"}')).length === 0; i++)
    await new Promise((resolve) => setTimeout(resolve, 200));
  const url = `${snmpExporter.url}/snmp?module=if_mib&target=${encodeURIComponent(snmpd.address)}`;
  const res = await fetch(url);
  const ours = storeScrape(
    { job: 'snmp', url, labels: { instance: snmpd.address } },
    {},
    {
      families: parseExposition(
        await res.text(),
        formatOf(res.headers.get('content-type') ?? undefined),
      ),
      durationSeconds: 0.1,
    },
  );
  // The machine's own interfaces, loopback among them.
  expect(
    ours.samples.find((s) => s.name === 'ifOperStatus' && s.labels.ifDescr === 'lo'),
  ).toMatchObject({
    labels: { job: 'snmp', instance: snmpd.address },
    value: 1,
  });
  const theirs = (await query('{job="snmp"}'))
    .map(({ metric: { __name__: name = '', ...labels } }) => key(name, labels))
    .filter((k) => !k.startsWith('scrape_series_added'));
  expect([...ours.samples, ...ours.report].map((s) => key(s.name, s.labels)).sort()).toEqual(
    theirs.sort(),
  );
}, 60_000);

it('delivered through a real Pushgateway, stores in a Prometheus scraping it what the direct scrape stores', async () => {
  await scrapedBy('node');
  const pushgateway = await RealPushgateway.start();
  const viaPushgateway = await RealPrometheus.start(pushgateway.url, '1s');
  try {
    const started = performance.now();
    const res = await fetch(`${nodeExporter.url}/metrics`);
    const families = parseExposition(
      await res.text(),
      formatOf(res.headers.get('content-type') ?? undefined),
    );
    const target = { job: 'node', url: `${nodeExporter.url}/metrics`, labels: { site: 'edge' } };
    const outcome = storeScrape(
      target,
      {},
      {
        families,
        durationSeconds: (performance.now() - started) / 1000,
      },
    );
    const group = new ScrapedGroup([...outcome.samples, ...outcome.report], families, Date.now());
    // One group per target: {job, instance}, as the product groups it.
    const instance = Buffer.from(new URL(nodeExporter.url).host).toString('base64url');
    const pushed = await fetch(`${pushgateway.url}/metrics/job/node/instance@base64/${instance}`, {
      method: 'PUT',
      body: await group.text({ job: 'node', labels: { instance: new URL(nodeExporter.url).host } }),
    });
    expect(await pushed.text()).toBe('');
    expect(pushed.status).toBe(200);

    const series = async (server: { url: string }) => {
      const r = await fetch(
        `${server.url}/api/v1/query?query=${encodeURIComponent('{job="node"}')}`,
      );
      return (
        (await r.json()) as { data: { result: Array<{ metric: Record<string, string> }> } }
      ).data.result
        .map(({ metric: { __name__: name = '', ...labels } }) => key(name, labels))
        .filter(
          (k) => !/^(scrape_series_added|push_time_seconds|push_failure_time_seconds)/.test(k),
        )
        .filter((k) => !MOVING.test(k.split('[')[0] ?? ''));
    };
    const delivered = await (async () => {
      for (let i = 0; i < 100; i++) {
        const found = await series(viaPushgateway);
        if (found.length > 0) return found;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return [];
    })();
    expect(delivered.sort()).toEqual((await series(prometheus)).sort());
  } finally {
    await viaPushgateway.stop();
    await pushgateway.stop();
  }
}, 60_000);

it('remote-written into a real Prometheus, stores the series the direct scrape stores, at the scrape time', async () => {
  await scrapedBy('node');
  const receiver = await RealPrometheus.startRemoteWriteReceiver();
  try {
    const started = performance.now();
    const scrapedAt = Date.now();
    const res = await fetch(`${nodeExporter.url}/metrics`);
    const families = parseExposition(
      await res.text(),
      formatOf(res.headers.get('content-type') ?? undefined),
    );
    const target = { job: 'node', url: `${nodeExporter.url}/metrics`, labels: { site: 'edge' } };
    const outcome = storeScrape(
      target,
      {},
      {
        families,
        durationSeconds: (performance.now() - started) / 1000,
      },
    );
    const group = new ScrapedGroup([...outcome.samples, ...outcome.report], families, scrapedAt);
    const client = new RemoteWriteClient({
      url: new URL(`${receiver.url}/api/v1/write`),
      maxRequestBytes: 256 * 1024,
      concurrency: 2,
      requestTimeoutMs: 10_000,
      retry: DEFAULT_PUSH_RETRY,
    });
    await client.write(await group.timeSeries(), NO_DEADLINE);

    const stored = async (server: { url: string }) => {
      const r = await fetch(
        `${server.url}/api/v1/query?query=${encodeURIComponent('{job="node"}')}`,
      );
      return (
        (await r.json()) as {
          data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
        }
      ).data.result;
    };
    const keys = (result: Awaited<ReturnType<typeof stored>>) =>
      result
        .map(({ metric: { __name__: name = '', ...labels } }) => key(name, labels))
        .filter((k) => !k.startsWith('scrape_series_added') && !MOVING.test(k.split('[')[0] ?? ''))
        .sort();
    const written = await stored(receiver);
    expect(keys(written)).toEqual(keys(await stored(prometheus)));
    // Each sample at the scrape's time, to the millisecond.
    const at = await fetch(
      `${receiver.url}/api/v1/query?query=${encodeURIComponent('timestamp(up{job="node"})')}`,
    );
    const [stamp] = ((await at.json()) as { data: { result: Array<{ value: [number, string] }> } })
      .data.result;
    expect(Number(stamp?.value[1])).toBe(scrapedAt / 1000);
  } finally {
    await receiver.stop();
  }
}, 60_000);

/**
 * The scrape function itself (its handler, as Lambda runs it) fetching all three exporters as
 * the direct Prometheus scrapes them, delivering to a real Pushgateway and by remote write to
 * a second Prometheus: each stores the names and label sets the direct scrape stores.
 */
it('the scrape function delivers node_exporter, blackbox_exporter and snmp_exporter as the direct scrape stores them, through the Pushgateway and remote write', async () => {
  await scrapedBy('snmp');
  const pushgateway = await RealPushgateway.start();
  const viaPushgateway = await RealPrometheus.start(pushgateway.url, '1s');
  const receiver = await RealPrometheus.startRemoteWriteReceiver();
  const probed = `${nodeExporter.url}/metrics`;
  const schedules = [
    {
      name: 'node',
      labels: { site: 'edge' },
      targets: [{ url: `${nodeExporter.url}/metrics` }],
    },
    {
      name: 'blackbox',
      targets: [{ url: `${blackbox.url}/probe`, params: { module: 'http_2xx', target: probed } }],
    },
    {
      name: 'snmp',
      targets: [
        { url: `${snmpExporter.url}/snmp`, params: { module: 'if_mib', target: snmpd.address } },
      ],
    },
  ].map((schedule) => ({ ...schedule, timeoutSeconds: 5, sampleLimit: 0 }));
  const keysOf = async (server: { url: string }, job: string) => {
    const r = await fetch(
      `${server.url}/api/v1/query?query=${encodeURIComponent(`{job="${job}"}`)}`,
    );
    return (
      (await r.json()) as { data: { result: Array<{ metric: Record<string, string> }> } }
    ).data.result
      .map(({ metric: { __name__: name = '', ...labels } }) => key(name, labels))
      .filter(
        (k) =>
          !/^(scrape_series_added|push_time_seconds|push_failure_time_seconds)\[/.test(k) &&
          !MOVING.test(k.split('[')[0] ?? ''),
      )
      .sort();
  };
  try {
    for (const env of [
      { PUSHGATEWAY_URL: pushgateway.url, SINKS: 'pushgateway' },
      { SINKS: 'remote-write', REMOTE_WRITE_URL: `${receiver.url}/api/v1/write` },
    ])
      for (const schedule of schedules) {
        const { result, error } = await withEnv({ LOG_LEVEL: 'error', ...env }, () =>
          captureStdout(() => handler({ schedule }, lambdaContext(30_000, 'scrape'))),
        );
        expect(error).toBeUndefined();
        expect(result).toMatchObject({ targets: 1, up: 1 });
      }
    for (const { name: job } of schedules) {
      const direct = await keysOf(prometheus, job);
      expect(direct.length).toBeGreaterThan(5);
      for (const delivered of [viaPushgateway, receiver]) {
        let found: string[] = [];
        for (let i = 0; i < 100 && found.length < direct.length; i++) {
          found = await keysOf(delivered, job);
          if (found.length < direct.length) await new Promise((r) => setTimeout(r, 200));
        }
        expect([job, found]).toEqual([job, direct]);
      }
    }
  } finally {
    await viaPushgateway.stop();
    await receiver.stop();
    await pushgateway.stop();
  }
}, 90_000);
