import type { Context } from 'aws-lambda';
import { collectEstats, EstatsRunError, type EstatsRunSummary } from '../collectors/estats';
import { readEnum, readInteger } from '../config/env';
import { estatsSettingsFromEnv, resolveEstatsSchedule } from '../config/estats';
import { pushgatewayFromEnv } from '../config/pushgateway';
import { DEFAULT_SAFETY_MARGIN_MS, deadlineFromLambdaContext } from '../shared/deadline';
import { describeError } from '../shared/errors';
import { createLogger, type LogLevel } from '../shared/logger';

/**
 * Scheduled eStats collector. Thin: read config, run the collector, log one summary line.
 * Throws when any target failed, so Lambda's retry and on-failure destination see it.
 */
export async function handler(event: unknown, context: Context): Promise<EstatsRunSummary> {
  const env = process.env;
  const logger = createLogger({
    level: readEnum<LogLevel>(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'], 'info'),
    fields: { function: 'estats', requestId: context.awsRequestId },
  });
  try {
    const schedule = resolveEstatsSchedule(event, env);
    const settings = estatsSettingsFromEnv(env);
    const deadline = deadlineFromLambdaContext(
      context,
      readInteger(env, 'DEADLINE_SAFETY_MARGIN_MS', DEFAULT_SAFETY_MARGIN_MS, { min: 0 }),
    );
    const pushgateway = await pushgatewayFromEnv(env, deadline);
    const summary = await collectEstats(schedule, { ...settings, pushgateway, logger }, deadline);
    const { failed, ...counts } = summary;
    logger.info('eStats run finished', {
      ...counts,
      failed: failed.length,
      failedTargets: failed.map((f) => `${f.target} [${f.reason}]`),
    });
    if (failed.length > 0 || summary.healthPushError) throw new EstatsRunError(summary);
    return summary;
  } catch (error) {
    if (!(error instanceof EstatsRunError)) {
      logger.error('eStats run failed', { error: describeError(error) });
    }
    throw error;
  }
}
