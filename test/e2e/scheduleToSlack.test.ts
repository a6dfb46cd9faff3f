import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import { githubAnchor } from '../../src/alerting/validate';
import { shippedDashboards } from '../../src/deploy/alertingFiles';
import { accelerateAlerting } from '../../dev/local/alertingScale';
import { handler as estatsHandler } from '../../src/handlers/estats';
import { handler as syntheticHandler } from '../../src/handlers/synthetic';
import type { SlackMessage } from '../../dev/local/slackSink';
import { type LocalStack, startLocalStack } from '../../dev/local/stack';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { parseFleet } from '../../src/synthetic/fleetConfig';
import { modelSettings, sampleDevice } from '../../src/synthetic/model';
import { captureStdout, withEnv } from '../helpers/env';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { lambdaContext } from '../helpers/lambdaContext';
import { REPO_ROOT } from '../helpers/runProcess';

/**
 * The whole chain with real parts: schedule tick → handler → (HTTPS Akamai stand-in) → real
 * Pushgateway → real Prometheus (scrape, shipped rules) → real Alertmanager (shipped routes) →
 * Slack sink. Alerting runs 60× faster (a 6m "for" is 6s) and Prometheus scrapes and
 * evaluates every second: the waits below are for those intervals, not fixed sleeps.
 */
const SPEED = 60;
const GRAFANA = 'http://grafana.invalid:3000';
let stack: LocalStack;
let akamai: EstatsSimulator;
let edgercPath: string;
const log: string[] = [];

beforeAll(async () => {
  stack = await startLocalStack({
    dataDir: mkdtempSync(join(tmpdir(), 'e2e-stack-')),
    alerting: accelerateAlerting(DEFAULT_ALERTING_CONFIG, SPEED),
    // SLO windows are hours long: no SLO alert could fire in this test's minutes.
    slos: [],
    // No Grafana runs here: its links are checked against the dashboards' JSON instead.
    grafanaUrl: GRAFANA,
    ports: { pushgateway: 0, prometheus: 0, alertmanager: 0, slackSink: 0 },
    scrapeInterval: '1s',
    evaluationInterval: '1s',
    alertResendDelay: '1s',
    log: (line) => log.push(line),
  });
  ({ akamai, edgercPath } = await startAkamaiStandin());
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await akamai?.stop();
});

const env = () => ({
  PUSHGATEWAY_URL: stack.pushgateway.url,
  PUSHGATEWAY_MAX_ATTEMPTS: '1',
  AKAMAI_EDGERC: edgercPath,
  AKAMAI_EDGERC_SECTION: 'standin',
  AKAMAI_SECRET_ID: undefined,
  ESTATS_MIN_INTERVAL_MS: '0',
  LOG_LEVEL: 'error',
});
const estatsTick = () =>
  withEnv(env(), () =>
    captureStdout(() =>
      estatsHandler(
        { name: 'e2e', targets: [{ cpCode: 424242, name: 'shop-images' }, { cpCode: 111 }] },
        lambdaContext(20_000),
      ),
    ),
  );
const FLEET = {
  name: 'e2e',
  seed: 'e2e-links',
  deviceCount: 1,
  portsPerDevice: 2,
  linkFlapsPerDay: 24,
  linkDownSeconds: [300, 600],
  rebootsPerDay: 0,
};
const syntheticTick = (time: number) =>
  withEnv(env(), () =>
    captureStdout(() =>
      syntheticHandler(
        { time: new Date(time * 1000).toISOString(), fleet: FLEET },
        lambdaContext(20_000, 'synthetic'),
      ),
    ),
  );

/**
 * Tick every second until a Slack message matches, or fail after `timeoutMs`. A wait for an
 * event, not a speed check: a message takes about 50 s here, and on a machine busy with other
 * suites (CI runs two at once) twice that and more.
 */
async function tickUntil(
  tick: () => Promise<unknown>,
  match: (m: SlackMessage) => boolean,
  timeoutMs = 180_000,
): Promise<SlackMessage> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const outcome = (await tick()) as { error?: unknown } | undefined;
    if (outcome?.error) log.push(`tick failed: ${String(outcome.error)}`);
    const found = stack.slackSink?.messages.find(match);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(
    `no matching Slack message within ${timeoutMs} ms; got:\n${stack.slackSink?.messages.map((m) => `${m.channel} ${m.title}`).join('\n')}\nstack log:\n${log.join('\n')}`,
  );
}

const about =
  (alert: string, status: 'FIRING' | 'RESOLVED', text: string, channel?: string) =>
  (m: SlackMessage) =>
    m.title.startsWith(`[${status}`) &&
    m.title.includes(alert) &&
    m.text.includes(text) &&
    (channel === undefined || m.channel === channel);

/** The `• Name: <url|text>` links of a Slack message. */
function linksOf(message: SlackMessage): Record<string, string> {
  return Object.fromEntries(
    [...message.text.matchAll(/^• (Dashboard|Graph|Silence): <([^|>]+)\|[^>]*>$/gm)].map((m) => [
      m[1] as string,
      m[2] as string,
    ]),
  );
}

/**
 * The deep links of a firing alert's message lead where they say: the Prometheus graph URL
 * answers and its expression returns this alert's series; the silence's filter, given to
 * Alertmanager, matches exactly this alert; the runbook heading exists; the dashboard link
 * names an existing panel, the alert's labels as variables and a range around its start.
 */
async function expectLinksResolve(
  message: SlackMessage,
  alertname: string,
  labels: Record<string, string>,
): Promise<void> {
  const links = linksOf(message);
  expect(Object.keys(links).sort()).toEqual(['Dashboard', 'Graph', 'Silence']);

  const graph = new URL(links.Graph as string);
  expect(graph.origin).toBe(new URL(stack.prometheus.url).origin);
  expect((await fetch(graph)).status).toBe(200);
  const expr = graph.searchParams.get('g0.expr') ?? '';
  const query = await fetch(
    `${stack.prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`,
  );
  const series = (
    (await query.json()) as { data: { result: Array<{ metric: Record<string, string> }> } }
  ).data.result;
  expect(series.map((s) => s.metric)).toContainEqual(expect.objectContaining(labels));

  const silence = links.Silence as string;
  expect(silence.startsWith(`${stack.alertmanager.url}/#/silences/new?filter=`)).toBe(true);
  expect((await fetch(stack.alertmanager.url)).status).toBe(200);
  const filter = decodeURIComponent(silence.slice(silence.indexOf('filter=') + 'filter='.length));
  const matchers = [...filter.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map(
    (m) => `${m[1]}="${m[2]}"`,
  );
  const params = matchers.map((m) => `filter=${encodeURIComponent(m)}`).join('&');
  const matched = (await (
    await fetch(`${stack.alertmanager.url}/api/v2/alerts?${params}`)
  ).json()) as Array<{ labels: Record<string, string> }>;
  expect(matched.map((a) => a.labels)).toEqual([expect.objectContaining({ alertname, ...labels })]);

  const runbook = /• Runbook: (\S+)#(\S+)/.exec(message.text);
  const page = readFileSync(
    join(REPO_ROOT, 'docs', 'runbooks', basename(runbook?.[1] ?? '')),
    'utf8',
  );
  const headings = page
    .split('\n')
    .filter((l) => l.startsWith('#'))
    .map((l) => githubAnchor(l.replace(/^#+\s*/, '')));
  expect(headings).toContain(runbook?.[2]);

  const dashboard = new URL(links.Dashboard as string);
  expect(dashboard.origin).toBe(new URL(GRAFANA).origin);
  const uid = /^\/d\/([^/]+)\/$/.exec(dashboard.pathname)?.[1];
  const json = Object.values(shippedDashboards()).find((d) => d.uid === uid);
  const panel = (json?.panels ?? []).find(
    (p) => p.id === Number(dashboard.searchParams.get('viewPanel')),
  );
  expect(panel?.title).toBeDefined();
  for (const [label, value] of Object.entries(labels)) {
    expect((json?.templating?.list ?? []).map((v) => v.name)).toContain(label);
    expect(dashboard.searchParams.get(`var-${label}`)).toBe(value);
  }
  const from = Number(dashboard.searchParams.get('from'));
  expect(from).toBeGreaterThan(Date.now() - 2 * 3600_000);
  expect(from).toBeLessThan(Date.now() - 3600_000 + 5 * 60_000);
  expect(dashboard.searchParams.get('to')).toBe('now');
}

describe('end to end: schedule tick to Slack', () => {
  it('an eStats 5xx spike for one CP code fires AkamaiEdge5xxRatioHigh in Slack, and its end resolves it', async () => {
    akamai.setBehaviour({ cpCode: 424242 }, { kind: 'incident', edge5xxRatio: 0.4 });
    const firing = await tickUntil(
      estatsTick,
      about('AkamaiEdge5xxRatioHigh', 'FIRING', 'CP code: 424242', '#cdn-alerts'),
    );
    expect(firing.channel).toBe('#cdn-alerts');
    expect(firing.text).toContain('Edge 5xx ratio');
    // Named from the target's info series, which the same push delivered.
    expect(firing.text).toContain('for CP code 424242 (shop-images)');
    expect(firing.text).toContain(
      'Runbook: https://github.com/pushgate-collector/pushgate-collector/blob/main/docs/runbooks/estats.md#akamaiedge5xxratiohigh',
    );
    expect(firing.text).not.toContain('CP code: 111');
    await expectLinksResolve(firing, 'AkamaiEdge5xxRatioHigh', { cp_code: '424242' });
    // The alert reads recorded series: a link a responder can read, and Slack shows whole.
    expect(linksOf(firing).Graph?.length).toBeLessThanOrEqual(600);
    // Critical: the on-call webhook and the critical channel hear it too (the same
    // notification round, so no tick is needed to wait for them).
    for (const channel of ['on-call webhook', '#alerts-critical'])
      expect(
        (
          await tickUntil(
            async () => undefined,
            (m) => m.channel === channel && m.title.includes('AkamaiEdge5xxRatioHigh'),
            60_000,
          )
        ).channel,
      ).toBe(channel);

    akamai.setBehaviour({ cpCode: 424242 }, { kind: 'normal' });
    const resolved = await tickUntil(
      estatsTick,
      about('AkamaiEdge5xxRatioHigh', 'RESOLVED', 'CP code: 424242'),
    );
    expect(resolved.text).toContain('Resolved:');
  }, 400_000);

  it('a synthetic port going down fires SyntheticPortLinkDown, and coming back resolves it', async () => {
    // Find, in simulated time, an outage of switch-01 eth1 and the moment it ends.
    const plan = parseFleet(FLEET);
    const device = plan.devices[0];
    if (!device) throw new Error('no device');
    const settings = modelSettings(plan);
    const linkUp = (t: number) => sampleDevice(device, t, settings).ports[0]?.linkUp;
    let down = Math.floor(Date.now() / 1000);
    while (linkUp(down)) down += 30;
    // Back up, with every port of the device up for long enough for the alert to resolve:
    // Alertmanager groups the device's ports into one notification, which stays [FIRING]
    // while another port is down, and with a flap per port every hour that happens.
    const allUp = (t: number) => sampleDevice(device, t, settings).ports.every((p) => p.linkUp);
    const staysUp = (from: number) => {
      for (let k = 0; k <= 900; k += 10) if (!allUp(from + k)) return false;
      return true;
    };
    let up = down;
    while (!staysUp(up)) up += 30;

    let t = down;
    const firing = await tickUntil(
      () => syntheticTick(t++),
      about('SyntheticPortLinkDown', 'FIRING', 'Device: switch-01 port eth1'),
    );
    expect(firing.channel).toBe('#network-alerts');
    expect(firing.text).toContain(
      'Runbook: https://github.com/pushgate-collector/pushgate-collector/blob/main/docs/runbooks/synthetic.md#syntheticportlinkdown',
    );

    t = up;
    await tickUntil(
      () => syntheticTick(t++),
      about('SyntheticPortLinkDown', 'RESOLVED', 'Device: switch-01 port eth1'),
    );
  }, 400_000);

  it('stopping the Pushgateway makes the staleness alert fire once it is back with old groups', async () => {
    await estatsTick();
    await stack.pushgateway.stop();
    // While it is down, Prometheus cannot scrape it: the only one, so all are down (critical;
    // it mutes the warning about this one Pushgateway).
    await tickUntil(
      estatsTick,
      about('PushgatewaysAllDown', 'FIRING', 'Prometheus cannot scrape any Pushgateway'),
    );
    // Back with its persisted groups, but nothing pushes anymore: they go stale.
    await stack.pushgateway.restart();
    const stale = await tickUntil(
      async () => undefined,
      about('CollectorGroupStale', 'FIRING', 'Pushgateway group akamai_estats not pushed for'),
    );
    expect(stale.text).toContain('The group akamai_estats');
    expect(stale.text).toContain(
      'Runbook: https://github.com/pushgate-collector/pushgate-collector/blob/main/docs/runbooks/collectors.md#collectorgroupstale',
    );
  }, 400_000);

  it('a target removed from a schedule loses its group, and no stale alert fires for it', async () => {
    const run = (input: unknown) =>
      withEnv(env(), () => captureStdout(() => estatsHandler(input, lambdaContext(20_000))));
    // Deployed with a stage (as packaging does): 501 is removed on the next deploy; 502 is
    // another schedule's target that simply stops being pushed (the control: it goes stale).
    await run({
      stage: 'e2e',
      schedule: { name: 'before', targets: [{ cpCode: 500 }, { cpCode: 501 }] },
    });
    await run({ stage: 'e2e', schedule: { name: 'other', targets: [{ cpCode: 502 }] } });
    await run({ stage: 'e2e', schedule: { name: 'before', targets: [{ cpCode: 500 }] } });
    const groups = await (await fetch(`${stack.pushgateway.url}/api/v1/metrics`)).json();
    const cpCodes = (groups as { data: Array<{ labels: Record<string, string> }> }).data
      .map((g) => g.labels.cp_code)
      .filter(Boolean);
    expect(cpCodes).toContain('500');
    expect(cpCodes).not.toContain('501');

    const staleFor = async (cpCode: string) => {
      const query = `ALERTS{alertname="CollectorGroupStale",alertstate="firing",cp_code="${cpCode}"}`;
      const res = await fetch(
        `${stack.prometheus.url}/api/v1/query?query=${encodeURIComponent(query)}`,
      );
      return ((await res.json()) as { data: { result: unknown[] } }).data.result.length > 0;
    };
    // Keep 500 fresh; wait until the control's stale alert fires.
    await tickUntil(
      async () => {
        await run({ stage: 'e2e', schedule: { name: 'before', targets: [{ cpCode: 500 }] } });
      },
      (m) => m.title.includes('CollectorGroupStale') && m.text.includes('cp_code=502'),
    );
    expect(await staleFor('502')).toBe(true);
    expect(await staleFor('501')).toBe(false);
    expect(await staleFor('500')).toBe(false);
  }, 400_000);
});
