import { ESTATS, LABEL } from '../metrics/catalogue';
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

/**
 * One name per target, from its info series (akamai_estats_target_info): one copy however
 * many Pushgateways hold it, and one name while a rename is on its way to all of them.
 */
export const TARGET_NAMES = `topk by (${TARGET_LABELS.join(', ')}) (1, group by (${[...TARGET_LABELS, LABEL.targetName].join(', ')}) (${ESTATS.targetInfo.name}))`;

/**
 * `expr` (series of eStats targets) with each named target's `name` label joined from its
 * info series; a target without a name stays as it is. For legends and tables: alerts name
 * their target in their text instead (alerting/rules/text.ts).
 */
export function withTargetName(expr: string): string {
  return `(${expr}) * ${ON_TARGET} group_left(${LABEL.targetName}) ${TARGET_NAMES} or ${ON_TARGET} (${expr})`;
}

/**
 * Each CP code once, with its name where it has one: the values of a dashboard variable that
 * shows names (query_result, read with CP_CODE_VARIABLE_REGEX).
 */
export const CP_CODES_WITH_NAMES = `group by (${LABEL.cpCode}, ${LABEL.targetName}) (${ESTATS.targetInfo.name}{${LABEL.cpCode}!=""}) or on(${LABEL.cpCode}) group by (${LABEL.cpCode}) (${ESTATS.up.name}{${LABEL.cpCode}!=""})`;

/** Grafana's regex over query_result lines: the CP code is the value, its name the text. */
export const CP_CODE_VARIABLE_REGEX = `/${LABEL.cpCode}="(?<value>[^"]+)"(?:.*?${LABEL.targetName}="(?<text>[^"]*)")?/`;
