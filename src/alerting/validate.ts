import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isValidLabelName, isValidMetricName } from '../metrics/names';
import { ConfigurationError } from '../shared/errors';
import { isValidDuration } from './duration';
import { analysePromql } from './promql';
import {
  type AlertmanagerConfig,
  isAlertingRule,
  type Route,
  type RuleFile,
  SEVERITIES,
} from './types';

export interface ValidationContext {
  /** Metric names the rules may use: what our collectors push plus built-ins. */
  knownMetrics: ReadonlySet<string>;
  /** Label names those metrics carry. */
  knownLabels: ReadonlySet<string>;
  /** When set, every runbook_url must point at an existing page and heading in this folder. */
  runbooksDir?: string;
  runbookBaseUrl: string;
}

/**
 * Check rule groups and the Alertmanager config before anything is written. Collects every
 * problem and throws once, each line naming the rule or route and what is wrong.
 */
export function validateAlerting(
  rules: RuleFile,
  alertmanager: AlertmanagerConfig,
  context: ValidationContext,
): void {
  const problems = [...validateRules(rules, context), ...validateAlertmanager(alertmanager, rules)];
  if (problems.length > 0) {
    throw new ConfigurationError(`invalid alerting definitions:\n- ${problems.join('\n- ')}`, {
      hint: 'fix the definitions in src/alerting (thresholds in src/alerting/config.ts)',
    });
  }
}

export function validateRules(file: RuleFile, context: ValidationContext): string[] {
  const problems: string[] = [];
  const alertNames = new Map<string, string>();
  const recorded = new Set<string>();
  for (const group of file.groups)
    for (const rule of group.rules) if (!isAlertingRule(rule)) recorded.add(rule.record);
  const groupNames = new Set<string>();

  for (const group of file.groups) {
    const recordedHere = new Set<string>();
    const recordedInGroup = new Set(
      group.rules.flatMap((rule) => (isAlertingRule(rule) ? [] : [rule.record])),
    );
    if (groupNames.has(group.name)) problems.push(`rule group ${group.name}: duplicate group name`);
    groupNames.add(group.name);
    if (group.interval !== undefined && !isValidDuration(group.interval))
      problems.push(
        `rule group ${group.name}: interval ${JSON.stringify(group.interval)} is not a duration`,
      );
    for (const rule of group.rules) {
      const where = isAlertingRule(rule) ? `alert ${rule.alert}` : `recording rule ${rule.record}`;
      const analysis = analysePromql(rule.expr);
      for (const error of analysis.errors) problems.push(`${where}: PromQL ${error}`);
      for (const metric of analysis.metricNames) {
        if (!context.knownMetrics.has(metric) && !recorded.has(metric))
          problems.push(
            `${where}: metric ${metric} is not pushed by any collector (nor a built-in or recorded series)`,
          );
        problems.push(
          ...readsRecordedInOrder(where, rule, metric, recorded, recordedHere, recordedInGroup),
        );
      }
      if (!isAlertingRule(rule)) recordedHere.add(rule.record);
      for (const label of analysis.labelNames) {
        if (!context.knownLabels.has(label))
          problems.push(`${where}: label ${label} is not carried by any metric we push`);
      }
      if (!isAlertingRule(rule)) {
        if (!isValidMetricName(rule.record)) problems.push(`${where}: invalid record name`);
        continue;
      }
      const first = alertNames.get(rule.alert);
      if (first) problems.push(`${where}: duplicate alert name (also in group ${first})`);
      alertNames.set(rule.alert, group.name);
      for (const [field, value] of [
        ['for', rule.for],
        ['keep_firing_for', rule.keep_firing_for],
      ] as const) {
        if (value !== undefined && !isValidDuration(value))
          problems.push(`${where}: ${field} ${JSON.stringify(value)} is not a duration`);
      }
      if (!SEVERITIES.includes(rule.labels.severity))
        problems.push(
          `${where}: severity ${JSON.stringify(rule.labels.severity)} is not one of ${SEVERITIES.join(', ')}`,
        );
      for (const name of [...Object.keys(rule.labels), ...Object.keys(rule.annotations)]) {
        if (!isValidLabelName(name))
          problems.push(`${where}: invalid label/annotation name ${JSON.stringify(name)}`);
      }
      for (const field of ['summary', 'description', 'runbook_url'] as const) {
        if (!rule.annotations[field]?.trim())
          problems.push(`${where}: annotation ${field} is missing`);
      }
      problems.push(...checkRunbook(where, rule.annotations.runbook_url, context));
    }
  }
  return problems;
}

/**
 * A group's rules run in order, and groups run independently: a rule that reads a series
 * recorded later in its own group, or an alert that reads one recorded in another group,
 * reads the last evaluation's value, and fires an evaluation late.
 */
function readsRecordedInOrder(
  where: string,
  rule: RuleFile['groups'][number]['rules'][number],
  metric: string,
  recordedInFile: ReadonlySet<string>,
  recordedBefore: ReadonlySet<string>,
  recordedInGroup: ReadonlySet<string>,
): string[] {
  if (recordedBefore.has(metric)) return [];
  if (recordedInGroup.has(metric))
    return [`${where}: reads ${metric}, which its group records after it: record it first`];
  return isAlertingRule(rule) && recordedInFile.has(metric)
    ? [`${where}: reads ${metric}, recorded in another rule group: record it in the alert's group`]
    : [];
}

function checkRunbook(where: string, url: string, context: ValidationContext): string[] {
  if (!url.startsWith(context.runbookBaseUrl))
    return [`${where}: runbook_url ${url} is not under ${context.runbookBaseUrl}`];
  if (!context.runbooksDir) return [];
  const [page = '', anchor = ''] = url.slice(context.runbookBaseUrl.length).split('#');
  const path = join(context.runbooksDir, page);
  if (!existsSync(path)) return [`${where}: runbook page docs/runbooks/${page} does not exist`];
  const anchors = new Set(
    readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('#'))
      .map((line) => githubAnchor(line.replace(/^#+\s*/, ''))),
  );
  return anchors.has(anchor)
    ? []
    : [`${where}: runbook page docs/runbooks/${page} has no heading for #${anchor}`];
}

/** The anchor GitHub gives a Markdown heading. */
export function githubAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}

export function validateAlertmanager(config: AlertmanagerConfig, rules: RuleFile): string[] {
  const problems: string[] = [];
  const receivers = new Set<string>();
  for (const receiver of config.receivers) {
    if (receivers.has(receiver.name)) problems.push(`receiver ${receiver.name}: duplicate name`);
    receivers.add(receiver.name);
    if (!receiver.slack_configs?.length && !receiver.webhook_configs?.length)
      problems.push(
        `receiver ${receiver.name}: has no Slack or webhook config, alerts routed to it are dropped`,
      );
    for (const slack of receiver.slack_configs ?? []) {
      if (slack.send_resolved !== true)
        problems.push(
          `receiver ${receiver.name}: slack send_resolved must be true (Slack's default is false)`,
        );
      if (!slack.api_url_file)
        problems.push(
          `receiver ${receiver.name}: slack api_url_file is required (never an inline webhook URL)`,
        );
    }
  }
  const intervals = new Set(config.time_intervals.map((t) => t.name));

  const walk = (route: Route, path: string) => {
    if (route.receiver !== undefined && !receivers.has(route.receiver))
      problems.push(`route ${path}: receiver ${route.receiver} does not exist`);
    for (const field of ['group_wait', 'group_interval', 'repeat_interval'] as const) {
      const value = route[field];
      if (value !== undefined && !isValidDuration(value))
        problems.push(`route ${path}: ${field} ${JSON.stringify(value)} is not a duration`);
    }
    for (const label of route.group_by ?? [])
      if (label !== '...' && !isValidLabelName(label))
        problems.push(`route ${path}: group_by label ${JSON.stringify(label)} is invalid`);
    for (const matcher of route.matchers ?? [])
      if (!parseMatcher(matcher))
        problems.push(
          `route ${path}: matcher ${JSON.stringify(matcher)} is not label=value, !=, =~ or !~`,
        );
    for (const name of route.mute_time_intervals ?? [])
      if (!intervals.has(name))
        problems.push(`route ${path}: time interval ${name} does not exist`);
    route.routes?.forEach((child, i) => walk(child, `${path}.routes[${i}]`));
  };
  walk(config.route, 'root');

  // Every severity that an alert carries must end at a receiver that sends something.
  for (const severity of SEVERITIES) {
    const alerts = rules.groups
      .flatMap((g) => g.rules)
      .filter((r) => isAlertingRule(r) && r.labels.severity === severity);
    const labelSets: Array<Record<string, string>> =
      alerts.length > 0
        ? alerts.map((r) => (isAlertingRule(r) ? { alertname: r.alert, ...r.labels } : {}))
        : [{ severity }];
    for (const labels of labelSets) {
      const reached = matchRoute(config.route, labels);
      if (reached.length === 0)
        problems.push(
          `severity ${severity}: alert ${labels.alertname ?? '(any)'} reaches no receiver`,
        );
    }
  }

  const alertNames = new Set(
    rules.groups.flatMap((g) => g.rules).flatMap((r) => (isAlertingRule(r) ? [r.alert] : [])),
  );
  config.inhibit_rules.forEach((rule, i) => {
    if (rule.equal.length === 0)
      problems.push(`inhibit rule ${i}: has no "equal" labels, it would mute unrelated alerts`);
    for (const text of [...rule.source_matchers, ...rule.target_matchers]) {
      const matcher = parseMatcher(text);
      if (!matcher) {
        problems.push(`inhibit rule ${i}: matcher ${JSON.stringify(text)} is invalid`);
      } else if (matcher.name === 'alertname' && (matcher.op === '=' || matcher.op === '=~')) {
        for (const name of unknownAlertNames(matcher.op, matcher.value, alertNames))
          problems.push(`inhibit rule ${i}: no alert is named ${JSON.stringify(name)}`);
      }
    }
  });
  return problems;
}

/**
 * The alert names an `alertname` matcher expects that no rule defines: for `=`, the name; for
 * `=~`, each literal alternative (`A|B`) that does not exist, or the whole pattern when it
 * matches no alert at all. An inhibit rule or a dashboard annotation naming a renamed or
 * removed alert would otherwise stay silent for ever.
 */
export function unknownAlertNames(
  op: '=' | '=~',
  value: string,
  alertNames: ReadonlySet<string>,
): string[] {
  if (op === '=') return alertNames.has(value) ? [] : [value];
  const pattern = new RegExp(`^(?:${value})$`);
  if (![...alertNames].some((name) => pattern.test(name))) return [value];
  return value
    .split('|')
    .filter((part) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(part) && !alertNames.has(part));
}

interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export function parseMatcher(text: string): Matcher | undefined {
  const m = text.match(/^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"$/);
  if (!m) return undefined;
  return {
    name: m[1] as string,
    op: m[2] as Matcher['op'],
    value: JSON.parse(`"${m[3]}"`) as string,
  };
}

function matches(matcher: Matcher, labels: Record<string, string>): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.op) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return new RegExp(`^(?:${matcher.value})$`).test(value);
    default:
      return !new RegExp(`^(?:${matcher.value})$`).test(value);
  }
}

/** Receivers an alert with `labels` is sent to, following Alertmanager's routing (continue included). */
export function matchRoute(route: Route, labels: Record<string, string>, inherited = ''): string[] {
  const receiver = route.receiver ?? inherited;
  const found: string[] = [];
  for (const child of route.routes ?? []) {
    const childMatchers = (child.matchers ?? []).map(parseMatcher);
    if (childMatchers.every((m) => m !== undefined && matches(m, labels))) {
      found.push(...matchRoute(child, labels, receiver));
      if (!child.continue) return found;
    }
  }
  return found.length > 0 ? found : receiver ? [receiver] : [];
}
