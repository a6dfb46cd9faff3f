import type { Registry } from 'prom-client';
import { COLLECTOR, LABEL } from '../metrics/catalogue';
import { createRunRegistry, registerGauge, serialize } from '../metrics/registry';
import type { PushgatewayClient } from '../pushgateway/client';
import type { Deadline } from '../shared/deadline';

export interface RunOutcome {
  job: string;
  schedule: string;
  durationSeconds: number;
  okTargets: number;
  failedTargets: number;
  endedAt: Date;
}

/**
 * Push the collector's report on itself to `{job=<job>, schedule=<name>}`. POST, not PUT:
 * `collector_last_success_timestamp_seconds` is only sent by successful runs and must survive
 * failed ones, so "time since last success" alerts work.
 */
export async function pushRunHealth(
  pushgateway: PushgatewayClient,
  outcome: RunOutcome,
  deadline: Deadline,
  addCollectorMetrics: (registry: Registry) => void = () => {},
): Promise<void> {
  const registry = createRunRegistry();
  addCollectorMetrics(registry);
  const success = outcome.failedTargets === 0;
  const endedAtSeconds = outcome.endedAt.getTime() / 1000;
  registerGauge(registry, COLLECTOR.runDuration).set(outcome.durationSeconds);
  registerGauge(registry, COLLECTOR.runSuccess).set(success ? 1 : 0);
  registerGauge(registry, COLLECTOR.lastRunTimestamp).set(endedAtSeconds);
  if (success) registerGauge(registry, COLLECTOR.lastSuccessTimestamp).set(endedAtSeconds);
  const targets = registerGauge(registry, COLLECTOR.targets);
  targets.set({ state: 'ok' }, outcome.okTargets);
  targets.set({ state: 'failed' }, outcome.failedTargets);
  await pushgateway.post(
    { job: outcome.job, labels: { [LABEL.schedule]: outcome.schedule } },
    await serialize(registry),
    deadline,
  );
}

/** Samples in a text exposition body (lines that are not comments or blank). */
export function countSeries(body: string): number {
  let count = 0;
  for (const line of body.split('\n')) if (line !== '' && !line.startsWith('#')) count++;
  return count;
}
