import { parseDuration } from '../alerting/duration';
import { keyOfListed } from '../collectors/removal';
import { JANITOR, JOB, LABEL } from '../metrics/catalogue';
import type { GroupingKey } from '../metrics/groups';
import { PushMetrics } from '../metrics/registry';
import type { PushgatewayClient, PushgatewayGroup } from '../pushgateway/client';
import { describeGroup } from '../pushgateway/grouping';
import type { Deadline } from '../shared/deadline';
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
 * The groups past their job's TTL, oldest first. Only jobs with a TTL are looked at (never
 * another job's groups); a group whose push time cannot be read is left alone; the run-health
 * group of a schedule still deployed is kept, so its stale alert keeps firing.
 */
export function expiredGroups(
  groups: readonly PushgatewayGroup[],
  policy: JanitorPolicy,
  nowSeconds: number,
): ExpiredGroup[] {
  const expired: Array<ExpiredGroup & { exactAge: number }> = [];
  for (const group of groups) {
    const job = group.labels.job as keyof JanitorPolicy['ttl'];
    const ttl = policy.ttl[job];
    if (ttl === undefined) continue;
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

function isDeployedRunHealth(group: PushgatewayGroup, policy: JanitorPolicy): boolean {
  const names = Object.keys(group.labels);
  const schedule = group.labels[LABEL.schedule];
  const job = group.labels.job as keyof JanitorPolicy['deployedSchedules'];
  return (
    names.length === 2 &&
    schedule !== undefined &&
    (policy.deployedSchedules[job] ?? []).includes(schedule)
  );
}

export interface JanitorSummary {
  stage: string;
  dryRun: boolean;
  groupsListed: number;
  expired: number;
  /** Deleted in this run (or, in a dry run, what would have been). */
  deleted: Array<{ group: string; ageSeconds: number }>;
  /** Expired, but past this run's bound: the next run takes them. */
  deferred: number;
  failed: Array<{ group: string; message: string }>;
  healthPushError?: string;
}

/**
 * One janitor run: list every group (nothing is deleted unless the whole list was read), find
 * the expired ones, delete at most `maxDeletesPerRun` of them, oldest first, then push its own
 * report. A dry run lists what it would delete and deletes nothing.
 */
export async function runJanitor(
  policy: JanitorPolicy,
  pushgateway: Pick<PushgatewayClient, 'listGroups' | 'delete' | 'put'>,
  deadline: Deadline,
  logger: Logger,
): Promise<JanitorSummary> {
  const groups = await pushgateway.listGroups(deadline);
  const expired = expiredGroups(groups, policy, Date.now() / 1000);
  const batch = expired.slice(0, policy.maxDeletesPerRun);
  const summary: JanitorSummary = {
    stage: policy.stage,
    dryRun: policy.dryRun,
    groupsListed: groups.length,
    expired: expired.length,
    deleted: [],
    deferred: expired.length - batch.length,
    failed: [],
  };
  const deletedByJob = new Map<string, number>();
  for (const entry of batch) {
    const described = { group: entry.group, ageSeconds: entry.ageSeconds };
    if (policy.dryRun) {
      logger.info('would delete an expired group (dry run)', described);
      summary.deleted.push(described);
      continue;
    }
    try {
      await pushgateway.delete(entry.key, deadline);
      summary.deleted.push(described);
      deletedByJob.set(entry.job, (deletedByJob.get(entry.job) ?? 0) + 1);
      logger.info('deleted an expired group', described);
    } catch (error) {
      summary.failed.push({ group: entry.group, message: describeError(error) });
      logger.error('cannot delete an expired group', { group: entry.group, error });
    }
  }
  try {
    const metrics = new PushMetrics();
    for (const job of Object.keys(policy.ttl)) {
      const found = expired.filter((e) => e.job === job).length;
      metrics.family(JANITOR.expiredGroups).set({ [LABEL.collectorJob]: job }, found);
      metrics
        .family(JANITOR.deletedGroups)
        .set({ [LABEL.collectorJob]: job }, deletedByJob.get(job) ?? 0);
    }
    metrics.family(JANITOR.lastRunTimestamp).set(Date.now() / 1000);
    await pushgateway.put(
      { job: JOB.janitor, labels: { [LABEL.stage]: policy.stage } },
      await metrics.text(),
      deadline,
    );
  } catch (error) {
    summary.healthPushError = describeError(error);
    logger.error('cannot push the janitor report', { error });
  }
  return summary;
}
