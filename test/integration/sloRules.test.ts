import { join } from 'node:path';
import { buildAlertingFiles } from '../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import { SLO_ALERTS } from '../../src/alerting/rules/slo';
import { parseSlos } from '../../src/alerting/slo';
import { isAlertingRule } from '../../src/alerting/types';
import { parseEstatsSchedule } from '../../src/akamai/targets';
import { inputSeries, promtoolTest, scrapedFrom } from '../helpers/promtool';

/**
 * The SLO burn-rate alerts, proven with `promtool test rules` on eStats histories: a fast burn
 * pages within minutes, a slow burn opens a ticket and does not page, a healthy target and a
 * short blip stay quiet, an override holds its target to its own objective, and the budget
 * left is what the arithmetic says.
 */
const URL = 'https://www.example.com/a?b=1';
const schedule = parseEstatsSchedule({
  name: 'main',
  targets: [{ cpCode: 424242, delivery: 'STANDARD_TLS' }, { url: URL }],
});
const slos = parseSlos(
  [
    {
      name: 'edge-availability',
      objective: 0.995,
      window: '30d',
      schedule: 'main',
      overrides: [{ url: URL, objective: 0.99 }],
    },
    {
      name: 'origin-availability',
      direction: 'origin',
      objective: 0.99,
      window: '28d',
      targets: [{ cpCode: 424242 }],
    },
  ],
  [schedule],
  'test',
);
const { files, rules } = buildAlertingFiles(DEFAULT_ALERTING_CONFIG, {
  slos,
  runbooksDir: join(__dirname, '..', '..', 'docs', 'runbooks'),
});
const rulesYaml = files['rules.yml'] ?? '';
const runbook = (alert: string) =>
  rules.groups
    .flatMap((g) => g.rules)
    .filter(isAlertingRule)
    .find((a) => a.alert === alert)?.annotations.runbook_url;

const CP = 'job="akamai_estats",cp_code="424242",delivery="STANDARD_TLS"';
const CP_LABELS = { job: 'akamai_estats', cp_code: '424242', delivery: 'STANDARD_TLS' };
const EDGE_SLO = { slo: 'edge-availability', slo_window: '30d', direction: 'edge' };
const common = { team: 'cdn', product: 'pushgate-collector' };

/** 1000 hits per eStats sample; `bad` is the 503s among them (promtool's expanding notation). */
function history(target: string, direction: string, bad: string): Record<string, string> {
  return {
    [`akamai_estats_hits{${target},direction="${direction}"}`]: '1000x500',
    [`akamai_estats_status_hits{${target},direction="${direction}",status_code="503",status_class="5xx"}`]:
      bad,
  };
}

// Every history is scraped from two Pushgateways holding the same groups: the exact sums and
// ratios below show that no group counts twice.
const test = (name: string, series: Record<string, string>, checks: object) => ({
  name,
  interval: '1m',
  input_series: inputSeries(scrapedFrom(['pg-a:9091', 'pg-b:9091'], series)),
  ...checks,
});

it('covers both burn-rate alerts, with their runbook sections', () => {
  expect(Object.values(SLO_ALERTS).map(runbook)).toEqual([
    expect.stringContaining('slo.md#akamaislofastburn'),
    expect.stringContaining('slo.md#akamaisloslowburn'),
  ]);
});

it('a fast burn pages within minutes, not at once', () => {
  // Healthy for six hours, then every hit fails. The 1 h window crosses 14.4 × 0.5 % = 7.2 %
  // with the 5th bad sample (6h5m): pending, then firing after "for: 2m", at 6h7m. At 6h10m
  // the 1 h window holds 10 bad samples of 61: burn rate 10/61 / 0.005 = 32.8. (The six
  // healthy hours fill the 6 h window; with less history, that pair would fire first.)
  const outage = history(CP, 'edge', '0x360 1000x140');
  // The alert's value: the burn rate over the long window, 7 then 10 bad samples of 61.
  const page = (burnRate: string) => ({
    exp_labels: { ...CP_LABELS, ...EDGE_SLO, severity: 'critical', ...common },
    exp_annotations: {
      summary: `SLO edge-availability (edge, 30d) burns its error budget ${burnRate}× too fast for CP code 424242 (STANDARD_TLS)`,
      description: `The edge hits of CP code 424242 (STANDARD_TLS) fail with 5xx ${burnRate} times faster than SLO edge-availability (edge, 30d) allows (1× spends exactly the error budget over the window): at this pace the budget is gone in days (2% of it in 1h, or 5% of it in 6h).`,
      runbook_url: runbook(SLO_ALERTS.page),
    },
  });
  const result = promtoolTest(rulesYaml, [
    test('fast burn', outage, {
      alert_rule_test: [
        { eval_time: '6h6m', alertname: SLO_ALERTS.page, exp_alerts: [] },
        { eval_time: '6h7m', alertname: SLO_ALERTS.page, exp_alerts: [page('23.0')] },
        { eval_time: '6h10m', alertname: SLO_ALERTS.page, exp_alerts: [page('32.8')] },
      ],
    }),
  ]);
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
});

it('a slow burn opens a ticket and does not page; an override holds its target to its own objective', () => {
  // 0.8 % of hits fail, for both targets: 1.6× the 0.5 % the CP code's objective allows
  // (over the ticket's 1× over 3 d, under the page's 6×), but only 0.8× the 1 % of the URL's
  // override.
  const slowBurn = {
    ...history(CP, 'edge', '8x300'),
    ...history(`job="akamai_estats",url="${URL}"`, 'edge', '8x300'),
  };
  const result = promtoolTest(rulesYaml, [
    test('slow burn', slowBurn, {
      alert_rule_test: [
        { eval_time: '3h', alertname: SLO_ALERTS.page, exp_alerts: [] },
        {
          eval_time: '3h',
          alertname: SLO_ALERTS.ticket,
          exp_alerts: [
            {
              exp_labels: { ...CP_LABELS, ...EDGE_SLO, severity: 'warning', ...common },
              exp_annotations: {
                summary:
                  'SLO edge-availability (edge, 30d) spends its error budget 1.6× faster than sustainable for CP code 424242 (STANDARD_TLS)',
                description:
                  'The edge hits of CP code 424242 (STANDARD_TLS) fail with 5xx 1.6 times faster than SLO edge-availability (edge, 30d) allows (1× spends exactly the error budget over the window): the budget will be gone before the window ends (10% of it in 1d, or 10% of it in 3d); no page, but it needs a fix this week.',
                runbook_url: runbook(SLO_ALERTS.ticket),
              },
            },
          ],
        },
      ],
    }),
  ]);
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
});

it('a healthy target and a short blip stay quiet', () => {
  const result = promtoolTest(rulesYaml, [
    // 0.1 % errors: a fifth of what the objective allows.
    test('healthy', history(CP, 'edge', '1x300'), {
      alert_rule_test: [
        { eval_time: '4h', alertname: SLO_ALERTS.page, exp_alerts: [] },
        { eval_time: '4h', alertname: SLO_ALERTS.ticket, exp_alerts: [] },
      ],
    }),
    // Two healthy hours, then 5 minutes at 30 %: the 5 m window burns at 60×, the 1 h window
    // only at 5× (1500 of 61000 hits): the pair never agrees.
    test('short blip', history(CP, 'edge', '0x120 300x4 0x175'), {
      alert_rule_test: [
        { eval_time: '2h4m', alertname: SLO_ALERTS.page, exp_alerts: [] },
        { eval_time: '2h10m', alertname: SLO_ALERTS.page, exp_alerts: [] },
        { eval_time: '2h30m', alertname: SLO_ALERTS.page, exp_alerts: [] },
      ],
    }),
  ]);
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
});

it('a 28-day origin SLO pages on its own thresholds (13.44 for 2 % in 1 h)', () => {
  // 15 % of origin hits fail from the start: burn rate 15 against an allowed 1 %, over 13.44.
  const result = promtoolTest(rulesYaml, [
    test('origin burn', history(CP, 'origin', '150x300'), {
      alert_rule_test: [
        {
          eval_time: '10m',
          alertname: SLO_ALERTS.page,
          exp_alerts: [
            {
              exp_labels: {
                ...CP_LABELS,
                slo: 'origin-availability',
                slo_window: '28d',
                direction: 'origin',
                severity: 'critical',
                ...common,
              },
              exp_annotations: {
                summary:
                  'SLO origin-availability (origin, 28d) burns its error budget 15.0× too fast for CP code 424242 (STANDARD_TLS)',
                description:
                  'The origin hits of CP code 424242 (STANDARD_TLS) fail with 5xx 15.0 times faster than SLO origin-availability (origin, 28d) allows (1× spends exactly the error budget over the window): at this pace the budget is gone in days (2% of it in 1h, or 5% of it in 6h).',
                runbook_url: runbook(SLO_ALERTS.page),
              },
            },
          ],
        },
      ],
    }),
  ]);
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
});

it('records the SLI and the error budget left', () => {
  // 0.25 % errors against an allowed 0.5 %: half the budget is left, the SLI is 99.75 %.
  const result = promtoolTest(rulesYaml, [
    test('budget', history(CP, 'edge', '2.5x300'), {
      promql_expr_test: [
        {
          // Rounded: 1 - 0.0025 / (1 - 0.995) is 0.5000000000000004 in floating point.
          expr: 'round(cdn_slo:error_budget_remaining:ratio{slo="edge-availability"}, 0.0001)',
          eval_time: '1h',
          exp_samples: [
            {
              labels: `{${CP},slo="edge-availability",slo_window="30d",direction="edge"}`,
              value: 0.5,
            },
          ],
        },
        {
          expr: 'round(1 - cdn_slo:error_ratio:6h{slo="edge-availability"}, 0.0001)',
          eval_time: '1h',
          exp_samples: [
            {
              labels: `{${CP},slo="edge-availability",slo_window="30d",direction="edge"}`,
              value: 0.9975,
            },
          ],
        },
      ],
    }),
  ]);
  expect(result.output).toContain('SUCCESS');
  expect(result.status).toBe(0);
});
