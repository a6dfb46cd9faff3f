import type { AlertingRule } from '../../src/alerting/types';
import { TARGET_TEXT } from '../../src/alerting/rules/text';
import { exampleRuleGroups } from './exampleRules';
import { cell, code, generatedHeader, table } from './markdown';

/** A summary's template as a reader sees it: each label and value a word in italics. */
function readable(template: string): string {
  return template
    .split(TARGET_TEXT)
    .join('_target_')
    .replace(/\{\{ \$labels\.(\w+) \}\}/g, '_$1_')
    .replace(/\{\{ \$value[^}]*\}\}/g, '_value_')
    .replace(/\{\{[^}]*\}\}/g, '');
}

export const ALERTS_REFERENCE_FILE = 'docs/reference/alerts.md';

/** docs/reference/alerts.md: every shipped alert, its severity, team, summary and runbook. */
export function renderAlertsReference(root: string): string {
  const { runbookBaseUrl: base, forms } = exampleRuleGroups(root);
  const seen = new Map<string, { rule: AlertingRule; group: string; when: string }>();
  for (const { when, groups } of forms)
    for (const group of groups)
      for (const rule of group.rules)
        if ('alert' in rule && !seen.has(rule.alert))
          seen.set(rule.alert, { rule, group: group.name, when });
  const lines = [
    generatedHeader('the alert definitions in src/alerting/rules/'),
    '',
    '# Alerts',
    '',
    "Every alert the shipped rules hold, as `config/local.yml` renders them (a stage file's",
    '`alerting:` section changes thresholds and durations, not names; `alerting.disabledAlerts`',
    'leaves one out). SLO alerts exist where a stage declares SLOs; the sample-time staleness',
    'alerts where its collectors write by remote write ([Sinks](../guides/sinks.md)). Each',
    'alert routes by its `team` and `severity` ([routing](routing.md)), and links its runbook.',
    '',
  ];
  const groups = [...new Set([...seen.values()].map((a) => a.group))];
  for (const group of groups) {
    const alerts = [...seen.values()].filter((a) => a.group === group);
    lines.push(
      `## ${group}`,
      '',
      ...table(
        ['alert', 'severity', 'team', 'for', 'summary', 'runbook'],
        alerts.map(({ rule, when }) => {
          const runbook = rule.annotations.runbook_url.slice(base.length);
          return [
            `${code(rule.alert)}${when === forms[0]?.when ? '' : ' (remote write)'}`,
            rule.labels.severity,
            rule.labels.team ?? '—',
            rule.for ? code(rule.for) : '—',
            cell(readable(rule.annotations.summary)),
            `[${cell(runbook.split('.md')[0] ?? runbook)}](../runbooks/${runbook})`,
          ];
        }),
      ),
      '',
    );
  }
  return lines.join('\n');
}
