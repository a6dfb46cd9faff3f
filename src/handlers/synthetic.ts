import { readFileSync } from 'node:fs';
import { runFailed, SyntheticRunError } from '../collectors/errors';
import type { SyntheticRunSummary } from '../collectors/summaries';
import { collectSynthetic } from '../collectors/synthetic';
import {
  type SkippedDelivery,
  reportSkippedDelivery,
  supersededBy,
} from '../collectors/lateDelivery';
import { resolveFleet, resolveIntervalSeconds, resolveTickSeconds } from '../config/synthetic';
import { JOB } from '../metrics/catalogue';
import { connectSinks } from '../sinks/connect';
import { lambdaHandler } from './lambdaHandler';

/**
 * Scheduled synthetic device telemetry. Thin: read the fleet and the tick time, run the
 * collector, log one summary line; throws when any group could not be pushed or deleted. A
 * delivery older than the schedule's interval is skipped (collectors/lateDelivery.ts).
 */
export const handler = lambdaHandler(
  'synthetic',
  'synthetic run',
  async (event, { env, logger, deadline }): Promise<SyntheticRunSummary | SkippedDelivery> => {
    const plan = resolveFleet(event, env, (path) => readFileSync(path, 'utf8'));
    const tick = resolveTickSeconds(event);
    if (!tick.fromEvent)
      logger.warn('the event has no "time"; using the current time as the tick', {
        tickTime: new Date(tick.seconds * 1000).toISOString(),
      });
    const sinks = await connectSinks(env, deadline, logger);
    const intervalSeconds = resolveIntervalSeconds(event);
    const late = {
      time: new Date(tick.seconds * 1000),
      ...(intervalSeconds ? { intervalSeconds } : {}),
    };
    const ageSeconds = tick.fromEvent ? supersededBy(late) : undefined;
    if (ageSeconds !== undefined)
      return reportSkippedDelivery(
        { job: JOB.synthetic, schedule: plan.fleet.name, tick: late, ageSeconds },
        sinks,
        deadline,
        logger,
      );
    const summary = await collectSynthetic(plan, tick.seconds, { sinks, logger }, deadline);
    const { failedDevices, ...counts } = summary;
    logger.info('synthetic run finished', { ...counts, failedDevices: failedDevices.length });
    if (runFailed(failedDevices.length, summary)) throw new SyntheticRunError(summary);
    return summary;
  },
);
