import {
  type AlertingFiles,
  type AlertingOutputOptions,
  buildAlertingFiles as buildFilesOf,
  knownSeries as knownSeriesOf,
  shippedRules as shippedRulesOf,
} from '../../alerting';
import { alertingSettingsWith } from '../../alerting/config';
import { alertingConfigOf } from '../../alerting/settings';
import type { Slo } from '../../alerting/slo';
import type { RuleScope } from '../../alerting/scope';
import type { RuleFile } from '../../alerting/types';
import { byJob, collectorAlertSections, STAGE_COLLECTORS } from './collectors';

/**
 * The alerting of a stage with this product's collectors: the shared settings and rules
 * (src/alerting) with each row's part of the collector table. Everything that reads a
 * stage's alerting (packaging, the export, the dashboards' check, the tests) goes through
 * here, so a new collector's section, rules and series follow from its row.
 */

/** The schema of a stage file's `alerting:` section, every collector's section included. */
export const ALERTING_SETTINGS_SCHEMA = alertingSettingsWith(collectorAlertSections());

/** Seconds between each collector job's runs in the example stage (its row's default). */
export const DEFAULT_INTERVALS: Readonly<Record<string, number>> = byJob(
  (collector) => collector.alerting.defaultIntervalSeconds,
);

/**
 * A stage's `alerting:` section read: the defaults, overridden by the section, with the
 * intervals its own schedules give (job → seconds) over the default ones.
 */
export function stageAlertingConfigOf(
  section: unknown,
  intervals: Readonly<Record<string, number>>,
  where: string,
) {
  return alertingConfigOf(
    ALERTING_SETTINGS_SCHEMA,
    section,
    { defaults: DEFAULT_INTERVALS, stage: intervals },
    where,
  );
}

/** The alerting config of a stage, every collector's section typed. */
export type StageAlertingConfig = ReturnType<typeof stageAlertingConfigOf>;

/** The shipped alerting: every default, the example stage's intervals. */
export const DEFAULT_ALERTING_CONFIG: StageAlertingConfig = stageAlertingConfigOf(
  undefined,
  {},
  'the shipped alerting defaults',
);

/** Every rule group of a stage (alerting/index.ts), with every collector's. */
export function shippedRules(
  config: StageAlertingConfig = DEFAULT_ALERTING_CONFIG,
  slos: readonly Slo[] = [],
  scope?: RuleScope,
): RuleFile {
  return shippedRulesOf(config, STAGE_COLLECTORS, slos, scope);
}

/** The alerting files of a stage, every collector's rules included, built and checked. */
export function buildAlertingFiles(
  config: StageAlertingConfig = DEFAULT_ALERTING_CONFIG,
  options: AlertingOutputOptions = {},
): AlertingFiles {
  return buildFilesOf(config, STAGE_COLLECTORS, options);
}

/** Every metric and label the collectors push, and what Prometheus and the Pushgateway add. */
export function knownSeries(): { metrics: Set<string>; labels: Set<string> } {
  return knownSeriesOf(STAGE_COLLECTORS);
}
