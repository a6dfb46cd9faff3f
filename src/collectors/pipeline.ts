import type { GroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import type { Deadline } from '../shared/deadline';
import { describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { GroupStore } from '../sinks/types';
import type { RemovalOutcome } from './removal';
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

/** What removal means for a collector: which of its groups it no longer has. */
export interface CollectorRemoval {
  /** What its groups are of, in the log lines: `targets`, `devices`. */
  what: string;
  /** The log field that lists what was deleted. */
  logField: string;
  /** Delete the groups it no longer has (when due: collectors/removal.ts). */
  remove(stores: readonly GroupStore[], deadline: Deadline): Promise<RemovalOutcome>;
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
  const { items, keyOf, concurrency, produce, failureSeries } = collector;
  const results = await runGroups({
    items,
    keyOf,
    concurrency,
    produce,
    ...(failureSeries ? { failureSeries } : {}),
    onResult: (result) => collector.log(result),
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
    collector.addHealthMetrics,
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
  { removal, logContext = {} }: Collector<T, F>,
  sinks: RunSinks,
  deadline: Deadline,
  logger: Logger,
): Promise<Pick<CollectorOutcome<F>, 'removed' | 'removalDeferredOn' | 'removalError'>> {
  try {
    const { deleted, deferredOn } = await removal.remove(sinks.groupStores, deadline);
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
