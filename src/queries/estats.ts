import { ESTATS } from '../metrics/catalogue';
import { GROUP_KINDS } from '../metrics/groups';
import { on } from './promql';
import { freshestCopy } from './recorded';

/** Labels that identify one eStats target (its Pushgateway group). */
export const TARGET_LABELS = GROUP_KINDS.estatsTarget.labels;
/** Two series of the same eStats target meet on these. */
export const ON_TARGET = on(TARGET_LABELS);

/** The freshest copy of each eStats series that alerts and dashboards read. */
export const ESTATS_RECORDED = {
  up: freshestCopy('estatsTarget', ESTATS.up.name),
  failureInfo: freshestCopy('estatsTarget', ESTATS.failureInfo.name),
  hits: freshestCopy('estatsTarget', ESTATS.hits.name),
  errors: freshestCopy('estatsTarget', ESTATS.errors.name),
  failureRatio: freshestCopy('estatsTarget', ESTATS.failureRatio.name),
  statusHits: freshestCopy('estatsTarget', ESTATS.statusHits.name),
  statusClassRatio: freshestCopy('estatsTarget', ESTATS.statusClassRatio.name),
  topErrorEdgeIpHits: freshestCopy('estatsTarget', ESTATS.topErrorEdgeIpHits.name),
} as const;

/** The most hits of a target's samples over `range`: the traffic it had before it vanished. */
export const hitsMaxOverTime = (range: string) =>
  freshestCopy('estatsTarget', ESTATS.hits.name, { fn: 'max_over_time', range });
