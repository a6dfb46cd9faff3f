import { COLLECTOR, JANITOR, LABEL } from '../metrics/catalogue';
import { DASHBOARD_SERIES } from '../queries/dashboardSeries';
import { alertGroup, assertDuration, recordingRule } from './builders';
import type { AlertingCollector } from './collectorAlerting';
import type { AlertingConfig, ExportSettings } from './config';
import { type AmpExport, ampExport, exportFormatFiles } from './formats';
import { alertmanagerConfig } from './routes';
import {
  type AlertLinks,
  type AlertPanel,
  SLACK_TEMPLATE_FILE,
  slackTemplate,
} from './slackTemplate';
import { BUILTIN_METRICS, collectorRules } from './rules/collectors';
import { SLO_LABEL } from '../queries/slo';
import { sloAlerts, sloGroups } from './rules/slo';
import { assertScope, PUSHGATEWAY_SCOPE, type RuleScope } from './scope';
import type { Slo } from './slo';
import type { AlertmanagerConfig, RuleFile, RuleGroup } from './types';
import { validateAlerting } from './validate';
import { ConfigurationError } from '../shared/errors';

/** Paths under which the generated files are read, for the Alertmanager `templates:` glob. */
export interface AlertingOutputOptions {
  /** Folder where Alertmanager finds the templates (default /etc/alertmanager/templates). */
  templatesDir?: string;
  /** Check runbook_url pages and anchors against this folder (docs/runbooks). */
  runbooksDir?: string;
  /** The stage's SLOs (config/<stage>.yml `slos:`): their recording rules and burn-rate alerts. */
  slos?: readonly Slo[];
  /** Base URLs for the Slack messages' links (config/<stage>.yml `links:`). */
  links?: AlertLinks;
  /** The stage's sinks and schedules (default: the Pushgateway alone, scope.ts). */
  scope?: RuleScope;
  /**
   * The dashboard panel of each alert, for the Slack messages' "Dashboard" link (the build
   * step passes dashboards/alertPanels.ts). Absent: the messages link no dashboard.
   */
  panels?: (alerts: readonly string[]) => Record<string, AlertPanel>;
}

export interface AlertingFiles {
  /**
   * File name → content in the stage's formats (`alerting.export.formats`), e.g. rules.yml,
   * alertmanager.yml, templates/slack.tmpl.
   */
  files: Record<string, string>;
  rules: RuleFile;
  alertmanager: AlertmanagerConfig;
  /** With the amp format: what the exportAlerting function puts in the AMP workspace. */
  amp?: AmpExport;
  /** The stage's export settings (formats, namespace). */
  export: ExportSettings;
}

export function alertNames(rules: RuleFile): string[] {
  return rules.groups.flatMap((g) => g.rules.flatMap((r) => ('alert' in r ? [r.alert] : [])));
}

/**
 * Every rule group: each collector's, from its section of the config (collectorAlerting.ts),
 * and the shared ones, in the form the stage's sinks need (scope.ts); the SLOs' recording
 * rules and burn-rate alerts if any.
 */
export function shippedRules(
  config: AlertingConfig,
  collectors: readonly AlertingCollector[],
  slos: readonly Slo[] = [],
  scope: RuleScope = PUSHGATEWAY_SCOPE,
): RuleFile {
  assertScope(scope);
  const alerting = [
    ...collectors.map(({ kind, alerting }) => alerting.rules(config[kind], config, scope)),
    collectorRules(config, scope),
  ].map((group) => alertGroup(group, config.runbookBaseUrl));
  const groups = [...alerting, dashboardSeriesGroup(config, alerting)];
  const all =
    slos.length === 0
      ? { groups }
      : {
          groups: [
            ...groups,
            ...sloGroups(
              config,
              slos,
              alertGroup(sloAlerts(config, slos), config.runbookBaseUrl).rules,
            ),
          ],
        };
  return withoutDisabledAlerts(all, config.disabledAlerts);
}

/**
 * The rules less the alerts a stage turned off (`alerting.disabledAlerts`). A name that is
 * not among them is refused: a typo would otherwise leave the alert on, unnoticed.
 */
function withoutDisabledAlerts(rules: RuleFile, disabled: readonly string[]): RuleFile {
  if (disabled.length === 0) return rules;
  const names = alertNames(rules);
  const unknown = disabled.filter((name) => !names.includes(name));
  if (unknown.length > 0)
    throw new ConfigurationError(
      `alerting.disabledAlerts: ${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not among this stage's alerts`,
      { hint: `its alerts are ${names.join(', ')}` },
    );
  const off = new Set(disabled);
  return {
    groups: rules.groups.map((group) => ({
      ...group,
      rules: group.rules.filter((rule) => !('alert' in rule) || !off.has(rule.alert)),
    })),
  };
}

/**
 * The recorded series only dashboards read, recorded less often than the alerts evaluate
 * (`dashboardSeriesInterval`): a series an alert reads is recorded with it, every evaluation.
 */
function dashboardSeriesGroup(config: AlertingConfig, alerting: readonly RuleGroup[]): RuleGroup {
  const recorded = new Set(
    alerting.flatMap((g) => g.rules).flatMap((r) => ('record' in r ? [r.record] : [])),
  );
  assertDuration(config.dashboardSeriesInterval, 'alerting config dashboardSeriesInterval');
  return {
    name: 'dashboard-series',
    interval: config.dashboardSeriesInterval,
    rules: DASHBOARD_SERIES.filter((s) => !recorded.has(s.record)).map((s) =>
      recordingRule(s.record, s.expr),
    ),
  };
}

/** Every metric and label our collectors push, plus what Prometheus and the Pushgateway add. */
export function knownSeries(collectors: readonly AlertingCollector[]): {
  metrics: Set<string>;
  labels: Set<string>;
} {
  const definitions = [...Object.values(COLLECTOR), ...Object.values(JANITOR)];
  const metrics = new Set<string>([
    ...definitions.map((d) => d.name),
    ...collectors.flatMap((c) => c.alerting.series.metrics),
    ...BUILTIN_METRICS,
  ]);
  const labels = new Set<string>([
    ...Object.values(LABEL),
    ...Object.values(SLO_LABEL),
    'instance',
    ...definitions.flatMap((d) => d.labels),
    ...collectors.flatMap((c) => c.alerting.series.labels),
  ]);
  return { metrics, labels };
}

/**
 * Build, validate and render the alerting files of `collectors` (the collector table's rows).
 * Nothing is returned unless it all checks out.
 */
export function buildAlertingFiles(
  config: AlertingConfig,
  collectors: readonly AlertingCollector[],
  options: AlertingOutputOptions = {},
): AlertingFiles {
  const slos = options.slos ?? [];
  const rules = shippedRules(config, collectors, slos, options.scope);
  const alertmanager = alertmanagerConfig(
    config,
    options.templatesDir ?? '/etc/alertmanager/templates',
    new Set(alertNames(rules)),
  );
  const known = knownSeries(collectors);
  validateAlerting(rules, alertmanager, {
    knownMetrics: known.metrics,
    knownLabels: known.labels,
    runbookBaseUrl: config.runbookBaseUrl,
    ...(options.runbooksDir ? { runbooksDir: options.runbooksDir } : {}),
  });
  const rendered = {
    rules,
    alertmanager,
    templates: {
      [SLACK_TEMPLATE_FILE]: slackTemplate(
        options.links ?? {},
        options.panels?.(alertNames(rules)) ?? {},
      ),
    },
  };
  return {
    files: exportFormatFiles(config.export, rendered),
    rules,
    alertmanager,
    export: config.export,
    ...(config.export.formats.includes('amp') ? { amp: ampExport(config.export, rendered) } : {}),
  };
}
