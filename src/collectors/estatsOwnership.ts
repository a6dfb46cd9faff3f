import type { EstatsSchedule, EstatsTarget } from '../akamai/targets';
import { JOB, LABEL } from '../metrics/catalogue';
import { estatsGroupingKey } from '../metrics/groups';
import type { PendingRemoval } from './discoveredTargets';
import type { CollectorRemoval } from './pipeline';
import { groupIdentity, keyOfListed } from './removal';

/** Deletions at once: a schedule drops few targets per deploy. */
const DELETE_CONCURRENCY = 4;

/**
 * The other schedules of the stage that collect the target's group: packaging lists them in
 * the target's `sharedWith`, so the group's owner mark (collectors/ownership.ts) names them
 * all, and a schedule that drops a shared target leaves its group to the others. (A target two
 * schedules dropped in the same deploy stays until the janitor's TTL.)
 */
export function sharedWith(target: EstatsTarget): readonly string[] {
  return target.sharedWith ?? [];
}

/**
 * The groups of eStats targets this schedule no longer collects; with run-time discovery, not
 * those of CP codes whose absence one answer alone says (`pending`, collectors/discoveredTargets.ts).
 */
export function estatsRemoval(
  schedule: EstatsSchedule,
  describe: CollectorRemoval['describe'],
  pending?: PendingRemoval,
): CollectorRemoval {
  const current = schedule.targets.map((t) => estatsGroupingKey(t));
  const collected = new Set(current.map(groupIdentity));
  const kept = (cpCode: string | undefined) =>
    cpCode !== undefined &&
    pending !== undefined &&
    (pending === 'all' || pending.has(Number(cpCode)));
  return {
    what: 'targets',
    logField: 'groups',
    current,
    // The pending CP codes count too: once confirmed, the check is due at once.
    state: pending === undefined ? '' : pending === 'all' ? 'all' : [...pending].sort().join(','),
    isRemoved: (group) =>
      group.labels.job === JOB.estats &&
      Boolean(group.labels[LABEL.cpCode] ?? group.labels[LABEL.url]) &&
      !kept(group.labels[LABEL.cpCode]) &&
      !collected.has(groupIdentity(keyOfListed(group))),
    concurrency: DELETE_CONCURRENCY,
    describe,
  };
}
