import { EstatsRunError, runFailed } from '../collectors/errors';
import { collectEstats } from '../collectors/estats';
import type { EstatsRunSummary } from '../collectors/summaries';
import { estatsSettingsFromEnv, resolveEstatsSchedule } from '../config/estats';
import { connectSinks } from '../sinks/connect';
import { lambdaHandler } from './lambdaHandler';

/**
 * Scheduled eStats collector. Thin: read config, run the collector, log one summary line.
 * Throws when any target failed, so Lambda's retry and on-failure destination see it.
 */
export const handler = lambdaHandler(
  'estats',
  'eStats run',
  async (event, { env, logger, deadline }): Promise<EstatsRunSummary> => {
    const schedule = resolveEstatsSchedule(event, env);
    const settings = estatsSettingsFromEnv(env);
    const sinks = await connectSinks(env, deadline);
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
