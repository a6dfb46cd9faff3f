import { GROUPING_LABELS } from '../metrics/groups';

type LezerPromql = typeof import('@prometheus-io/lezer-promql', {
  with: { 'resolution-mode': 'import' },
});
// The package is ESM with a CommonJS build ("require" export); TypeScript only sees its ESM
// typings, hence the typed require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as LezerPromql;

export interface PromqlAnalysis {
  /** Empty when the expression parses. */
  errors: string[];
  metricNames: Set<string>;
  labelNames: Set<string>;
}

/**
 * Parse a PromQL expression with Prometheus' own grammar (the one its web UI uses) and list
 * the metric and label names it refers to, so rules can be checked against what we push.
 */
export function analysePromql(expr: string): PromqlAnalysis {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const metricNames = new Set<string>();
  const labelNames = new Set<string>();
  const cursor = tree.cursor();
  do {
    const node = cursor.type;
    if (node.isError) {
      const near = expr.slice(Math.max(0, cursor.from - 15), cursor.to + 15);
      errors.push(`syntax error at offset ${cursor.from} near ${JSON.stringify(near)}`);
    } else if (node.name === 'Identifier' && cursor.node.parent?.type.name === 'VectorSelector') {
      metricNames.add(expr.slice(cursor.from, cursor.to));
    } else if (node.name === 'LabelName') {
      labelNames.add(expr.slice(cursor.from, cursor.to));
    }
  } while (cursor.next());
  return { errors, metricNames, labelNames };
}

/** The label that tells apart the Pushgateways Prometheus scrapes (alerting/prometheusConfig.ts). */
export const PUSHGATEWAY_INSTANCE = 'instance';

/**
 * `series` as the freshest Pushgateway holds it, without its `instance`. With several
 * Pushgateways every group exists on each: this keeps, per group, the series of the one that
 * took the last push (highest `push_time_seconds`), so a Pushgateway that missed pushes cannot
 * show its older values, no alert fires twice, and an alert's labels stay the same whichever
 * Pushgateway answers. With one Pushgateway it is `series` itself.
 *
 * `series` may be any expression whose result keeps its group's labels (a selector, `rate`,
 * `max_over_time`…), of groups of `jobs`; none of its own labels may be named like a grouping
 * label (metrics/groups.ts).
 */
export function freshest(series: string, jobs: string | readonly string[]): string {
  const matcher = typeof jobs === 'string' ? `job=${quote(jobs)}` : `job=~${exactRegex(jobs)}`;
  const pushTime = `push_time_seconds{${matcher}}`;
  const latest = `${pushTime} == ignoring(${PUSHGATEWAY_INSTANCE}) group_left max without(${PUSHGATEWAY_INSTANCE}) (${pushTime})`;
  return `max without(${PUSHGATEWAY_INSTANCE}) (${series} and on(${PUSHGATEWAY_INSTANCE}, ${GROUPING_LABELS.join(', ')}) (${latest}))`;
}

/** A PromQL string literal holding a regular expression that matches exactly `values`. */
export function exactRegex(values: readonly string[]): string {
  const alternatives = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return JSON.stringify(alternatives.join('|'));
}

/** Clauses joined by `or`, one per line (one clause alone as it is). */
export function anyOf(clauses: readonly string[]): string {
  return clauses.length === 1 ? (clauses[0] as string) : `(\n  ${clauses.join('\n  or\n  ')}\n)`;
}

/** A PromQL string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}
