import { join } from 'node:path';
import { alertNames } from '../../../src/alerting';
import { buildAlertingFiles, knownSeries, shippedRules } from '../../../src/deploy/stage/alerting';
import { alertRule, type AlertDefinition } from '../../../src/alerting/builders';
import { DEFAULT_ALERTING_CONFIG } from '../../../src/deploy/stage/alerting';
import { alertmanagerConfig } from '../../../src/alerting/routes';
import type { AlertmanagerConfig, RuleFile } from '../../../src/alerting/types';
import {
  matchRoute,
  unknownAlertNames,
  validateAlertmanager,
  validateRules,
} from '../../../src/alerting/validate';

const BASE = DEFAULT_ALERTING_CONFIG.runbookBaseUrl;
const known = knownSeries();
const context = {
  knownMetrics: known.metrics,
  knownLabels: known.labels,
  runbookBaseUrl: BASE,
  runbooksDir: join(__dirname, '..', '..', '..', 'docs', 'runbooks'),
};
const good: AlertDefinition = {
  alert: 'SyntheticPortLinkDown',
  expr: 'synthetic_port_link_up == 0',
  for: '1m',
  severity: 'warning',
  team: 'network',
  summary: 's',
  description: 'd',
  runbook: 'synthetic#syntheticportlinkdown',
};
const fileWith = (...overrides: Array<Partial<AlertDefinition>>): RuleFile => ({
  groups: [{ name: 'g', rules: overrides.map((o) => alertRule({ ...good, ...o }, BASE)) }],
});
const amConfig = () =>
  alertmanagerConfig(
    DEFAULT_ALERTING_CONFIG,
    '/templates',
    new Set(alertNames(shippedRules(DEFAULT_ALERTING_CONFIG))),
  );

describe('alert definitions are checked when they are built', () => {
  it.each([
    [{ alert: 'lower_case' }, 'alert lower_case: alert names are PascalCase'],
    [
      { severity: 'page' as never },
      'alert SyntheticPortLinkDown: severity "page" is not one of critical, warning, info',
    ],
    [
      { for: '5 minutes' },
      'alert SyntheticPortLinkDown "for": "5 minutes" is not a Prometheus duration',
    ],
    [
      { keepFiringFor: '1x' },
      'alert SyntheticPortLinkDown "keep_firing_for": "1x" is not a Prometheus duration',
    ],
    [{ summary: ' ' }, 'alert SyntheticPortLinkDown: summary is required'],
    [{ runbook: 'https://wiki/page' }, 'must look like "<page>#<anchor>"'],
    [
      { labels: { 'bad-label': 'x' } },
      'invalid label name "bad-label" in alert SyntheticPortLinkDown',
    ],
  ])('refuses %j', (override, message) => {
    expect(() => alertRule({ ...good, ...override }, BASE)).toThrow(message);
  });
});

describe('rule validation', () => {
  it('accepts the shipped rules, runbooks included', () => {
    expect(validateRules(shippedRules(DEFAULT_ALERTING_CONFIG), context)).toEqual([]);
  });

  it.each([
    [{ expr: 'synthetic_port_link_up == ' }, 'alert SyntheticPortLinkDown: PromQL syntax error'],
    [{ expr: 'rate(synthetic_port_receive_packets_total[5m) > 0' }, 'PromQL syntax error'],
    [
      { expr: 'synthetic_port_link_upp == 0' },
      'alert SyntheticPortLinkDown: metric synthetic_port_link_upp is not pushed by any collector',
    ],
    [
      { expr: 'synthetic_port_link_up{interface="x"} == 0' },
      'alert SyntheticPortLinkDown: label interface is not carried by any metric we push',
    ],
    [
      { runbook: 'synthetic#nosuchanchor' },
      'runbook page docs/runbooks/synthetic.md has no heading for #nosuchanchor',
    ],
    [{ runbook: 'nosuchpage#x' }, 'runbook page docs/runbooks/nosuchpage.md does not exist'],
  ])('names the rule and the problem for %j', (override, message) => {
    expect(validateRules(fileWith(override), context).join('\n')).toContain(message);
  });

  it('refuses duplicate alert names', () => {
    expect(validateRules(fileWith({}, {}), context)).toContain(
      'alert SyntheticPortLinkDown: duplicate alert name (also in group g)',
    );
  });
});

describe('Alertmanager validation', () => {
  const rules = shippedRules(DEFAULT_ALERTING_CONFIG);

  it('accepts the shipped routes', () => {
    expect(validateAlertmanager(amConfig(), rules)).toEqual([]);
  });

  it('names a route whose receiver does not exist', () => {
    const config: AlertmanagerConfig = amConfig();
    config.route.routes?.push({ receiver: 'slack-nowhere', matchers: ['team="x"'] });
    expect(validateAlertmanager(config, rules)).toContain(
      'route root.routes[5]: receiver slack-nowhere does not exist',
    );
  });

  it('refuses an inhibit rule without equal', () => {
    const config = amConfig();
    const index = config.inhibit_rules.length;
    config.inhibit_rules.push({
      source_matchers: ['alertname="A"'],
      target_matchers: ['alertname="B"'],
      equal: [],
    });
    expect(validateAlertmanager(config, rules)).toContain(
      `inhibit rule ${index}: has no "equal" labels, it would mute unrelated alerts`,
    );
  });

  it('refuses an inhibit rule or annotation naming an alert that does not exist', () => {
    const config = amConfig();
    const index = config.inhibit_rules.length;
    config.inhibit_rules.push({
      source_matchers: ['alertname="PushgatewayDown"'],
      target_matchers: [
        'alertname=~"CollectorGroupStale|CollectorGroupGone"',
        'alertname=~"Nothing.*"',
      ],
      equal: ['job'],
    });
    const problems = validateAlertmanager(config, rules);
    expect(problems).toContain(`inhibit rule ${index}: no alert is named "CollectorGroupGone"`);
    expect(problems).toContain(`inhibit rule ${index}: no alert is named "Nothing.*"`);
    expect(problems.filter((p) => p.includes('PushgatewayDown'))).toEqual([]);
    // The same check guards the dashboards' alert annotations (src/dashboards/index.ts).
    const names = new Set(['AkamaiTrafficVanished', 'SyntheticPortLinkDown']);
    expect(unknownAlertNames('=~', 'Akamai.*', names)).toEqual([]);
    expect(unknownAlertNames('=~', 'Synthetic.*|AkamaiGone', names)).toEqual(['AkamaiGone']);
    expect(unknownAlertNames('=', 'SyntheticPortLinkDown', names)).toEqual([]);
  });

  it('refuses a severity that reaches no receiver', () => {
    const config = amConfig();
    const { receiver: _dropped, ...rootWithoutReceiver } = config.route;
    const broken = { ...config, route: { ...rootWithoutReceiver, receiver: '' } };
    const problems = validateAlertmanager(broken, rules);
    expect(problems).toContain('severity warning: alert CollectorGroupStale reaches no receiver');
  });

  it('refuses Slack without send_resolved, bad durations, matchers and unknown time intervals', () => {
    const config = amConfig();
    const slack = config.receivers[0]?.slack_configs?.[0];
    if (slack) (slack as { send_resolved: boolean }).send_resolved = false;
    config.route.group_wait = 'soon';
    config.route.routes?.push({
      receiver: 'slack-default',
      matchers: ['team=cdn'],
      mute_time_intervals: ['lunch'],
    });
    const problems = validateAlertmanager(config, rules).join('\n');
    expect(problems).toContain(
      "receiver slack-default: slack send_resolved must be true (Slack's default is false)",
    );
    expect(problems).toContain('route root: group_wait "soon" is not a duration');
    expect(problems).toContain('route root.routes[5]: matcher "team=cdn" is not label=value');
    expect(problems).toContain('route root.routes[5]: time interval lunch does not exist');
  });

  it('follows continue like Alertmanager does', () => {
    expect(matchRoute(amConfig().route, { severity: 'critical', team: 'cdn' })).toEqual([
      'oncall-webhook',
      'slack-critical',
      'slack-cdn',
    ]);
  });
});

describe('buildAlertingFiles', () => {
  it('throws one error listing every problem before anything is rendered', () => {
    const config = structuredClone(DEFAULT_ALERTING_CONFIG);
    config.routing.groupWait = 'later';
    config.collectors.pushgatewayDownFor = '2 min';
    expect(() => buildAlertingFiles(config)).toThrow('"2 min" is not a Prometheus duration');
    config.collectors.pushgatewayDownFor = '2m';
    expect(() => buildAlertingFiles(config)).toThrow(
      /invalid alerting definitions:\n- route root: group_wait "later" is not a duration/,
    );
  });
});
