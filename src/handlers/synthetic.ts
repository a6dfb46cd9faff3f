import { readFileSync } from 'node:fs';
import type { SyntheticRunSummary } from '../collectors/synthetic';
import { collectSynthetic } from '../collectors/synthetic';
import { resolveFleet, resolveIntervalSeconds, resolveTickSeconds } from '../config/synthetic';
import { JOB } from '../metrics/catalogue';
import { collectorHandler } from './collectorHandler';

/**
 * Scheduled synthetic device telemetry: the fleet's values at the tick time, one group per
 * device, so a retried or duplicated delivery pushes identical values.
 */
export const handler = collectorHandler<SyntheticRunSummary>({
  name: 'synthetic',
  what: 'synthetic run',
  job: JOB.synthetic,
  invocation(event, { env, logger, stage }) {
    const plan = resolveFleet(event, env, (path) => readFileSync(path, 'utf8'));
    const tick = resolveTickSeconds(event);
    if (!tick.fromEvent)
      logger.warn('the event has no "time"; using the current time as the tick', {
        tickTime: new Date(tick.seconds * 1000).toISOString(),
      });
    const intervalSeconds = resolveIntervalSeconds(event);
    return {
      schedule: plan.fleet.name,
      // Without a time of its own, the event is not late: the tick is now.
      tick: tick.fromEvent
        ? { time: new Date(tick.seconds * 1000), ...(intervalSeconds ? { intervalSeconds } : {}) }
        : undefined,
      collect: (sinks, deadline) =>
        collectSynthetic(plan, tick.seconds, { sinks, logger, stage }, deadline),
    };
  },
  report: ({ failedDevices, ...counts }) => ({
    fields: { ...counts, failedDevices: failedDevices.length },
    headline: `synthetic run of fleet "${counts.fleet}" at ${counts.tickTime}`,
    failures: failedDevices.map((f) => `${f.device}: ${f.message}`),
    removed: 'removed devices',
    hint: 'each device group is pushed whole or not at all; a retry of the same tick pushes identical values',
    delivery: counts,
  }),
});
