import { EstatsRunError, runFailed } from '../collectors/errors';
import { withDiscoveredTargets } from '../collectors/discoveredTargets';
import { collectEstats } from '../collectors/estats';
import type { EstatsRunSummary } from '../collectors/summaries';
import {
  type SkippedDelivery,
  reportSkippedDelivery,
  supersededBy,
} from '../collectors/lateDelivery';
import { estatsSettingsFromEnv, resolveEstatsInvocation } from '../config/estats';
import { JOB } from '../metrics/catalogue';
import { connectSinks } from '../sinks/connect';
import { lambdaHandler } from './lambdaHandler';

/**
 * Scheduled eStats collector. Thin: read config, run the collector, log one summary line.
 * Throws when any target failed, so the on-failure destination sees it. A delivery older than
 * the schedule's interval is skipped (collectors/lateDelivery.ts).
 */
export const handler = lambdaHandler(
  'estats',
  'eStats run',
  async (event, { env, logger, deadline }): Promise<EstatsRunSummary | SkippedDelivery> => {
    const invocation = resolveEstatsInvocation(event, env);
    const { tick } = invocation;
    const settings = estatsSettingsFromEnv(env);
    const sinks = await connectSinks(env, deadline, logger);
    const ageSeconds = supersededBy(tick);
    if (tick && ageSeconds !== undefined)
      return reportSkippedDelivery(
        { job: JOB.estats, schedule: invocation.schedule.name, tick, ageSeconds },
        sinks,
        deadline,
        logger,
      );
    // Targets found at run time join the listed ones (targets: { discover: … }).
    const schedule = await withDiscoveredTargets(
      invocation.schedule,
      { ...settings, logger },
      deadline,
    );
    const summary = await collectEstats(schedule, { ...settings, sinks, logger }, deadline);
    const { failed, ...counts } = summary;
    logger.info('eStats run finished', {
      ...counts,
      failed: failed.length,
      failedTargets: failed.map((f) => `${f.target} [${f.reason}]`),
    });
    if (runFailed(failed.length, summary)) throw new EstatsRunError(summary);
    return summary;
  },
);
