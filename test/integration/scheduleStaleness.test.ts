import { buildAlertingFiles } from '../../src/deploy/stage/alerting';
import { stageAlertingFiles } from '../../src/deploy/alertingFiles';
import { inputSeries, promtoolTest, scrapedFrom } from '../helpers/promtool';
import { writeStageConfig } from '../helpers/stageConfig';

/**
 * A stage whose eStats schedule runs every 10 minutes: its staleness alerts wait three of its
 * own intervals (30 minutes), checked with `promtool test rules` on the rules its stage file
 * renders. With the default intervals (2 minutes) the same pushes would fire for ever.
 */
const stageFile = writeStageConfig((text) =>
  text.replace(/(estats:\n(?:.*\n)*?\s+- rate: )rate\(2 minutes\)/, '$1rate(10 minutes)'),
);
const rules = stageAlertingFiles(stageFile, 'local').files['rules.yml'] ?? '';
const GROUP = 'job="akamai_estats",cp_code="987654",instance=""';
/** push_time_seconds of a group pushed every 10 minutes for `pushes` pushes, then never. */
const pushedEvery10m = (pushes: number, minutes: number) =>
  Array.from(
    { length: minutes + 1 },
    (_, m) => Math.min(Math.floor(m / 10), pushes - 1) * 600,
  ).join(' ');
const history = (values: string) =>
  inputSeries(scrapedFrom(['pg-a:9091'], { [`push_time_seconds{${GROUP}}`]: values }));
/** The alert at `evalTime`: none, or the one of a group last pushed `ago` before. */
const staleAt = (evalTime: string, ago?: string) => ({
  eval_time: evalTime,
  alertname: 'CollectorGroupStale',
  exp_alerts: ago
    ? [
        {
          exp_labels: {
            job: 'akamai_estats',
            cp_code: '987654',
            severity: 'warning',
            team: 'observability',
            product: 'pushgate-collector',
          },
          exp_annotations: {
            summary: `Pushgateway group akamai_estats not pushed for ${ago}`,
            description: `The group akamai_estats cp_code=987654 was last pushed ${ago} ago, more than 3 schedule intervals: the collector stopped running or cannot reach the Pushgateway. Its values are stale.`,
            runbook_url:
              'https://github.com/pushgate-collector/pushgate-collector/blob/main/docs/runbooks/collectors.md#collectorgroupstale',
          },
        },
      ]
    : [],
});

describe('staleness follows the schedule', () => {
  it('renders three of its intervals: 1800 s for rate(10 minutes)', () => {
    // The threshold CollectorGroupStale compares eStats' groups with, one series per job.
    const threshold = (seconds: number) =>
      `- record: job:collector_stale_after_seconds:info\n        expr: vector(${seconds})\n        labels:\n          job: akamai_estats`;
    expect(rules).toContain(threshold(1800));
    expect(rules).not.toContain(threshold(360));
  });

  it('stays quiet while a 10-minute schedule pushes, and fires 30 minutes after its last push', () => {
    const result = promtoolTest(rules, [
      {
        name: 'pushed every 10 minutes for two hours',
        interval: '1m',
        input_series: history(pushedEvery10m(13, 120)),
        alert_rule_test: [staleAt('9m'), staleAt('59m'), staleAt('119m')],
      },
      {
        name: 'last pushed at minute 20',
        interval: '1m',
        input_series: history(pushedEvery10m(3, 80)),
        // Stale after 20 + 30 minutes, firing after its `for: 1m`.
        alert_rule_test: [staleAt('50m'), staleAt('52m', '32m 0s')],
      },
    ]);
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('would fire on the same pushes with the default 2-minute interval (the test can fail)', () => {
    const result = promtoolTest(buildAlertingFiles().files['rules.yml'] ?? '', [
      {
        name: 'pushed every 10 minutes, rules for 2 minutes',
        interval: '1m',
        input_series: history(pushedEvery10m(13, 120)),
        alert_rule_test: [staleAt('59m')],
      },
    ]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('CollectorGroupStale');
  });
});
