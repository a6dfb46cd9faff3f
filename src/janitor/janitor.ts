import { parseDuration } from '../alerting/duration';
import { ownerOf } from '../collectors/ownership';
import { groupIdentity, keyOfListed } from '../collectors/removal';
import { JANITOR, LABEL } from '../metrics/catalogue';
import { describeGroup, type GroupingKey, janitorGroupingKey } from '../metrics/groups';
import { PushMetrics } from '../metrics/registry';
import type { Deadline } from '../shared/deadline';
import type { Deliveries } from '../sinks/deliveries';
import type { GroupStore, ListedGroup } from '../sinks/types';
import { describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { JanitorPolicy } from './policy';

export interface ExpiredGroup {
  key: GroupingKey;
  group: string;
  job: string;
  ageSeconds: number;
}

/**
 * The groups past their job's TTL, oldest first. Only groups this stage wrote (their owner
 * mark, collectors/ownership.ts) of jobs with a TTL are looked at: never another stage's,
 * another team's or an unmarked group. A group whose push time cannot be read is left alone;
 * the run-health group of a schedule still deployed is kept, so its stale alert keeps firing.
 */
export function expiredGroups(
  groups: readonly ListedGroup[],
  policy: JanitorPolicy,
  nowSeconds: number,
): ExpiredGroup[] {
  const expired: Array<ExpiredGroup & { exactAge: number }> = [];
  for (const group of groups) {
    const job = group.labels.job ?? '';
    const ttl = ttlOf(group, policy);
    if (ttl === undefined || ownerOf(group)?.stage !== policy.stage) continue;
    const pushed = Number(group.series.push_time_seconds?.[0]?.value);
    if (!Number.isFinite(pushed) || pushed <= 0) continue;
    if (isDeployedRunHealth(group, policy)) continue;
    const ageSeconds = nowSeconds - pushed;
    if (ageSeconds <= (parseDuration(ttl) ?? Number.POSITIVE_INFINITY)) continue;
    const key = keyOfListed(group);
    expired.push({
      key,
      group: describeGroup(key),
      job,
      ageSeconds: Math.round(ageSeconds),
      exactAge: ageSeconds,
    });
  }
  return expired
    .sort((a, b) => b.exactAge - a.exactAge)
    .map(({ exactAge: _exact, ...entry }) => entry);
}

/** The TTL of a group's job: one of ours, or the target group of a job one of ours fetches. */
function ttlOf(group: ListedGroup, policy: JanitorPolicy): string | undefined {
  const job = group.labels.job ?? '';
  const own = policy.ttl[job as keyof JanitorPolicy['ttl']];
  if (own !== undefined) return own;
  const names = Object.keys(group.labels).sort().join(',');
  const fetchedBy = policy.targetJobs[job];
  return fetchedBy !== undefined && names === TARGET_LABELS ? policy.ttl[fetchedBy] : undefined;
}

/** A target group is `{job, instance}` exactly, as Prometheus names a target. */
const TARGET_LABELS = ['instance', LABEL.job].sort().join(',');

/** A run-health group is `{job, schedule}` exactly: a group with any other label is not one. */
const RUN_HEALTH_LABELS = [LABEL.job, LABEL.schedule].sort().join(',');

function isDeployedRunHealth(group: ListedGroup, policy: JanitorPolicy): boolean {
  const schedule = group.labels[LABEL.schedule];
  const job = group.labels.job as keyof JanitorPolicy['deployedSchedules'];
  return (
    Object.keys(group.labels).sort().join(',') === RUN_HEALTH_LABELS &&
    schedule !== undefined &&
    (policy.deployedSchedules[job] ?? []).includes(schedule)
  );
}

export interface JanitorSummary {
  stage: string;
  dryRun: boolean;
  /** Groups listed, summed over the Pushgateways. */
  groupsListed: number;
  /** Expired groups (each once, however many Pushgateways hold it). */
  expired: number;
  /** Deleted in this run (or, in a dry run, what would have been). */
  deleted: Array<{ group: string; ageSeconds: number; pushgateway?: string }>;
  /** Expired, but past this run's bound: the next run takes them. */
  deferred: number;
  failed: Array<{ group: string; message: string; pushgateway?: string }>;
  /** With several Pushgateways: those whose group list could not be read (nothing deleted there). */
  unlisted?: Array<{ pushgateway: string; message: string }>;
  healthPushError?: string;
}

/**
 * One janitor run, on each Pushgateway in turn: list every group (nothing is deleted on a
 * Pushgateway unless its whole list was read), find the expired ones, delete at most
 * `maxDeletesPerRun` of them, oldest first; then push its own report to all. A dry run lists
 * what it would delete and deletes nothing. Throws when no list could be read at all.
 */
export async function runJanitor(
  policy: JanitorPolicy,
  sinks: Pick<Deliveries, 'groupStores' | 'put'>,
  deadline: Deadline,
  logger: Logger,
): Promise<JanitorSummary> {
  const stores = sinks.groupStores;
  const several = stores.length > 1;
  const summary: JanitorSummary = {
    stage: policy.stage,
    dryRun: policy.dryRun,
    groupsListed: 0,
    expired: 0,
    deleted: [],
    deferred: 0,
    failed: [],
  };
  const expiredByJob = new Map<string, Set<string>>();
  const deletedByJob = new Map<string, Set<string>>();
  const unlisted: Array<{ pushgateway: string; message: string; error: unknown }> = [];
  for (const store of stores) {
    const { name } = store;
    let groups: ListedGroup[];
    try {
      groups = await store.listGroups(deadline);
    } catch (error) {
      unlisted.push({ pushgateway: name, message: describeError(error), error });
      logger.error('cannot list the groups of a Pushgateway; nothing deleted there', {
        pushgateway: name,
        error,
      });
      continue;
    }
    const outcome = await expireOn(
      store,
      groups,
      policy,
      deadline,
      logger,
      several ? name : undefined,
    );
    summary.groupsListed += groups.length;
    summary.deferred += outcome.deferred;
    summary.deleted.push(...outcome.deleted);
    summary.failed.push(...outcome.failed);
    for (const entry of outcome.expired) addTo(expiredByJob, entry.job, groupIdentity(entry.key));
    for (const entry of outcome.deletedGroups)
      addTo(deletedByJob, entry.job, groupIdentity(entry.key));
  }
  // Nothing read anywhere: a failed run, as with one Pushgateway (nothing to report on).
  if (unlisted.length === stores.length) throw unlisted[0]?.error;
  if (unlisted.length > 0)
    summary.unlisted = unlisted.map(({ pushgateway, message }) => ({ pushgateway, message }));
  summary.expired = [...expiredByJob.values()].reduce((sum, groups) => sum + groups.size, 0);
  try {
    const metrics = new PushMetrics();
    for (const job of Object.keys(policy.ttl)) {
      const labels = { [LABEL.collectorJob]: job };
      metrics.family(JANITOR.expiredGroups).set(labels, expiredByJob.get(job)?.size ?? 0);
      metrics.family(JANITOR.deletedGroups).set(labels, deletedByJob.get(job)?.size ?? 0);
    }
    metrics.family(JANITOR.lastRunTimestamp).set(Date.now() / 1000);
    await sinks.put(janitorGroupingKey(policy.stage), metrics, deadline);
  } catch (error) {
    summary.healthPushError = describeError(error);
    logger.error('cannot push the janitor report', { error });
  }
  return summary;
}

/** One Pushgateway's share of a run: its expired groups, at most the bound deleted. */
async function expireOn(
  store: Pick<GroupStore, 'delete'>,
  groups: readonly ListedGroup[],
  policy: JanitorPolicy,
  deadline: Deadline,
  logger: Logger,
  /** Named in the summary and logs when there are several. */
  pushgateway: string | undefined,
): Promise<
  Pick<JanitorSummary, 'deleted' | 'failed' | 'deferred'> & {
    expired: ExpiredGroup[];
    deletedGroups: ExpiredGroup[];
  }
> {
  const where = pushgateway ? { pushgateway } : {};
  const expired = expiredGroups(groups, policy, Date.now() / 1000);
  const batch = expired.slice(0, policy.maxDeletesPerRun);
  const outcome = {
    expired,
    deferred: expired.length - batch.length,
    deleted: [] as JanitorSummary['deleted'],
    failed: [] as JanitorSummary['failed'],
    deletedGroups: [] as ExpiredGroup[],
  };
  for (const entry of batch) {
    const described = { group: entry.group, ageSeconds: entry.ageSeconds, ...where };
    if (policy.dryRun) {
      logger.info('would delete an expired group (dry run)', described);
      outcome.deleted.push(described);
      continue;
    }
    try {
      await store.delete(entry.key, deadline);
      outcome.deleted.push(described);
      outcome.deletedGroups.push(entry);
      logger.info('deleted an expired group', described);
    } catch (error) {
      outcome.failed.push({ group: entry.group, message: describeError(error), ...where });
      logger.error('cannot delete an expired group', { group: entry.group, ...where, error });
    }
  }
  return outcome;
}

function addTo(map: Map<string, Set<string>>, job: string, identity: string): void {
  const set = map.get(job) ?? new Set<string>();
  set.add(identity);
  map.set(job, set);
}
