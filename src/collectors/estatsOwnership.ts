import type { EstatsSchedule, EstatsTarget } from '../akamai/targets';
import { ESTATS, JOB, LABEL } from '../metrics/catalogue';
import { estatsGroupingKey, type GroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import type { GroupStore, ListedGroup } from '../sinks/types';
import type { Deadline } from '../shared/deadline';
import { deleteRemovedGroups, groupIdentity, keyOfListed, type RemovalOutcome } from './removal';

/** Deletions at once: a schedule drops few targets per deploy. */
const DELETE_CONCURRENCY = 4;

/**
 * Which eStats groups a schedule owns. Every group it pushes carries
 * `akamai_estats_group_info{stage, schedules}`: the stage that deployed the schedule and every
 * schedule of that stage that collects the target (packaging lists the others in the target's
 * `sharedWith`). A schedule deletes the group of a target it no longer has only when the group
 * says it was the only collector, in its own stage: two schedules sharing a target, or two
 * stages sharing a Pushgateway, never delete each other's groups. (A target two schedules
 * dropped in the same deploy stays until the janitor's TTL.)
 */
export function ownersOf(schedule: EstatsSchedule, target: EstatsTarget): string {
  return [...new Set([schedule.name, ...(target.sharedWith ?? [])])].sort().join(',');
}

/** Adds the owner marker to a target's group (nothing without a stage: nothing is deleted). */
export function markOwner(
  metrics: PushMetrics,
  schedule: EstatsSchedule,
  target: EstatsTarget,
): PushMetrics {
  if (schedule.stage)
    metrics
      .family(ESTATS.groupInfo)
      .set({ [LABEL.stage]: schedule.stage, [LABEL.schedules]: ownersOf(schedule, target) }, 1);
  return metrics;
}

function ownerOf(group: ListedGroup): { stage?: string; schedules?: string } {
  const labels = group.series[ESTATS.groupInfo.name]?.[0]?.labels ?? {};
  return { stage: labels[LABEL.stage], schedules: labels[LABEL.schedules] };
}

/**
 * Delete the groups this schedule alone owned and no longer collects: when its target list
 * changed, or hourly (collectors/removal.ts). Returns the groups deleted, and the group
 * stores left for a later run.
 */
export async function deleteDroppedTargets(
  schedule: EstatsSchedule,
  stores: readonly GroupStore[],
  deadline: Deadline,
): Promise<RemovalOutcome> {
  const { stage } = schedule;
  if (!stage) return { deleted: [], deferredOn: [] };
  const current: GroupingKey[] = schedule.targets.map((t) => estatsGroupingKey(t));
  const collected = new Set(current.map(groupIdentity));
  return deleteRemovedGroups(
    {
      owner: `estats ${stage}/${schedule.name}`,
      current,
      isRemoved: (group) => {
        if (group.labels.job !== JOB.estats) return false;
        const marker = ownerOf(group);
        return (
          marker.stage === stage &&
          marker.schedules === schedule.name &&
          !collected.has(groupIdentity(keyOfListed(group)))
        );
      },
      concurrency: DELETE_CONCURRENCY,
    },
    stores,
    deadline,
  );
}
