import { PRODUCT_NAME } from '../constants';
import { assertLabelName, assertMetricName } from '../metrics/names';
import type { RecordedSeries } from '../queries/recorded';
import { ConfigurationError } from '../shared/errors';
import { isValidDuration } from './duration';
import {
  type AlertingRule,
  type RecordingRule,
  type RuleGroup,
  SEVERITIES,
  type Severity,
} from './types';

const ALERT_NAME = /^[A-Z][A-Za-z0-9]*$/;

export function assertDuration(value: string, where: string): void {
  if (!isValidDuration(value)) {
    throw new ConfigurationError(
      `${where}: ${JSON.stringify(value)} is not a Prometheus duration (e.g. 30s, 5m, 1h30m)`,
    );
  }
}

export interface AlertDefinition {
  alert: string;
  expr: string;
  for?: string;
  keepFiringFor?: string;
  severity: Severity;
  /** Team that owns the alert: routes to the team's channel. */
  team: string;
  labels?: Record<string, string>;
  summary: string;
  description: string;
  /** Runbook page and anchor, e.g. `estats#akamaiedge5xxratiohigh` → docs/runbooks/estats.md. */
  runbook: string;
}

/** Labels every alert of this product carries (inhibit rules rely on `product`). */
export const PRODUCT_LABEL = { product: PRODUCT_NAME } as const;

/**
 * Build an alerting rule, checking what can be checked without the rest of the config:
 * name, severity, durations, label names, required annotations. Throws naming the rule.
 */
export function alertRule(definition: AlertDefinition, runbookBaseUrl: string): AlertingRule {
  const where = `alert ${definition.alert || '(unnamed)'}`;
  if (!ALERT_NAME.test(definition.alert)) {
    throw new ConfigurationError(
      `${where}: alert names are PascalCase (component then symptom), e.g. AkamaiEdge5xxRatioHigh`,
    );
  }
  if (!SEVERITIES.includes(definition.severity)) {
    throw new ConfigurationError(
      `${where}: severity ${JSON.stringify(definition.severity)} is not one of ${SEVERITIES.join(', ')}`,
    );
  }
  if (definition.for !== undefined) assertDuration(definition.for, `${where} "for"`);
  if (definition.keepFiringFor !== undefined)
    assertDuration(definition.keepFiringFor, `${where} "keep_firing_for"`);
  for (const name of Object.keys(definition.labels ?? {})) assertLabelName(name, where);
  for (const [field, value] of [
    ['summary', definition.summary],
    ['description', definition.description],
    ['runbook', definition.runbook],
  ] as const) {
    if (!value.trim()) throw new ConfigurationError(`${where}: ${field} is required`);
  }
  if (!/^[a-z0-9-]+#[a-z0-9-]+$/.test(definition.runbook)) {
    throw new ConfigurationError(
      `${where}: runbook ${JSON.stringify(definition.runbook)} must look like "<page>#<anchor>" (docs/runbooks/<page>.md)`,
    );
  }
  const [page, anchor] = definition.runbook.split('#');
  return {
    alert: definition.alert,
    expr: definition.expr,
    ...(definition.for ? { for: definition.for } : {}),
    ...(definition.keepFiringFor ? { keep_firing_for: definition.keepFiringFor } : {}),
    labels: {
      severity: definition.severity,
      team: definition.team,
      ...PRODUCT_LABEL,
      ...definition.labels,
    },
    annotations: {
      summary: definition.summary,
      description: definition.description,
      runbook_url: `${runbookBaseUrl}${page}.md#${anchor}`,
    },
  };
}

/** The alerts of one rule group, owned by one team (its alerts route to the team's channel). */
export interface AlertGroupDefinition {
  name: string;
  team: string;
  /**
   * Series the alerts (and dashboards) read, recorded first in the group: a group's rules run
   * in order, so its alerts read what this very evaluation recorded.
   */
  recordings?: readonly RecordedSeries[];
  alerts: Array<Omit<AlertDefinition, 'team'>>;
}

/**
 * The one transform from typed definitions to a rule group: its recorded series first, then
 * every alert with its team, the product label and its `runbook_url`, checked as it is built
 * (alertRule).
 */
export function alertGroup(group: AlertGroupDefinition, runbookBaseUrl: string): RuleGroup {
  return {
    name: group.name,
    rules: [
      ...(group.recordings ?? []).map(({ record, expr, labels }) =>
        recordingRule(record, expr, labels),
      ),
      ...group.alerts.map((alert) => alertRule({ ...alert, team: group.team }, runbookBaseUrl)),
    ],
  };
}

export function recordingRule(
  record: string,
  expr: string,
  labels?: Record<string, string>,
): RecordingRule {
  assertMetricName(record, `recording rule ${record}`);
  for (const name of Object.keys(labels ?? {})) assertLabelName(name, `recording rule ${record}`);
  return { record, expr, ...(labels ? { labels } : {}) };
}
