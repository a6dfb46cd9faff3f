import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { knownSeries } from '../../../src/deploy/stage/alerting';
import { alertRule, recordingRule } from '../../../src/alerting/builders';
import { DEFAULT_ALERTING_CONFIG } from '../../../src/deploy/stage/alerting';
import type { RuleFile } from '../../../src/alerting/types';
import { isAlertingRule } from '../../../src/alerting/types';
import { validateRules } from '../../../src/alerting/validate';
import type { SinkName } from '../../../src/sinks/factories';
import { stageAlertingFiles } from '../../../src/deploy/alertingFiles';

const ROOT = join(__dirname, '..', '..', '..');
const SINK_SETS: SinkName[][] = [
  ['pushgateway'],
  ['remote-write'],
  ['pushgateway', 'remote-write'],
  ['graphite'],
];

/**
 * What a responder reads in Slack and in Prometheus: alert expressions over recorded series,
 * each short enough to read at a glance, for the example stage and every set of sinks.
 */
describe.each(SINK_SETS.map((sinks) => [sinks.join(' + '), sinks] as const))(
  'the rules of the example stage with %s',
  (_name, sinks) => {
    const { rules } = stageAlertingFiles(join(ROOT, 'config', 'local.yml'), 'local', { sinks });
    const alerts = rules.groups.flatMap((g) => g.rules).filter(isAlertingRule);

    it.each(alerts.map((a) => [a.alert, a.expr] as const))(
      '%s has an expression of at most 300 characters',
      (_alert, expr) => {
        expect(expr.length).toBeLessThanOrEqual(300);
      },
    );

    it('write out no freshest-copy subquery in an alert: they read the recorded series', () => {
      expect(
        alerts.filter((a) => a.expr.includes('push_time_seconds ==')).map((a) => a.alert),
      ).toEqual([]);
    });
  },
);

describe('recorded series are read where they are fresh', () => {
  const BASE = DEFAULT_ALERTING_CONFIG.runbookBaseUrl;
  const known = knownSeries();
  const context = { knownMetrics: known.metrics, knownLabels: known.labels, runbookBaseUrl: BASE };
  const alert = alertRule(
    {
      alert: 'SyntheticPortLinkDown',
      expr: 'device:synthetic_port_link_up:freshest == 0',
      severity: 'warning',
      team: 'network',
      summary: 's',
      description: 'd',
      runbook: 'synthetic#syntheticportlinkdown',
    },
    BASE,
  );
  const record = recordingRule('device:synthetic_port_link_up:freshest', 'synthetic_port_link_up');

  it('passes a group that records a series before its alert reads it', () => {
    const file: RuleFile = { groups: [{ name: 'g', rules: [record, alert] }] };
    expect(validateRules(file, context)).toEqual([]);
  });

  it('refuses an alert that reads it before its group records it', () => {
    const file: RuleFile = { groups: [{ name: 'g', rules: [alert, record] }] };
    expect(validateRules(file, context)).toEqual([
      'alert SyntheticPortLinkDown: reads device:synthetic_port_link_up:freshest, which its group records after it: record it first',
    ]);
  });

  it('refuses an alert that reads a series another group records', () => {
    const file: RuleFile = {
      groups: [
        { name: 'recordings', rules: [record] },
        { name: 'alerts', rules: [alert] },
      ],
    };
    expect(validateRules(file, context)).toEqual([
      "alert SyntheticPortLinkDown: reads device:synthetic_port_link_up:freshest, recorded in another rule group: record it in the alert's group",
    ]);
  });
});

describe('the metrics reference (docs/reference/metrics.md)', () => {
  const readme = readFileSync(join(ROOT, 'docs', 'reference', 'metrics.md'), 'utf8');
  const records = new Set(
    SINK_SETS.flatMap((sinks) =>
      stageAlertingFiles(join(ROOT, 'config', 'local.yml'), 'local', { sinks })
        .rules.groups.flatMap((g) => g.rules)
        .flatMap((r) => ('record' in r ? [r.record] : [])),
    ),
  );
  it.each([...records].filter((r) => !r.startsWith('cdn_slo:')))(
    'lists the recorded series %s',
    (record) => {
      expect(readme).toContain(`\`${record}\``);
    },
  );
});
