import { DEFAULT_SAFETY_MARGIN_MS } from '../constants';
import { LOG_LEVELS, type LogLevel } from '../shared/logger';
import { type Env, readEnum, readInteger } from './env';

/** Every function's log level (LOG_LEVEL). */
export function logLevelFromEnv(env: Env): LogLevel {
  return readEnum(env, 'LOG_LEVEL', LOG_LEVELS, 'info');
}

/** The time every function keeps back from Lambda's deadline (DEADLINE_SAFETY_MARGIN_MS). */
export function safetyMarginMsFromEnv(env: Env): number {
  return readInteger(env, 'DEADLINE_SAFETY_MARGIN_MS', DEFAULT_SAFETY_MARGIN_MS, { min: 0 });
}
