import { COLLECTOR } from '../metrics/catalogue';
import { runHealthGroupingKey } from '../metrics/groups';
import { PushMetrics } from '../metrics/registry';
import type { Deadline } from '../shared/deadline';
import type { Logger } from '../shared/logger';
import type { RunSinks } from './runner';
import type { Tick } from '../config/synthetic';
import { withOwner } from './ownership';

/**
 * A scheduled run is superseded by the next tick. So a delivery older than its schedule's
 * interval (a late retry of Lambda's asynchronous queue, an event held back) is skipped:
 * pushing it would put older values over newer ones (a counter that goes back reads as a
 * reset to Prometheus, and remote write refuses it as out of order), and an eStats run would
 * spend the API client's budget on a window already read. The collectors' functions also
 * get maximumRetryAttempts 0 and a maximumEventAge of their interval (serverless.yml), so
 * Lambda itself drops most of these; this covers what it still delivers.
 */

/** How late a delivery is, when it is later than its interval; undefined when it is current. */
export function supersededBy(tick: Tick | undefined, now: number = Date.now()): number | undefined {
  if (tick?.intervalSeconds === undefined) return undefined;
  const ageSeconds = (now - tick.time.getTime()) / 1000;
  return ageSeconds > tick.intervalSeconds ? ageSeconds : undefined;
}

export interface SkippedDelivery {
  skipped: true;
  tickTime: string;
  ageSeconds: number;
}

/** Log the skip and mark it in the schedule's health group (merged: nothing else changes). */
export async function reportSkippedDelivery(
  skipped: { job: string; schedule: string; stage?: string; tick: Tick; ageSeconds: number },
  sinks: Pick<RunSinks, 'post'>,
  deadline: Deadline,
  logger: Logger,
): Promise<SkippedDelivery> {
  const tickTime = skipped.tick.time.toISOString();
  const ageSeconds = Math.round(skipped.ageSeconds);
  logger.warn('skipped a late delivery: the next tick supersedes it, nothing was pushed', {
    schedule: skipped.schedule,
    tickTime,
    ageSeconds,
    intervalSeconds: skipped.tick.intervalSeconds,
  });
  const metrics = new PushMetrics();
  metrics.family(COLLECTOR.lastSkippedEvent).set(Date.now() / 1000);
  const { stage, schedule } = skipped;
  await sinks.post(
    runHealthGroupingKey(skipped.job, schedule),
    withOwner(metrics, stage ? { stage, schedules: [schedule] } : undefined),
    deadline,
  );
  return { skipped: true, tickTime, ageSeconds };
}
