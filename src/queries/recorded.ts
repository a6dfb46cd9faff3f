import { GROUP_KINDS } from '../metrics/groups';
import { freshest, LEVEL } from './freshest';
import { jobMatcher } from './promql';

/**
 * A series recorded once by a recording rule, read by alerts and dashboards under its record
 * name. Its name follows Prometheus' `level:metric:operations` convention.
 */
export interface RecordedSeries {
  record: string;
  expr: string;
  /** Labels the rule sets on what it records (a constant series says what it stands for). */
  labels?: Readonly<Record<string, string>>;
}

/** What is taken of a series before its freshest copy is kept, over `range`. */
export interface RangeOperation {
  fn: 'rate' | 'increase' | 'changes' | 'max_over_time' | 'last_over_time' | 'avg_over_time';
  range: string;
}

/**
 * The freshest copy of `metric` across Pushgateways, per group of `kind` (freshest.ts), as a
 * recorded series: `target:akamai_estats_hits:freshest`. Counters take `rate()`, `increase()`
 * or `changes()` on each Pushgateway first, then the freshest of those: deduplicating the raw
 * counter would make a switch to the other Pushgateway look like a counter reset.
 */
export function freshestCopy(
  kind: keyof typeof GROUP_KINDS,
  metric: string,
  operation?: RangeOperation,
): RecordedSeries {
  const group = GROUP_KINDS[kind];
  const selector = `${metric}{${jobMatcher(group.jobs)}}`;
  const series = operation ? `${operation.fn}(${selector}[${operation.range}])` : selector;
  // Prometheus' convention: a rate or increase of a counter drops its _total.
  const name =
    operation?.fn === 'rate' || operation?.fn === 'increase'
      ? metric.replace(/_total$/, '')
      : metric;
  const operations = operation ? `freshest_${operation.fn}${operation.range}` : 'freshest';
  return { record: `${LEVEL[kind]}:${name}:${operations}`, expr: freshest(series, group) };
}
