import {
  COLLECTOR,
  ESTATS,
  JANITOR,
  type MetricDefinition,
  SYNTHETIC,
} from '../../src/metrics/catalogue';
import { GROUP_KINDS } from '../../src/metrics/groups';
import { exampleRuleGroups } from './exampleRules';
import { cell, code, generatedHeader, table } from './markdown';

export const METRICS_REFERENCE_FILE = 'docs/reference/metrics.md';

/** The catalogue's families, by what pushes them. */
const SECTIONS: ReadonlyArray<{
  title: string;
  about: string;
  families: Record<string, MetricDefinition>;
}> = [
  {
    title: 'eStats',
    about:
      'One group per target, replaced on every run: `{job="akamai_estats", cp_code="…" | url="…", [delivery], [error_type]}`. Every value is a gauge: a sample is a snapshot, never a running total.',
    families: ESTATS,
  },
  {
    title: 'Run health',
    about:
      'One group per schedule of every collector, `{job, schedule}`, pushed with POST so that the last success survives a failed run; `collector_group_owner_info` is in every group a collector pushes.',
    families: COLLECTOR,
  },
  {
    title: 'Synthetic devices',
    about:
      'One group per simulated device, with all its ports: `{job="synthetic_telemetry", fleet, device}`.',
    families: SYNTHETIC,
  },
  {
    title: 'Janitor',
    about: 'One group per stage: `{job="pushgate_janitor", stage}`.',
    families: JANITOR,
  },
];

/** docs/reference/metrics.md: every pushed family, the group kinds, every recorded series. */
export function renderMetricsReference(root: string): string {
  const lines = [
    generatedHeader('src/metrics/catalogue.ts, src/metrics/groups.ts and the shipped rules'),
    '',
    '# Metrics',
    '',
    'Every metric the collectors push, from the one catalogue that the alert rules and the',
    'dashboards import (`src/metrics/catalogue.ts`), and every series the shipped rules record.',
    'The Pushgateway adds `push_time_seconds` and `push_failure_time_seconds` to every group; the',
    'scrape schedules push what their targets expose, with the report a Prometheus scrape stores',
    '(`up`, `scrape_duration_seconds`, …). Names follow the',
    '[Prometheus conventions](https://prometheus.io/docs/practices/naming/): base units, ratios',
    'from 0 to 1, `_total` only on counters.',
    '',
  ];
  for (const section of SECTIONS) {
    lines.push(
      `## ${section.title}`,
      '',
      section.about,
      '',
      ...table(
        ['metric', 'type', 'labels', 'meaning'],
        Object.values(section.families).map((family) => [
          code(family.name),
          family.type,
          family.labels.length > 0 ? family.labels.map(code).join(', ') : '—',
          cell(family.help),
        ]),
      ),
      '',
    );
  }
  lines.push(
    '## Groups',
    '',
    'The grouping keys of what the collectors push, each with its labels (job first). With',
    'several Pushgateways every group exists on each, and the rules keep the copy of the one',
    'that took its last push (the freshest copy, below), matched on exactly these labels.',
    '',
    ...table(
      ['group', 'jobs', 'labels'],
      Object.entries(GROUP_KINDS).map(([name, kind]) => [
        code(name),
        kind.jobs.map(code).join(', '),
        kind.labels.map(code).join(', '),
      ]),
    ),
    '',
  );
  // Both staleness forms: every record any stage may have.
  const groups = exampleRuleGroups(root).forms.flatMap((form) => form.groups);
  const records = new Map<string, { group: string; expr: string }>();
  for (const group of groups)
    for (const rule of group.rules)
      if ('record' in rule && !records.has(rule.record))
        records.set(rule.record, { group: group.name, expr: rule.expr });
  lines.push(
    '## Recorded series',
    '',
    'Alerts and dashboards read recorded series, not the pushed ones: once per metric, the',
    '**freshest copy** of each group across the Pushgateways (without their `instance`). Names',
    "follow Prometheus' `level:metric:operations`: the level is the group the copy is kept per",
    "(`target`, `device`, `schedule`, `stage`), `freshest` the deduplication; a counter's rate is",
    'taken on each Pushgateway before it. The rule group says where it is evaluated: with the',
    'alerts that read it, or in `dashboard-series`. The `cdn_slo:` series exist where a stage',
    'declares SLOs, `schedule:collector_deployed:info` and the `max_over_time` of the last',
    'success where the collectors write by remote write.',
    '',
    ...table(
      ['recorded series', 'rule group', 'expression'],
      [...records].map(([record, { group, expr }]) => [
        code(record),
        code(group),
        code(expr.length > 160 ? `${expr.slice(0, 157)}…` : expr),
      ]),
    ),
    '',
  );
  return lines.join('\n');
}
