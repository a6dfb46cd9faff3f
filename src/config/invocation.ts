import { DEFAULT_SAFETY_MARGIN_MS } from '../constants';
import { LOG_LEVELS, type LogLevel } from '../shared/logger';
import { type Env, readEnum, readInteger } from './env';

/** Lambda's application log levels, each as the level of ours it lets through. */
const LAMBDA_LOG_LEVELS = new Map<string, LogLevel>([
  ['TRACE', 'debug'],
  ['DEBUG', 'debug'],
  ['INFO', 'info'],
  ['WARN', 'warn'],
  ['ERROR', 'error'],
  ['FATAL', 'error'],
]);

/**
 * Every function's log level: the function's ApplicationLogLevel where Lambda sets one
 * (AWS_LAMBDA_LOG_LEVEL, JSON log format), so a level changed on the function in the console
 * takes effect without a deploy and no line is built that Lambda would drop; else LOG_LEVEL.
 */
export function logLevelFromEnv(env: Env): LogLevel {
  const lambdaLevel = LAMBDA_LOG_LEVELS.get(env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? '');
  return lambdaLevel ?? configuredLogLevelFromEnv(env);
}

/** The level the stage sets (LOG_LEVEL, the logLevel setting), also the ApplicationLogLevel. */
export function configuredLogLevelFromEnv(env: Env): LogLevel {
  return readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
}

/** The time every function keeps back from Lambda's deadline (DEADLINE_SAFETY_MARGIN_MS). */
export function safetyMarginMsFromEnv(env: Env): number {
  return readInteger(env, 'DEADLINE_SAFETY_MARGIN_MS', DEFAULT_SAFETY_MARGIN_MS, { min: 0 });
}
