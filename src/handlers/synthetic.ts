import type { Context } from 'aws-lambda';
import {
  collectSynthetic,
  SyntheticRunError,
  type SyntheticRunSummary,
} from '../collectors/synthetic';
import { readEnum, readInteger } from '../config/env';
import { pushgatewayFromEnv } from '../config/pushgateway';
import { resolveFleet, resolveTickSeconds } from '../config/synthetic';
import { DEFAULT_SAFETY_MARGIN_MS, deadlineFromLambdaContext } from '../shared/deadline';
import { describeError } from '../shared/errors';
import { createLogger, type LogLevel } from '../shared/logger';

/**
 * Scheduled synthetic device telemetry. Thin: read the fleet and the tick time, run the
 * collector, log one summary line; throws when any group could not be pushed or deleted.
 */
export async function handler(event: unknown, context: Context): Promise<SyntheticRunSummary> {
  const env = process.env;
  const logger = createLogger({
    level: readEnum<LogLevel>(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    fields: { function: 'synthetic', requestId: context.awsRequestId },
  });
  try {
    const plan = resolveFleet(event, env);
    const tick = resolveTickSeconds(event);
    if (!tick.fromEvent)
      logger.warn('the event has no "time"; using the current time as the tick', {
        tickTime: new Date(tick.seconds * 1000).toISOString(),
      });
    const deadline = deadlineFromLambdaContext(
      context,
      readInteger(env, 'DEADLINE_SAFETY_MARGIN_MS', DEFAULT_SAFETY_MARGIN_MS, { min: 0 }),
    );
    const pushgateway = await pushgatewayFromEnv(env, deadline);
    const summary = await collectSynthetic(plan, tick.seconds, { pushgateway, logger }, deadline);
    const { failedDevices, ...counts } = summary;
    logger.info('synthetic run finished', { ...counts, failedDevices: failedDevices.length });
    if (failedDevices.length > 0 || summary.removalError || summary.healthPushError)
      throw new SyntheticRunError(summary);
    return summary;
  } catch (error) {
    if (!(error instanceof SyntheticRunError))
      logger.error('synthetic run failed', { error: describeError(error) });
    throw error;
  }
}
