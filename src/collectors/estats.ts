import { DEFAULT_CLIENT } from '../akamai/clients';
import { EstatsError, type FailureReason } from '../akamai/errors';
import { buildEstatsFailureMetrics } from '../akamai/estatsMetrics';
import { assignTargets, interleaveByClient } from '../akamai/spread';
import { describeTarget, type EstatsSchedule, type EstatsTarget } from '../akamai/targets';
import { COLLECTOR, JOB } from '../metrics/catalogue';
import { describeGroup, estatsGroupingKey } from '../metrics/groups';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import { type EstatsCollectorDeps, EstatsSource, toEstatsError } from './estatsSource';
import { estatsRemoval, sharedWith } from './estatsOwnership';
import { type FailedGroup, runCollector } from './pipeline';
import type { RunDelivery } from './runner';
import { withTargetInfo } from './targetInfo';

/** A target that failed, as the run's summary and its error report it. */
export interface TargetFailure {
  target: string;
  group: string;
  reason: FailureReason;
  message: string;
}

/** What one run did, as its summary log line and its error report it. */
export interface EstatsRunSummary extends RunDelivery {
  schedule: string;
  targets: number;
  ok: number;
  failed: TargetFailure[];
  seriesPushed: number;
  durationSeconds: number;
  /** Groups of targets this schedule dropped, deleted in this run. */
  removedTargets: string[];
  /** Pushgateways that could not be searched for removed groups: the next run does. */
  removalDeferredOn?: string[];
  removalError?: string;
}

/**
 * One eStats run through the collector pipeline (collectors/pipeline.ts): the targets spread
 * over the schedule's API clients, each target's answer (as fast as its client's rate budget
 * allows) mapped and PUT to its own group. A failing target gets its failure recorded in its
 * group and never blocks or erases another. Removal deletes the groups of targets this
 * schedule alone collected and dropped.
 */
export async function collectEstats(
  schedule: EstatsSchedule,
  deps: EstatsCollectorDeps,
  deadline: Deadline,
): Promise<EstatsRunSummary> {
  const { logger, sinks } = deps;
  const clients = schedule.clients ?? [DEFAULT_CLIENT];
  const assigned = assignTargets(schedule.targets, clients);
  const sources = new Map(
    await Promise.all(
      clients.map(
        async (client) =>
          [client.name, await EstatsSource.open(client, schedule, deps, deadline)] as const,
      ),
    ),
  );
  const sourceOf = (target: EstatsTarget): EstatsSource =>
    sources.get(assigned.get(target)?.name ?? '') as EstatsSource;
  const run = await runCollector<EstatsTarget, TargetFailure>(
    {
      job: JOB.estats,
      schedule: schedule.name,
      stage: deps.stage,
      sharedWith,
      items: interleaveByClient(schedule.targets, assigned),
      keyOf: (target) => estatsGroupingKey(target),
      // Each client's rate budget decides when its requests go; this only bounds the workers.
      concurrency: clients.length * deps.pacing.maxInFlight,
      produce: async (target) => withTargetInfo(await sourceOf(target).metricsOf(target), target),
      failureSeries: (error, target, stage) =>
        withTargetInfo(
          buildEstatsFailureMetrics(
            (stage === 'deliver' ? pushFailure(error) : toEstatsError(error)).reason,
          ),
          target,
        ),
      failureOf: targetFailure,
      log: (result) => {
        if (result.ok) {
          logger.debug('eStats target pushed', {
            target: describeTarget(result.item),
            group: result.group,
            series: result.series,
            ...sourceOf(result.item).answerOf(result.item),
          });
          return;
        }
        const failure = targetFailure(result);
        logger.error('eStats target failed', {
          target: failure.target,
          group: failure.group,
          reason: failure.reason,
          error: failureError(result),
        });
      },
      removal: estatsRemoval(schedule, describeGroup, deps.pending),
      addHealthMetrics: (metrics) => {
        if (schedule.intervalSeconds !== undefined)
          metrics.family(COLLECTOR.scheduleInterval).set(schedule.intervalSeconds);
        for (const source of sources.values()) source.addBudgetMetrics(metrics);
      },
    },
    sinks,
    deadline,
    logger,
  );
  const { removed, ...outcome } = run;
  for (const source of sources.values()) {
    const seen = source.budget.seen();
    logger.info('Akamai rate budget', { client: source.client.name, ...seen });
  }
  return {
    schedule: schedule.name,
    targets: schedule.targets.length,
    ...outcome,
    removedTargets: removed,
  };
}

/** Why a target failed: its eStats request, or the sink that refused its group. */
function failureError(result: FailedGroup<EstatsTarget>): EstatsError {
  return result.stage === 'deliver' ? pushFailure(result.error) : toEstatsError(result.error);
}

function targetFailure(result: FailedGroup<EstatsTarget>): TargetFailure {
  const error = failureError(result);
  return {
    target: describeTarget(result.item),
    group: result.group,
    reason: error.reason,
    message: describeError(error),
  };
}

/** The Pushgateway is what failed: its message and hint, as the target's failure. */
function pushFailure(error: unknown): EstatsError {
  return new EstatsError(error instanceof Error ? error.message : String(error), {
    reason: 'push_failed',
    cause: error,
    hint: error instanceof CollectorError ? error.hint : undefined,
  });
}
