import { createHash } from 'node:crypto';
import { REMOVED_GROUPS_RECHECK_MS } from '../constants';
import { describeGroup, type GroupingKey, runHealthGroupingKey } from '../metrics/groups';
import { mapSettled } from '../shared/concurrency';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import type { GroupStore, ListedGroup } from '../sinks/types';
import { ownedAlone } from './ownership';

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

/** Whether `owner` (a schedule of a stage) should look for removed groups now. */
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
export function keyOfListed(group: ListedGroup): GroupingKey {
  const { job = '', ...labels } = group.labels;
  return { job, labels };
}

export interface Removal {
  /** Who looks: a schedule of a stage. Only groups it alone wrote are looked at. */
  owner: { stage: string; schedule: string; job: string };
  /** The groups it has now: when they change, it looks at once. */
  current: readonly GroupingKey[];
  /** Anything else `isRemoved` reads: when it changes, it looks at once too. */
  state?: string;
  /** A listed group of this owner's that it no longer has. */
  isRemoved(group: ListedGroup): boolean;
  /** Deletions at once. */
  concurrency: number;
}

/** What a removal check did. */
export interface RemovalOutcome {
  /** Each group deleted, once, wherever it was. */
  deleted: GroupingKey[];
  /**
   * Pushgateways whose groups could not be listed while another's could: unreachable, most
   * likely (the run's delivery report shows it too). Their removed groups wait for a later run.
   */
  deferredOn: string[];
}

/**
 * When due (the owner's groups changed, or an hour passed): on each Pushgateway, list the
 * groups, pick the ones `isRemoved` says this owner no longer has, delete them (several at
 * once). A Pushgateway that cannot be listed is left for a later run, which looks again until
 * every one was cleaned; throws when no Pushgateway could be listed, or a deletion failed,
 * naming each.
 */
export async function deleteRemovedGroups(
  removal: Removal,
  stores: readonly GroupStore[],
  deadline: Deadline,
): Promise<RemovalOutcome> {
  // No sink keeps groups (no Pushgateway): nothing to delete.
  if (stores.length === 0) return { deleted: [], deferredOn: [] };
  const listKey = `${keyOfList(removal.current)}:${removal.state ?? ''}`;
  const { stage, schedule, job } = removal.owner;
  const owner = `${job} ${stage}/${schedule}`;
  if (!removalCheckDue(owner, listKey)) return { deleted: [], deferredOn: [] };
  const several = stores.length > 1;
  const deleted = new Map<string, GroupingKey>();
  const failures: string[] = [];
  const unlisted: Array<{ name: string; message: string }> = [];
  for (const store of stores) {
    const { name } = store;
    const where = several ? ` on ${name}` : '';
    let outcome: Awaited<ReturnType<typeof deleteOn>>;
    try {
      outcome = await deleteOn(store, removal, deadline);
    } catch (error) {
      unlisted.push({ name, message: `cannot list the groups${where}: ${describeError(error)}` });
      continue;
    }
    for (const key of outcome.deleted) deleted.set(groupIdentity(key), key);
    failures.push(...outcome.failures.map((failure) => `${failure}${where}`));
  }
  const nothingListed = unlisted.length === stores.length;
  if (failures.length > 0 || nothingListed)
    throw new CollectorError(
      `could not delete every removed group: ${[...unlisted.map((u) => u.message), ...failures].join('; ')}`,
    );
  const deferredOn = unlisted.map((u) => u.name);
  if (deferredOn.length === 0) lastCheck.set(owner, { listKey, at: Date.now() });
  return { deleted: [...deleted.values()], deferredOn };
}

async function deleteOn(
  store: GroupStore,
  { owner, isRemoved, concurrency }: Removal,
  deadline: Deadline,
): Promise<{ deleted: GroupingKey[]; failures: string[] }> {
  const groups = await store.listGroups(deadline);
  // Its own run-health group is marked as its own too, and stays.
  const health = groupIdentity(runHealthGroupingKey(owner.job, owner.schedule));
  const keys = groups
    .filter(
      (group) =>
        ownedAlone(group, owner.stage, owner.schedule) &&
        groupIdentity(keyOfListed(group)) !== health &&
        isRemoved(group),
    )
    .map(keyOfListed);
  const results = await mapSettled(keys, concurrency, (key) => store.delete(key, deadline));
  return {
    deleted: keys.filter((_key, i) => results[i]?.status === 'fulfilled'),
    failures: results.flatMap((r, i) =>
      r.status === 'rejected'
        ? [`${describeGroup(keys[i] ?? { job: '' })}: ${describeError(r.reason)}`]
        : [],
    ),
  };
}
