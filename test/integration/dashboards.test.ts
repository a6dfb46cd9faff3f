import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedRules } from '../../src/deploy/stage/alerting';
import { parseEstatsSchedule } from '../../src/akamai/targets';
import { renderRules } from '../../src/alerting/render';
import { SLO_SERIES } from '../../src/queries/slo';
import { parseSlos } from '../../src/alerting/slo';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import { analysePromql } from '../../src/alerting/promql';
import { shippedDashboards } from '../../src/deploy/alertingFiles';
import { panelsOf, queriesOf, type Variable } from '../../src/dashboards/model';
import { handler as estatsHandler } from '../../src/handlers/estats';
import { handler as janitorHandler } from '../../src/handlers/janitor';
import { handler as scrapeHandler } from '../../src/handlers/scrape';
import { handler as syntheticHandler } from '../../src/handlers/synthetic';
import { handler as trafficHandler } from '../../src/handlers/traffic';
import { type LocalScrapeTargets, startLocalScrapeTargets } from '../../dev/local/scrapeTargets';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { captureStdout, withEnv } from '../helpers/env';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { lambdaContext } from '../helpers/lambdaContext';
import { type PromSample, RealPrometheus } from '../../dev/realPrometheus';
import { RealPushgateway } from '../../dev/realPushgateway';

/**
 * Every query of every panel, run against a real Prometheus scraping a real Pushgateway that
 * holds what our real collectors pushed: each must return data. A metric or label nobody
 * pushes returns nothing, and fails here. The collectors push to two Pushgateways, and a
 * second Prometheus scrapes both: every panel must answer there as it does with one.
 */
let pushgateway: RealPushgateway;
let secondPushgateway: RealPushgateway;
let prometheus: RealPrometheus;
let prometheusOfBoth: RealPrometheus;
let akamai: EstatsSimulator;
/** Simulated switches (if_mib names) and a real blackbox_exporter probing the stand-in. */
let scrapeTargets: LocalScrapeTargets;

const TARGETS = [
  // Named: the info series gives dashboards and alert texts their names.
  { cpCode: 424242, delivery: 'STANDARD_TLS' as const, name: 'shop-images' },
  // error_type: an optional grouping label the alert rules group by.
  { url: 'https://www.example.com/a?b=1', errorType: 'EDGE_ERRORS' as const, name: 'checkout' },
  // No name: dashboards show it by its id.
  { cpCode: 555 },
];
/** An SLO per direction and window, over the targets below, evaluated every second. */
const SLOS = parseSlos(
  [
    { name: 'edge', objective: 0.995, window: '30d', schedule: 'dash' },
    {
      name: 'origin',
      direction: 'origin',
      objective: 0.99,
      window: '28d',
      targets: [{ cpCode: 424242 }],
    },
  ],
  [parseEstatsSchedule({ name: 'dash', targets: TARGETS })],
  'test',
);
const ALERTING = {
  ...DEFAULT_ALERTING_CONFIG,
  dashboardSeriesInterval: '1s',
  slo: { ...DEFAULT_ALERTING_CONFIG.slo, evaluationInterval: '1s', budgetInterval: '1s' },
};
const RULES = shippedRules(ALERTING, SLOS);

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  secondPushgateway = await RealPushgateway.start();
  prometheus = await RealPrometheus.start(pushgateway.url, '1s', renderRules(RULES));
  prometheusOfBoth = await RealPrometheus.start(
    [pushgateway.url, secondPushgateway.url],
    '1s',
    renderRules(RULES),
  );
  const standin = await startAkamaiStandin();
  akamai = standin.akamai;
  scrapeTargets = await startLocalScrapeTargets({
    dataDir: mkdtempSync(join(tmpdir(), 'dash-scrape-')),
    caCertPath: join(process.env.TEST_CA_DIR ?? '', 'ca.pem'),
  });
  const scrapeSchedules = [
    {
      name: 'dash-switches',
      job: 'snmp',
      targets: ['switch-01', 'switch-02'].map((device) => ({
        url: `${scrapeTargets.switchesUrl}/metrics`,
        params: { device },
        instance: device,
      })),
    },
    {
      name: 'dash-probes',
      job: 'blackbox',
      targets: [
        {
          url: `${scrapeTargets.blackboxUrl}/probe`,
          params: { module: 'akamai_api', target: `https://${akamai.host}/` },
        },
      ],
    },
  ];
  const env = {
    PUSHGATEWAY_URL: `${pushgateway.url},${secondPushgateway.url}`,
    AKAMAI_EDGERC: standin.edgercPath,
    AKAMAI_EDGERC_SECTION: 'standin',
    AKAMAI_SECRET_ID: undefined,
    ESTATS_MIN_INTERVAL_MS: '0',
    LOG_LEVEL: 'error',
  };
  const fleet = {
    name: 'dash',
    deviceCount: 2,
    portsPerDevice: 2,
    linkFlapsPerDay: 0,
    rebootsPerDay: 0,
  };
  // The URL target burns its SLO's budget, so the burn-rate alerts' recorded window pairs
  // (series only while a pair burns) exist for the rule check below.
  akamai.setBehaviour({ url: TARGETS[1]?.url ?? '' }, { kind: 'incident', edge5xxRatio: 0.5 });
  // Several ticks a second apart, so rate() has samples to work with.
  for (let i = 0; i < 8; i++) {
    await withEnv(env, () =>
      captureStdout(async () => {
        // As packaging gives it: the schedule's interval.
        await estatsHandler(
          { name: 'dash', intervalSeconds: 120, targets: TARGETS },
          lambdaContext(),
        );
        await syntheticHandler(
          { time: new Date().toISOString(), fleet },
          lambdaContext(30_000, 'synthetic'),
        );
        for (const schedule of scrapeSchedules)
          await scrapeHandler({ schedule }, lambdaContext(30_000, 'scrape'));
        // A named CP code of the stand-in's account, and one it does not have (its 403 fails
        // that CP code alone: the failure series exist too).
        await trafficHandler(
          {
            schedule: {
              name: 'dash',
              targets: [{ cpCode: 424242, name: 'example-images' }, { cpCode: 777 }],
            },
          },
          lambdaContext(30_000, 'traffic'),
        );
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  // A target whose request fails, so the failure-only series exist too (up 0, failure_info),
  // with the optional grouping label error_type.
  await withEnv({ ...env, AKAMAI_EDGERC_SECTION: 'wrong-secret' }, () =>
    captureStdout(() =>
      estatsHandler(
        { name: 'refused', targets: [{ cpCode: 777, errorType: 'EDGE_ERRORS' }] },
        lambdaContext(),
      ),
    ),
  );
  await prometheus.waitFor('synthetic_port_link_up');
  // The janitor's report (nothing is a day old here: it deletes nothing).
  await withEnv(env, () =>
    captureStdout(() =>
      janitorHandler(
        {
          stage: 'dash',
          ttl: { akamai_estats: '24h', synthetic_telemetry: '24h' },
          deployedSchedules: { akamai_estats: ['dash'] },
        },
        lambdaContext(30_000, 'janitor'),
      ),
    ),
  );
  await prometheus.waitFor('akamai_estats_failure_info');
  await prometheus.waitFor('akamai_traffic_failure_info');
  await prometheus.waitFor('janitor_deleted_groups');
  await prometheus.waitFor('probe_success{job="blackbox"} == 1');
  await prometheus.waitFor('ifOperStatus{job="snmp"}');
  await prometheus.waitFor(SLO_SERIES.errorBudgetRemaining);
  await prometheusOfBoth.waitFor(SLO_SERIES.errorBudgetRemaining);
  // Both have scraped the last push from every Pushgateway.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
}, 120_000);
afterAll(async () => {
  await prometheus?.stop();
  await prometheusOfBoth?.stop();
  await pushgateway?.stop();
  await secondPushgateway?.stop();
  await akamai?.stop();
  await scrapeTargets?.stop();
});

/**
 * pint's `promql/series` check, with our tools: every metric a rule's expression selects has
 * series here, and every label it names is on one of them. A typo or a renamed label would
 * leave an alert that can never fire; the catalogue check at build time cannot see a label
 * that exists but not on that metric. The SLO rules are loaded and evaluated here, so the
 * series the burn-rate alerts read are checked the same way.
 */
it('every metric and label the shipped rules use exists here after a run of each collector', async () => {
  const rules = RULES.groups.flatMap((g) => g.rules);
  expect(rules.filter((r) => 'alert' in r).length).toBeGreaterThan(10);
  expect(rules.filter((r) => 'record' in r).length).toBeGreaterThan(10);
  const missing: string[] = [];
  for (const rule of rules) {
    const name = 'alert' in rule ? rule.alert : rule.record;
    const { metricNames, labelNames } = analysePromql(rule.expr);
    const series: Array<Record<string, string>> = [];
    for (const metric of metricNames) {
      const found = await prometheus.query(metric);
      if (found.length === 0) missing.push(`${name}: no series of ${metric}`);
      series.push(...found.map((s) => s.metric));
    }
    for (const label of labelNames) {
      if (!series.some((s) => label in s))
        missing.push(`${name}: no series carries the label ${label}`);
    }
    // The queries of its texts too: the target's name, looked up by the alert's label in the
    // info series, must find a series with that label and the label it reads.
    const texts = 'alert' in rule ? Object.values(rule.annotations).join('\n') : '';
    for (const [, metric, byLabel, read] of texts.matchAll(
      /query \(printf "([\w:]+)\{(\w+)=%q\}"[^)]*\) \}\}.*?\| label "(\w+)"/g,
    )) {
      const found = (await prometheus.query(metric ?? '')).map((s) => s.metric);
      if (!found.some((s) => (byLabel ?? '') in s && (read ?? '') in s))
        missing.push(
          `${name}: its text reads ${read} of ${metric} by ${byLabel}, which no series has`,
        );
    }
  }
  expect(missing).toEqual([]);
  // The named target's info series was among them: CP codes are looked up by it.
  expect(
    RULES.groups
      .flatMap((g) => g.rules)
      .some(
        (r) =>
          'alert' in r && /target_info\{cp_code=%q\}/.test(Object.values(r.annotations).join('')),
      ),
  ).toBe(true);
});

/** Grafana's substitutions for "All" and its built-in intervals. */
function substitute(expr: string): string {
  return expr.replace(/\$__rate_interval/g, '10s').replace(/\$\{?\w+\}?/g, '.*');
}

const cases = Object.entries(shippedDashboards()).flatMap(([file, d]) =>
  panelsOf(d).flatMap((panel) =>
    queriesOf(panel).map((t) => [`${file} › ${panel.title} › ${t.refId}`, t.expr] as const),
  ),
);

describe('dashboard queries against real data', () => {
  it.each(cases)('%s returns data', async (_name, expr) => {
    const result = await prometheus.query(substitute(expr));
    expect(result.length).toBeGreaterThan(0);
  });

  const variables = Object.values(shippedDashboards()).flatMap((d) =>
    (d.templating?.list ?? []).filter(
      (v): v is Variable & { query: string } => v.type === 'query' && typeof v.query === 'string',
    ),
  );
  /** Panels about the Pushgateways themselves: they show each one, so two show two. */
  const PER_PUSHGATEWAY = ['Pushgateway up', 'Push failing (1 = last push refused)'];
  /** Values that depend on when each Prometheus evaluated (time(), rates, rule windows). */
  const timeDependent =
    /time\(\)|rate\(|increase\(|changes\(|:freshest_(rate|increase|changes)|cdn_slo:/;
  const summary = (samples: PromSample[]) =>
    samples
      .map((s) => ({
        labels: JSON.stringify(Object.entries(s.metric).sort()),
        value: Number(s.value[1]),
      }))
      .sort((a, b) => a.labels.localeCompare(b.labels));
  it.each(
    cases.filter(([name]) => !PER_PUSHGATEWAY.some((title) => name.includes(`› ${title} ›`))),
  )('%s answers the same with two Pushgateways', async (_name, expr) => {
    const one = summary(await prometheus.query(substitute(expr)));
    const two = summary(await prometheusOfBoth.query(substitute(expr)));
    expect(two.map((s) => s.labels)).toEqual(one.map((s) => s.labels));
    if (!timeDependent.test(expr))
      two.forEach((s, i) => expect(s.value).toBeCloseTo(one[i]?.value ?? Number.NaN, 6));
  });

  it('has query variables to check', () => {
    expect(variables.length).toBeGreaterThan(5);
  });
  it.each(
    variables
      .filter((v) => v.query.startsWith('label_values('))
      .map((v) => [v.name, v.query] as const),
  )('variable %s (%s) has values', async (_name, query) => {
    const [, metric, label] = query.match(/^label_values\(([\w:]+), (\w+)\)$/) ?? [];
    const res = await fetch(
      `${prometheus.url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(metric ?? '')}`,
    );
    const values = ((await res.json()) as { data: string[] }).data.filter((v) => v !== '');
    expect(values.length).toBeGreaterThan(0);
  });

  it('shows CP codes by name in the CP code variable, each CP code once, unnamed ones by id', async () => {
    const variable = variables.find(
      (v) => v.name === 'cp_code' && v.query.startsWith('query_result('),
    );
    const expr = variable?.query.replace(/^query_result\((.*)\)$/s, '$1') ?? '';
    const regexSource = String((variable as { regex?: string } | undefined)?.regex ?? '');
    const regex = new RegExp(regexSource.replace(/^\/(.*)\/$/s, '$1'));
    for (const server of [prometheus, prometheusOfBoth]) {
      // Each result as Grafana's query_result writes it: {labels} value timestamp.
      const lines = (await server.query(expr)).map(
        (s) =>
          `{${Object.entries(s.metric)
            .map(([k, v]) => `${k}="${v}"`)
            .join(',')}} ${s.value[1]} ${Math.round(Number(s.value[0]) * 1000)}`,
      );
      const options = lines
        .map((line) => regex.exec(line)?.groups)
        .map((g) => ({ value: g?.value, text: g?.text ?? g?.value }))
        .sort((a, b) => String(a.value).localeCompare(String(b.value)));
      expect(options).toEqual([
        { value: '424242', text: 'shop-images' },
        { value: '555', text: '555' },
        { value: '777', text: '777' },
      ]);
    }
  });

  it('names each target in the legends from its info series, once, and keeps those without a name', async () => {
    const failureRatio = cases.find(([name]) => name.includes('› Failure ratio ›'))?.[1] ?? '';
    expect(failureRatio).toContain('group_left(name)');
    for (const server of [prometheus, prometheusOfBoth]) {
      const series = (await server.query(substitute(failureRatio))).map((s) => s.metric);
      const named = series.filter((m) => m.cp_code === '424242');
      const unnamed = series.filter((m) => m.cp_code === '555');
      expect(named.map((m) => [m.direction, m.name]).sort()).toEqual([
        ['edge', 'shop-images'],
        ['origin', 'shop-images'],
      ]);
      expect(series.filter((m) => m.url === TARGETS[1]?.url).map((m) => m.name)).toEqual([
        'checkout',
      ]);
      expect(unnamed.map((m) => [m.direction, m.name]).sort()).toEqual([
        ['edge', undefined],
        ['origin', undefined],
      ]);
    }
  });

  it('keeps alert annotation queries valid PromQL', async () => {
    for (const d of Object.values(shippedDashboards())) {
      for (const a of (d.annotations?.list ?? []) as Array<{ expr: string }>)
        await expect(prometheus.query(a.expr)).resolves.toBeDefined();
    }
  });

  it('matches the committed JSON in dashboards/ (CI fails on drift)', () => {
    const result = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/dashboards-build.ts', '--check'],
      { cwd: join(__dirname, '..', '..'), encoding: 'utf8' },
    );
    expect(`${result.stdout}${result.stderr}`).toContain('up to date: dashboards/');
  });
});
