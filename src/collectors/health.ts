import { COLLECTOR, LABEL } from '../metrics/catalogue';
import { runHealthGroupingKey } from '../metrics/groups';
import { PushMetrics } from '../metrics/registry';
import type { Deliveries, DeliveriesReport } from '../sinks/deliveries';
import type { Deadline } from '../shared/deadline';
import { type GroupOwner, withOwner } from './ownership';

export interface RunOutcome {
  job: string;
  schedule: string;
  durationSeconds: number;
  okTargets: number;
  failedTargets: number;
  endedAt: Date;
  /** What each sink (and each Pushgateway) missed, and whether the quorum took every group. */
  report: DeliveriesReport;
}

/**
 * Deliver the collector's report on itself to `{job=<job>, schedule=<name>}`. Merged (POST), not replaced:
 * `collector_last_success_timestamp_seconds` is only sent by successful runs and must survive
 * failed ones, so "time since last success" alerts work.
 */
export async function pushRunHealth(
  deliveries: Pick<Deliveries, 'post'>,
  outcome: RunOutcome,
  deadline: Deadline,
  addCollectorMetrics: (metrics: PushMetrics) => void = () => {},
  /** Marks the group as the schedule's (the janitor keeps only what its stage owns). */
  owner?: GroupOwner,
): Promise<void> {
  const metrics = new PushMetrics();
  addCollectorMetrics(metrics);
  const pushgateways = outcome.report.pushgateways;
  const success = outcome.failedTargets === 0 && (pushgateways?.delivered ?? true);
  const endedAtSeconds = outcome.endedAt.getTime() / 1000;
  metrics.family(COLLECTOR.runDuration).set(outcome.durationSeconds);
  metrics.family(COLLECTOR.runSuccess).set(success ? 1 : 0);
  metrics.family(COLLECTOR.lastRunTimestamp).set(endedAtSeconds);
  if (success) metrics.family(COLLECTOR.lastSuccessTimestamp).set(endedAtSeconds);
  const targets = metrics.family(COLLECTOR.targets);
  targets.set({ state: 'ok' }, outcome.okTargets);
  targets.set({ state: 'failed' }, outcome.failedTargets);
  const failedBySink = metrics.family(COLLECTOR.sinkFailedGroups);
  for (const { sink, failedGroups } of outcome.report.sinks)
    failedBySink.set({ [LABEL.sink]: sink }, failedGroups);
  const missed = metrics.family(COLLECTOR.pushgatewayMissedGroups);
  for (const { pushgateway: name, missedGroups } of pushgateways?.pushgateways ?? [])
    missed.set({ [LABEL.pushgateway]: name }, missedGroups);
  await deliveries.post(
    runHealthGroupingKey(outcome.job, outcome.schedule),
    withOwner(metrics, owner),
    deadline,
  );
}
