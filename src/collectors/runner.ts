import { describeGroup, type GroupingKey } from '../metrics/groups';
import type { GroupContent } from '../metrics/content';
import type { PushMetrics } from '../metrics/registry';
import type { Deliveries, FellBack, SinkDelivery } from '../sinks/deliveries';
import { refusesGroup } from '../sinks/failureKinds';
import type { DeliveryReport, MemberDelivery } from '../sinks/types';
import { mapSettled } from '../shared/concurrency';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { pushRunHealth, type RunOutcome } from './health';
import { type GroupOwner, withOwner } from './ownership';

/** Where a group's series go. */
export type Sink = Pick<Deliveries, 'put' | 'post'>;

/** What a collector run asks of its sinks: deliveries, the stores of its groups, the report. */
export type RunSinks = Pick<Deliveries, 'put' | 'post' | 'groupStores' | 'report'>;

export type GroupResult<T> =
  | {
      item: T;
      key: GroupingKey;
      group: string;
      ok: true;
      series: number;
      /**
       * The Pushgateway refused the group as inconsistent with another (a name another group
       * gives another type): it holds the item's failure series instead, so nothing stale
       * passes for current. The target's state, not the run's failure.
       */
      refused?: unknown;
    }
  | {
      item: T;
      key: GroupingKey;
      group: string;
      ok: false;
      /** `produce`: the source failed (recorded in the group); `deliver`: the sink did. */
      stage: 'produce' | 'deliver';
      error: unknown;
    };

export interface GroupRun<T> {
  items: readonly T[];
  keyOf(item: T): GroupingKey;
  /** Groups produced and delivered at once; eStats paces its source and takes them one by one. */
  concurrency: number;
  /** The group's series: complete, or a thrown error. */
  produce(item: T, key: GroupingKey): Promise<GroupContent>;
  /**
   * What the group holds instead when `produce` failed, or a sink did not take it (`stage`
   * says which): eStats' `up` 0 and the reason, so its last good values do not linger where
   * alerts read them as current. Absent: left as it was.
   */
  failureSeries?(error: unknown, item: T, stage: 'produce' | 'deliver'): GroupContent;
  /** Who writes the item's group (collectors/ownership.ts); undefined: its group is unmarked. */
  ownerOf?(item: T): GroupOwner | undefined;
  /** Called as each group finishes, e.g. to log it while the run goes on. */
  onResult?(result: GroupResult<T>): void;
  sink: Sink;
  deadline: Deadline;
  logger: Logger;
}

/**
 * The one per-group pipeline of every collector: produce a group's series → deliver them whole
 * (PUT: the group is replaced, never half-written) → on a failure of the source, record it in
 * the group; a sink that does not take the group gets that record in its place, when it takes
 * that. A group never blocks or erases another.
 */
export async function runGroups<T>(run: GroupRun<T>): Promise<Array<GroupResult<T>>> {
  const settled = await mapSettled(run.items, run.concurrency, async (item) => {
    const result = await runGroup(run, item);
    run.onResult?.(result);
    return result;
  });
  return settled.map((result, i): GroupResult<T> => {
    if (result.status === 'fulfilled') return result.value;
    // Only a bug gets here (produce and deliver failures are results): still one group's
    // failure, reported like the others so the run's summary counts it.
    const item = run.items[i] as T;
    const key = keyOrPlaceholder(run, item, i);
    const failure: GroupResult<T> = {
      item,
      key,
      group: describeGroup(key),
      ok: false,
      stage: 'produce',
      error: result.reason,
    };
    run.onResult?.(failure);
    return failure;
  });
}

/** The item's key, or a placeholder naming its position when computing the key is what failed. */
function keyOrPlaceholder<T>(run: GroupRun<T>, item: T, index: number): GroupingKey {
  try {
    return run.keyOf(item);
  } catch {
    return { job: 'unknown', labels: { item: String(index + 1) } };
  }
}

async function runGroup<T>(run: GroupRun<T>, item: T): Promise<GroupResult<T>> {
  const key = run.keyOf(item);
  const group = describeGroup(key);
  let metrics: GroupContent;
  try {
    metrics = await run.produce(item, key);
  } catch (error) {
    if (run.failureSeries) await record(run, item, key, group, error);
    return { item, key, group, ok: false, stage: 'produce', error };
  }
  const owner = run.ownerOf?.(item);
  let failureSeriesCount = 0;
  const fallback = run.failureSeries
    ? (error: unknown) => {
        const series = run.failureSeries?.(error, item, 'deliver');
        failureSeriesCount = series?.seriesCount ?? 0;
        return series && withOwner(series, owner);
      }
    : undefined;
  let fellBack: FellBack[];
  try {
    ({ fellBack } = await run.sink.put(key, withOwner(metrics, owner), run.deadline, fallback));
  } catch (error) {
    return { item, key, group, ok: false, stage: 'deliver', error };
  }
  const [first] = fellBack;
  if (!first) return { item, key, group, ok: true, series: metrics.seriesCount };
  // A sink that did not take the group holds its failure series, so nothing stale there
  // passes for current. Refused as such, the group is the target's state (down, for that
  // reason); any other failure is still the run's.
  if (fellBack.every((f) => refusesGroup(f.error)))
    return { item, key, group, ok: true, series: failureSeriesCount, refused: first.error };
  return { item, key, group, ok: false, stage: 'deliver', error: notTaken(fellBack) };
}

/** Why sinks did not take a group they hold the failure series of instead. */
function notTaken(fellBack: readonly FellBack[]): unknown {
  const [first] = fellBack;
  const error = first?.error;
  const hint =
    'it holds the failure series (up 0) instead, so its last values do not pass for current';
  if (fellBack.length === 1 && error instanceof CollectorError)
    return new CollectorError(error.message, {
      cause: error,
      hint: error.hint ? `${error.hint}; ${hint}` : hint,
    });
  return new CollectorError(
    fellBack.map((f) => `${f.sink}: ${describeError(f.error)}`).join('; '),
    { cause: error, hint },
  );
}

/** Record a failure in the item's group; the series recorded, or undefined when it failed too. */
async function record<T>(
  run: GroupRun<T>,
  item: T,
  key: GroupingKey,
  group: string,
  error: unknown,
): Promise<number | undefined> {
  try {
    const series = run.failureSeries?.(error, item, 'produce');
    if (!series) return undefined;
    await run.sink.put(key, withOwner(series, run.ownerOf?.(item)), run.deadline);
    return series.seriesCount;
  } catch (recordError) {
    run.logger.error('cannot record the target failure in the Pushgateway', {
      group,
      error: describeError(recordError),
    });
    return undefined;
  }
}

/** How the run's groups reached the sinks, as its summary reports it. */
export interface RunDelivery {
  /** With several sinks: what each one failed to take. */
  sinks?: SinkDelivery[];
  /** With several Pushgateways: what each one missed. */
  pushgateways?: MemberDelivery[];
  /** Set when fewer Pushgateways than the quorum took every group. */
  deliveryError?: string;
  /** Set when the collector's own health group could not be pushed. */
  healthPushError?: string;
}

/**
 * The run's end: what each sink and each Pushgateway missed, then the run's report on itself
 * (collectors/health.ts) with it, delivered last. Says why the run cannot count as delivered,
 * if it cannot, so the run fails and says so.
 */
export async function finishRun(
  deliveries: Pick<Deliveries, 'post' | 'report'>,
  outcome: Omit<RunOutcome, 'report'>,
  deadline: Deadline,
  logger: Logger,
  addCollectorMetrics?: (metrics: PushMetrics) => void,
  owner?: GroupOwner,
): Promise<RunDelivery> {
  const report = deliveries.report();
  const result: RunDelivery = {
    ...(report.sinks.length > 1 ? { sinks: report.sinks } : {}),
    ...(report.pushgateways ? quorumOutcome(report.pushgateways, logger) : {}),
  };
  try {
    await pushRunHealth(deliveries, { ...outcome, report }, deadline, addCollectorMetrics, owner);
  } catch (error) {
    logger.error('cannot push the collector health group', { error });
    result.healthPushError = describeError(error);
  }
  return result;
}

/** With several Pushgateways: what each missed, and an error when the quorum did not hold. */
function quorumOutcome(
  delivery: DeliveryReport,
  logger: Logger,
): Pick<RunDelivery, 'pushgateways' | 'deliveryError'> {
  if (delivery.pushgateways.length <= 1) return {};
  const missing = delivery.pushgateways.filter((p) => p.missedGroups > 0);
  const described = missing.map((p) => `${p.pushgateway} missed ${p.missedGroups} (${p.error})`);
  if (missing.length > 0 && delivery.delivered)
    logger.warn('some Pushgateways missed groups; the quorum took them all', {
      quorum: delivery.quorum,
      missed: described,
    });
  return {
    pushgateways: delivery.pushgateways,
    ...(delivery.delivered
      ? {}
      : {
          deliveryError: `${delivery.pushgateways.length - missing.length} of ${delivery.pushgateways.length} Pushgateways took every group, fewer than the quorum of ${delivery.quorum}: ${described.join('; ')}`,
        }),
  };
}
