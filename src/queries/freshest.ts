import { GROUP_KINDS, type GroupKind } from '../metrics/groups';
import { jobMatcher, on } from './promql';

/** The label that tells apart the Pushgateways Prometheus scrapes (alerting/prometheusConfig.ts). */
export const PUSHGATEWAY_INSTANCE = 'instance';

/**
 * `series` as the freshest Pushgateway holds it, without its `instance`. With several
 * Pushgateways every group exists on each: this keeps, per group, the series of the one that
 * took the last push (highest `push_time_seconds`), so a Pushgateway that missed pushes cannot
 * show its older values, no alert fires twice, and an alert's labels stay the same whichever
 * Pushgateway answers. With one Pushgateway, or remote write, it is `series` itself.
 *
 * `series` may be any expression whose result keeps its group's labels (a selector, `rate`,
 * `max_over_time`…) of groups of `kind`; it is matched to its group's push time on that kind's
 * grouping labels only (metrics/groups.ts). Rules record it once per metric (recorded.ts);
 * nothing else should write it out.
 */
export function freshest(series: string, kind: GroupKind): string {
  const pushTime = `push_time_seconds{${jobMatcher(kind.jobs)}}`;
  const latest = `${pushTime} == ignoring(${PUSHGATEWAY_INSTANCE}) group_left max without(${PUSHGATEWAY_INSTANCE}) (${pushTime})`;
  return `max without(${PUSHGATEWAY_INSTANCE}) (${series} and ${on([PUSHGATEWAY_INSTANCE, ...kind.labels])} (${latest}))`;
}

/**
 * The newest value of `series` within `range`, whichever Pushgateway (if any) held it. Unlike
 * an instant read, it still answers minutes after a remote-written series ended.
 */
export function newestWithin(series: string, range: string): string {
  return `max without(${PUSHGATEWAY_INSTANCE}) (max_over_time(${series}[${range}]))`;
}

/** The level of a recorded series' name: the group it is the freshest copy of. */
export const LEVEL: Record<keyof typeof GROUP_KINDS, string> = {
  estatsTarget: 'target',
  trafficTarget: 'cpcode',
  device: 'device',
  runHealth: 'schedule',
  janitor: 'stage',
};
