import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildAlertingFiles, shippedRules } from '../../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../../src/deploy/stage/alerting';
import { stageAlertingConfigOf } from '../../../src/deploy/stage/alerting';
import type { AlertmanagerConfig } from '../../../src/alerting/types';
import { loadStageConfig } from '../../../src/deploy/stage';
import { JOB } from '../../../src/metrics/catalogue';
import { REPO_ROOT } from '../../helpers/runProcess';

const INTERVALS = DEFAULT_ALERTING_CONFIG.collectors.intervals;
const of = (section: unknown) => stageAlertingConfigOf(section, INTERVALS, 'config/prod.yml');
const routesOf = (config: typeof DEFAULT_ALERTING_CONFIG) =>
  parse(buildAlertingFiles(config).files['alertmanager.yml'] ?? '') as AlertmanagerConfig;
const alertNames = (config = DEFAULT_ALERTING_CONFIG) =>
  shippedRules(config)
    .groups.flatMap((g) => g.rules)
    .flatMap((rule) => ('alert' in rule ? [rule.alert] : []));

describe("a stage file's alerting section", () => {
  it('left out, gives the shipped defaults: config/local.yml renders exactly the shipped rules', () => {
    expect(of(undefined)).toEqual(DEFAULT_ALERTING_CONFIG);
    const local = loadStageConfig(join(REPO_ROOT, 'config', 'local.yml'), 'local');
    expect(local.alerting).toEqual(DEFAULT_ALERTING_CONFIG);
  });

  it('overrides only what it names, deep, and never changes the defaults', () => {
    const before = structuredClone(DEFAULT_ALERTING_CONFIG);
    const config = of({
      runbookBaseUrl: 'https://wiki.acme.test/runbooks/',
      estats: { edge5xxRatio: { above: 0.02, for: '10m' }, minHits: 500 },
      collectors: { staleAfterIntervals: 5 },
      routing: { channels: { critical: '#cdn-pager' }, repeatInterval: '12h' },
    });
    expect(config.runbookBaseUrl).toBe('https://wiki.acme.test/runbooks/');
    expect(config.estats.edge5xxRatio).toEqual({
      ...DEFAULT_ALERTING_CONFIG.estats.edge5xxRatio,
      above: 0.02,
      for: '10m',
    });
    expect(config.estats.minHits).toBe(500);
    expect(config.estats.originFailureRatio).toEqual(
      DEFAULT_ALERTING_CONFIG.estats.originFailureRatio,
    );
    expect(config.collectors.staleAfterIntervals).toBe(5);
    expect(config.routing.channels).toEqual({
      ...DEFAULT_ALERTING_CONFIG.routing.channels,
      critical: '#cdn-pager',
    });
    expect(config.routing.repeatInterval).toBe('12h');
    expect(DEFAULT_ALERTING_CONFIG).toEqual(before);

    const rules = buildAlertingFiles(config).files['rules.yml'] ?? '';
    expect(rules).toContain('> 0.02');
    expect(rules).toContain('https://wiki.acme.test/runbooks/estats.md#akamaiedge5xxratiohigh');
    expect(rules).not.toContain('github.com/pushgate-collector');
  });

  it('takes the intervals from the stage schedules, not from the defaults', () => {
    const config = stageAlertingConfigOf({}, { [JOB.estats]: 600 }, 'config/prod.yml');
    expect(config.collectors.intervals).toEqual({ ...INTERVALS, [JOB.estats]: 600 });
    // Three intervals: the threshold CollectorGroupStale compares eStats' groups with.
    expect(buildAlertingFiles(config).files['rules.yml']).toContain(
      `- record: job:collector_stale_after_seconds:info\n        expr: vector(1800)\n        labels:\n          job: ${JOB.estats}`,
    );
  });

  it('replaces the teams, so a stage without a network team has no network receiver', () => {
    const config = of({ routing: { channels: { teams: { cdn: '#edge' } } } });
    expect(config.routing.channels.teams).toEqual({ cdn: '#edge' });
    const receivers = routesOf(config).receivers.map((r) => r.name);
    expect(receivers).toContain('slack-cdn');
    expect(receivers).not.toContain('slack-network');
  });

  it('sets the on-call webhook, or turns it off: critical alerts then reach Slack only', () => {
    const moved = of({ routing: { oncall: { webhookUrl: 'https://events.pager.acme.test/am' } } });
    expect(moved.routing.oncall).toEqual({
      webhookUrl: 'https://events.pager.acme.test/am',
      tokenFile: '/etc/alertmanager/secrets/oncall-token',
    });
    const off = routesOf(of({ routing: { oncall: false } }));
    expect(off.receivers.map((r) => r.name)).not.toContain('oncall-webhook');
    expect(off.route.routes?.map((r) => r.receiver)).not.toContain('oncall-webhook');
    expect(off.route.routes?.map((r) => r.receiver)).toContain('slack-critical');
  });

  it.each([
    ['a user and password', 'https://user:pw@events.pager.acme.test/am'],
    ['a token parameter', 'https://events.pager.acme.test/am?token=t-123'],
  ])('refuses an on-call webhook URL with %s: it would land in the export', (_case, webhookUrl) => {
    expect(() => of({ routing: { oncall: { webhookUrl } } })).toThrow('holds a credential');
  });

  it('disables alerts by name, and refuses a name that is not an alert', () => {
    const config = of({ disabledAlerts: ['AkamaiTrafficVanished', 'SyntheticPortNoTraffic'] });
    const names = alertNames(config);
    expect(names).not.toContain('AkamaiTrafficVanished');
    expect(names).not.toContain('SyntheticPortNoTraffic');
    expect(names).toContain('AkamaiEdge5xxRatioHigh');
    expect(alertNames().length - names.length).toBe(2);
    // The inhibit rule naming a disabled alert goes with it (amtool would accept it, but it
    // would inhibit nothing).
    const files = buildAlertingFiles(config).files;
    expect(files['alertmanager.yml']).not.toContain('SyntheticPortNoTraffic');

    expect(() => shippedRules(of({ disabledAlerts: ['AkamaiTrafficVanishd'] }))).toThrow(
      /alerting.disabledAlerts: AkamaiTrafficVanishd is not among this stage's alerts/,
    );
  });

  it.each([
    [{ runbookBaseUrl: 'wiki/runbooks/' }, 'alerting.runbookBaseUrl', 'absolute http'],
    [{ runbookBaseUrl: 'https://wiki.acme.test/runbooks' }, 'alerting.runbookBaseUrl', 'end with'],
    [{ estats: { edge5xxRatio: { above: 5 } } }, 'alerting.estats.edge5xxRatio.above', '1'],
    [
      { estats: { edge5xxRatio: { for: '5 minutes' } } },
      'alerting.estats.edge5xxRatio.for',
      'duration',
    ],
    [
      { estats: { edge5xxRatio: { severity: 'page' } } },
      'alerting.estats.edge5xxRatio.severity',
      'critical',
    ],
    [
      { estats: { edge5xxRatio: { overrides: [{ above: 0.2 }] } } },
      'alerting.estats.edge5xxRatio.overrides[0]',
      'cpCode or url',
    ],
    [{ collectors: { staleAfterIntervals: 0 } }, 'alerting.collectors.staleAfterIntervals', '1'],
    [{ collectors: { intervals: { akamai_estats: 60 } } }, 'alerting.collectors', 'intervals'],
    [{ slo: { page: { windows: [] } } }, 'alerting.slo.page.windows', ''],
    [{ synthetic: { bufferFillAbove: -1 } }, 'alerting.synthetic.bufferFillAbove', '0'],
    [{ routing: { oncall: { webhookUrl: 'oncall:8080' } } }, 'alerting.routing.oncall', ''],
    [{ routing: { channels: { teams: { CDN: '#x' } } } }, 'alerting.routing.channels.teams', ''],
    [{ routing: { slack: '#x' } }, 'alerting.routing', 'slack'],
    [{ disabledAlerts: 'AkamaiTrafficVanished' }, 'alerting.disabledAlerts', 'array'],
  ])('refuses %j, naming the file and %s', (section, field, detail) => {
    let message = '';
    try {
      of(section);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('config/prod.yml');
    expect(message).toContain(field);
    expect(message).toContain(detail);
  });

  it('is read from the stage file, where a bad value names the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'alerting-settings-'));
    const base = readFileSync(join(REPO_ROOT, 'config', 'local.yml'), 'utf8');
    const good = join(dir, 'good.yml');
    writeFileSync(good, `${base}\nalerting:\n  synthetic:\n    bufferFillAbove: 0.95\n`);
    expect(loadStageConfig(good, 'local').alerting.synthetic.bufferFillAbove).toBe(0.95);
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, `${base}\nalerting:\n  synthetic:\n    bufferFillAbove: high\n`);
    expect(() => loadStageConfig(bad, 'local')).toThrow(
      /bad\.yml:\d+:\d+: alerting\.synthetic\.bufferFillAbove/,
    );
  });
});

it("accepts the alerting guide's example section as it is written", () => {
  const readme = readFileSync(join(REPO_ROOT, 'docs', 'guides', 'alerting.md'), 'utf8');
  const block = readme.match(/```yaml\n# config\/<stage>\.yml\n(alerting:\n[\s\S]*?)```/)?.[1];
  expect(block).toBeDefined();
  const { alerting } = parse(block ?? '') as { alerting: unknown };
  const config = of(alerting);
  expect(config.routing.oncall).toBe(false);
  expect(config.estats.edge5xxRatio.overrides).toHaveLength(2);
  expect(alertNames(config)).not.toContain('SyntheticPortNoTraffic');
});

describe('a setting renamed between versions', () => {
  it.each([
    [
      { slackWebhookUrlFile: '/etc/alertmanager/secrets/slack-webhook-url' },
      '"slackWebhookUrlFile" is now "slackWebhookUrlFiles": a path with {channel} in it',
    ],
    [
      { oncallWebhookUrl: 'https://oncall.example/hook' },
      '"oncallWebhookUrl" is now "oncall": oncall: { webhookUrl: …, tokenFile: … }, or oncall: false',
    ],
  ])('is refused with its new name: %j', (routing, message) => {
    expect(() => of({ routing })).toThrow(`config/prod.yml: alerting.routing: ${message}`);
  });

  it('is only taken for the renamed key where that key lived', () => {
    // An unknown key of the same name elsewhere is just unknown, with the nearest known key.
    expect(() => of({ slackWebhookUrlFile: 'x' })).toThrow('unknown key "slackWebhookUrlFile"');
  });
});

it("gives each channel's webhook a file of its own, {channel} its name without #", () => {
  const { alertmanager } = buildAlertingFiles(
    of({
      routing: {
        slackWebhookUrlFiles: '/run/secrets/slack-{channel}.url',
        channels: { teams: { cdn: '#cdn alerts!' } },
      },
    }),
  );
  const files = alertmanager.receivers.flatMap((r) =>
    (r.slack_configs ?? []).map((c) => [c.channel, c.api_url_file]),
  );
  expect(files).toEqual(
    expect.arrayContaining([
      ['#alerts-critical', '/run/secrets/slack-alerts-critical.url'],
      ['#cdn alerts!', '/run/secrets/slack-cdn_alerts_.url'],
    ]),
  );
});
