import { COLLECTOR } from '../metrics/catalogue';
import type { GroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import type { Deadline } from '../shared/deadline';
import { describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { ListedGroup } from '../sinks/types';
import type { GroupOwner } from './ownership';
import { deleteRemovedGroups } from './removal';
import {
  finishRun,
  type GroupResult,
  type GroupRun,
  type RunDelivery,
  runGroups,
  type RunSinks,
} from './runner';

/** A group that did not make it, as runGroups reports it. */
export type FailedGroup<T> = Extract<GroupResult<T>, { ok: false }>;

/**
 * What removal means for a collector: which of its groups it no longer has. Only groups its
 * own stage and schedule alone wrote are ever looked at (collectors/ownership.ts).
 */
export interface CollectorRemoval {
  /** What its groups are of, in the log lines: `targets`, `devices`. */
  what: string;
  /** The log field that lists what was deleted. */
  logField: string;
  /** The groups it has now: when they change, it looks at once (collectors/removal.ts). */
  current: readonly GroupingKey[];
  /** Anything else `isRemoved` reads: when it changes, it looks at once too. */
  state?: string;
  /** A group of its own it no longer has. */
  isRemoved(group: ListedGroup): boolean;
  /** Deletions at once. */
  concurrency: number;
  /** How the summary names a deleted group. */
  describe(key: GroupingKey): string;
}

/**
 * What is a collector's own in a run: its groups and how to produce each (runner.ts), how
 * its summary names a failure, and what removal means for it. Everything else is the run.
 */
export interface Collector<T, F> extends Pick<
  GroupRun<T>,
  'items' | 'keyOf' | 'concurrency' | 'produce' | 'failureSeries'
> {
  /** The job of its groups, and the schedule (or fleet) its health group is named after. */
  job: string;
  schedule: string;
  /**
   * The stage that deployed the schedule (its event says): every group is marked as this
   * stage's and this schedule's. Without one (an input written by hand) nothing is marked,
   * and removal deletes nothing.
   */
  stage: string | undefined;
  /** Other schedules of the stage that collect the item's group (eStats targets listed twice). */
  sharedWith?(item: T): readonly string[];
  /** A failed group as the summary lists it. */
  failureOf(result: FailedGroup<T>): F;
  /** Called as each group finishes, to log it while the run goes on. */
  log(result: GroupResult<T>): void;
  removal: CollectorRemoval;
  /** Fields every removal log line carries (e.g. the fleet). */
  logContext?: Record<string, string>;
  /** Series of its own in the run's health group (e.g. the fleet's size). */
  addHealthMetrics?(metrics: PushMetrics): void;
}

/** What a run did, before each collector words it as its summary. */
export interface CollectorOutcome<F> extends RunDelivery {
  ok: number;
  failed: F[];
  seriesPushed: number;
  durationSeconds: number;
  /** Groups of what it no longer has, deleted in this run. */
  removed: string[];
  /** Group stores that could not be searched for removed groups: the next run does. */
  removalDeferredOn?: string[];
  removalError?: string;
}

/**
 * The one run of every collector: produce and deliver each group (runner.ts), delete the
 * groups of what it no longer has, then report on the run in its health group, last. A
 * failed removal is counted as a failure of the run, and never stops the report.
 */
export async function runCollector<T, F>(
  collector: Collector<T, F>,
  sinks: RunSinks,
  deadline: Deadline,
  logger: Logger,
): Promise<CollectorOutcome<F>> {
  const started = performance.now();
  const { items, keyOf, concurrency, produce, failureSeries, stage, schedule } = collector;
  const ownerOf = (shared: readonly string[] = []): GroupOwner | undefined =>
    stage === undefined ? undefined : { stage, schedules: [schedule, ...shared] };
  const results = await runGroups({
    items,
    keyOf,
    concurrency,
    produce,
    ...(failureSeries ? { failureSeries } : {}),
    ownerOf: (item) => ownerOf(collector.sharedWith?.(item)),
    onResult: (result) => {
      if (result.ok && result.refused !== undefined)
        logger.warn(
          'a sink refused a group as such (the Pushgateway: inconsistent with another group; remote write: a 4xx): it holds the failure series (up 0) instead',
          { group: result.group, error: describeError(result.refused) },
        );
      collector.log(result);
    },
    sink: sinks,
    deadline,
    logger,
  });
  const delivered = results.flatMap((r) => (r.ok ? [r] : []));
  const failed = results.flatMap((r) => (r.ok ? [] : [collector.failureOf(r)]));
  const removal = await removeVanished(collector, sinks, deadline, logger);
  const durationSeconds = Math.round(performance.now() - started) / 1000;
  const delivery = await finishRun(
    sinks,
    {
      job: collector.job,
      schedule: collector.schedule,
      durationSeconds,
      okTargets: delivered.length,
      failedTargets: failed.length + (removal.removalError ? 1 : 0),
      endedAt: new Date(),
    },
    deadline,
    logger,
    (metrics) => {
      const refused = delivered.filter((r) => r.refused !== undefined).length;
      metrics.family(COLLECTOR.refusedGroups).set(refused);
      collector.addHealthMetrics?.(metrics);
    },
    ownerOf(),
  );
  return {
    ok: delivered.length,
    failed,
    seriesPushed: delivered.reduce((sum, r) => sum + r.series, 0),
    durationSeconds,
    ...removal,
    ...delivery,
  };
}

async function removeVanished<T, F>(
  { removal, logContext = {}, job, schedule, stage }: Collector<T, F>,
  sinks: RunSinks,
  deadline: Deadline,
  logger: Logger,
): Promise<Pick<CollectorOutcome<F>, 'removed' | 'removalDeferredOn' | 'removalError'>> {
  // Unmarked groups are nobody's to delete: a run without a stage removes nothing.
  if (stage === undefined) return { removed: [] };
  try {
    const { deleted, deferredOn } = await deleteRemovedGroups(
      {
        owner: { stage, schedule, job },
        current: removal.current,
        ...(removal.state ? { state: removal.state } : {}),
        isRemoved: removal.isRemoved,
        concurrency: removal.concurrency,
      },
      sinks.groupStores,
      deadline,
    );
    const removed = deleted.map((key) => removal.describe(key));
    if (removed.length > 0)
      logger.info(`deleted the groups of removed ${removal.what}`, {
        ...logContext,
        [removal.logField]: removed,
      });
    if (deferredOn.length === 0) return { removed };
    logger.warn(
      `cannot look for groups of removed ${removal.what} on some Pushgateways; the next run does`,
      { ...logContext, pushgateways: deferredOn },
    );
    return { removed, removalDeferredOn: deferredOn };
  } catch (error) {
    logger.error(`cannot delete the groups of removed ${removal.what}`, { ...logContext, error });
    return { removed: [], removalError: describeError(error) };
  }
}
