import { createHash } from 'node:crypto';
import { REMOVED_GROUPS_RECHECK_MS } from '../constants';
import type { GroupingKey } from '../metrics/groups';
import type { PushgatewayClient, PushgatewayGroup } from '../pushgateway/client';
import { describeGroup } from '../pushgateway/grouping';
import { mapSettled } from '../shared/concurrency';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';

/**
 * The Pushgateway never forgets a group: a target or device taken out of the configuration
 * would keep its last values, and its stale alert, forever. Each collector deletes the groups
 * it owns and no longer has, shortly after its configuration changed.
 *
 * Listing groups is the Pushgateway's heaviest call (everything it holds, as JSON), and a
 * group can only go away when the configuration changes. So a warm container lists again only
 * when its list of groups changed, or after an hour: that covers a container still running an
 * older configuration during a deploy and pushing a group the new one already deleted.
 */
const lastCheck = new Map<string, { listKey: string; at: number }>();

/** Whether `owner` (a fleet, a schedule) should look for removed groups now. */
function removalCheckDue(owner: string, listKey: string): boolean {
  const last = lastCheck.get(owner);
  return !last || last.listKey !== listKey || Date.now() - last.at >= REMOVED_GROUPS_RECHECK_MS;
}

/** For tests: forget when removed groups were last looked for. */
export function resetRemovalChecksForTests(): void {
  lastCheck.clear();
}

function keyOfList(keys: readonly GroupingKey[]): string {
  return createHash('sha256').update(keys.map(groupIdentity).sort().join('\n')).digest('hex');
}

/** A group's identity: its job and label set, whatever their order. */
export function groupIdentity(key: GroupingKey): string {
  const labels = Object.entries(key.labels ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([key.job, labels]);
}

/** The grouping key of a listed group. */
export function keyOfListed(group: PushgatewayGroup): GroupingKey {
  const { job = '', ...labels } = group.labels;
  return { job, labels };
}

export interface Removal {
  /** Who looks: a fleet, a schedule. */
  owner: string;
  /** The groups it has now: when they change, it looks at once. */
  current: readonly GroupingKey[];
  /** A listed group this owner had and no longer has. */
  isRemoved(group: PushgatewayGroup): boolean;
  /** Deletions at once. */
  concurrency: number;
}

/**
 * When due (the owner's groups changed, or an hour passed): list the groups, pick the ones
 * `isRemoved` says this owner no longer has, delete them (several at once). Returns what was
 * deleted; throws naming every group it could not delete, and looks again on the next run.
 */
export async function deleteRemovedGroups(
  removal: Removal,
  pushgateway: Pick<PushgatewayClient, 'listGroups' | 'delete'>,
  deadline: Deadline,
): Promise<GroupingKey[]> {
  const { owner, isRemoved, concurrency } = removal;
  const listKey = keyOfList(removal.current);
  if (!removalCheckDue(owner, listKey)) return [];
  const groups = await pushgateway.listGroups(deadline);
  const keys = groups.filter(isRemoved).map(keyOfListed);
  const results = await mapSettled(keys, concurrency, (key) => pushgateway.delete(key, deadline));
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [`${describeGroup(keys[i] ?? { job: '' })}: ${describeError(r.reason)}`]
      : [],
  );
  if (failures.length > 0)
    throw new CollectorError(
      `could not delete ${failures.length} removed group(s): ${failures.join('; ')}`,
    );
  lastCheck.set(owner, { listKey, at: Date.now() });
  return keys;
}
