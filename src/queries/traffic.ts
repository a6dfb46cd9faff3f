import { LABEL, TRAFFIC } from '../metrics/catalogue';
import { GROUP_KINDS } from '../metrics/groups';
import { on } from './promql';
import { freshestCopy } from './recorded';

/** Labels that identify one CP code's traffic group. */
export const TRAFFIC_LABELS = GROUP_KINDS.trafficTarget.labels;
/** Two series of the same CP code's traffic meet on these. */
export const ON_CP_CODE = on(TRAFFIC_LABELS);

/**
 * How far back a read finds a CP code's newest bucket. Remote write stores each bucket at its
 * end, at least the final lag (20 minutes) in the past, past Prometheus' 5-minute lookback of
 * an instant query: every traffic read takes the newest sample within this range instead. On
 * the Pushgateway's data it is the current value.
 */
export const NEWEST_BUCKET_RANGE = '1h';

const newest = (metric: string) =>
  freshestCopy('trafficTarget', metric, { fn: 'last_over_time', range: NEWEST_BUCKET_RANGE });

/** The freshest copy of each traffic series that alerts and dashboards read. */
export const TRAFFIC_RECORDED = {
  up: newest(TRAFFIC.up.name),
  failureInfo: newest(TRAFFIC.failureInfo.name),
  hits: newest(TRAFFIC.hits.name),
  bytes: newest(TRAFFIC.bytes.name),
  hitOffload: newest(TRAFFIC.hitOffloadRatio.name),
  byteOffload: newest(TRAFFIC.byteOffloadRatio.name),
  bucketEnd: newest(TRAFFIC.bucketEnd.name),
} as const;

/** A CP code's average hits per bucket over `range`: the baseline of an origin surge. */
export const hitsAverageOver = (range: string) =>
  freshestCopy('trafficTarget', TRAFFIC.hits.name, { fn: 'avg_over_time', range });

/** The newest bucket end of each CP code within `range`: how late its data is. */
export const bucketEndWithin = (range: string) =>
  freshestCopy('trafficTarget', TRAFFIC.bucketEnd.name, { fn: 'max_over_time', range });

/**
 * `expr` (series of CP codes' traffic) with each named CP code's `name` label joined from its
 * info series; a CP code without a name stays as it is.
 */
export function withCpCodeName(expr: string): string {
  const names = `topk by (${TRAFFIC_LABELS.join(', ')}) (1, group by (${[...TRAFFIC_LABELS, LABEL.targetName].join(', ')}) (last_over_time(${TRAFFIC.targetInfo.name}[${NEWEST_BUCKET_RANGE}])))`;
  return `(${expr}) * ${ON_CP_CODE} group_left(${LABEL.targetName}) ${names} or ${ON_CP_CODE} (${expr})`;
}

/**
 * Each CP code of the traffic groups once, with its name where it has one: the values of the
 * traffic dashboard's CP code variable (read with CP_CODE_VARIABLE_REGEX, queries/estats.ts).
 */
export const TRAFFIC_CP_CODES_WITH_NAMES = `group by (${LABEL.cpCode}, ${LABEL.targetName}) (last_over_time(${TRAFFIC.targetInfo.name}[${NEWEST_BUCKET_RANGE}])) or on(${LABEL.cpCode}) group by (${LABEL.cpCode}) (last_over_time(${TRAFFIC.up.name}[${NEWEST_BUCKET_RANGE}]))`;
