import { COLLECTOR, LABEL } from '../metrics/catalogue';
import { runHealthGroupingKey } from '../metrics/groups';
import { PushMetrics } from '../metrics/registry';
import type { DeliveryReport, PushgatewaySet } from '../pushgateway/pushgatewaySet';
import type { Deadline } from '../shared/deadline';

export interface RunOutcome {
  job: string;
  schedule: string;
  durationSeconds: number;
  okTargets: number;
  failedTargets: number;
  endedAt: Date;
  /** What each Pushgateway missed, and whether the quorum took every group. */
  delivery: DeliveryReport;
}

/**
 * Push the collector's report on itself to `{job=<job>, schedule=<name>}`. POST, not PUT:
 * `collector_last_success_timestamp_seconds` is only sent by successful runs and must survive
 * failed ones, so "time since last success" alerts work.
 */
export async function pushRunHealth(
  pushgateway: Pick<PushgatewaySet, 'post'>,
  outcome: RunOutcome,
  deadline: Deadline,
  addCollectorMetrics: (metrics: PushMetrics) => void = () => {},
): Promise<void> {
  const metrics = new PushMetrics();
  addCollectorMetrics(metrics);
  const success = outcome.failedTargets === 0 && outcome.delivery.delivered;
  const endedAtSeconds = outcome.endedAt.getTime() / 1000;
  metrics.family(COLLECTOR.runDuration).set(outcome.durationSeconds);
  metrics.family(COLLECTOR.runSuccess).set(success ? 1 : 0);
  metrics.family(COLLECTOR.lastRunTimestamp).set(endedAtSeconds);
  if (success) metrics.family(COLLECTOR.lastSuccessTimestamp).set(endedAtSeconds);
  const targets = metrics.family(COLLECTOR.targets);
  targets.set({ state: 'ok' }, outcome.okTargets);
  targets.set({ state: 'failed' }, outcome.failedTargets);
  const missed = metrics.family(COLLECTOR.pushgatewayMissedGroups);
  for (const { pushgateway: name, missedGroups } of outcome.delivery.pushgateways)
    missed.set({ [LABEL.pushgateway]: name }, missedGroups);
  await pushgateway.post(
    runHealthGroupingKey(outcome.job, outcome.schedule),
    await metrics.text(),
    deadline,
  );
}
