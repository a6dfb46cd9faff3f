import type { Env } from '../config/env';
import { estatsSettingsFromEnv } from '../config/estats';
import {
  configuredLogLevelFromEnv,
  logLevelFromEnv,
  safetyMarginMsFromEnv,
} from '../config/invocation';
import { ConfigurationError } from '../shared/errors';
import type { LogLevel } from '../shared/logger';
import { carbonOptionsFromEnv } from '../sinks/graphite/settings';
import { sinkNamesFromEnv } from '../sinks/names';
import { pushgatewaySettingsFromEnv } from '../sinks/pushgateway/settings';
import { remoteWriteOptionsFromEnv } from '../sinks/remoteWrite/settings';

/**
 * The functions' own settings as serverless params (serverless.yml `params:`): each param,
 * when set, becomes the variable beside it (README, "Configure"); empty keeps the function's
 * default. infra/serverless/environment.js applies them, and checks the result here when
 * packaging, with the readers the functions use, so a bad value stops the deploy.
 */
export const FUNCTION_SETTING_PARAMS = {
  logLevel: 'LOG_LEVEL',
  pushgatewayQuorum: 'PUSHGATEWAY_QUORUM',
  pushgatewayTimeoutMs: 'PUSHGATEWAY_TIMEOUT_MS',
  pushgatewayMaxAttempts: 'PUSHGATEWAY_MAX_ATTEMPTS',
  pushgatewayGzipMinBytes: 'PUSHGATEWAY_GZIP_MIN_BYTES',
  remoteWriteMaxBytes: 'REMOTE_WRITE_MAX_BYTES',
  remoteWriteConcurrency: 'REMOTE_WRITE_CONCURRENCY',
  remoteWriteTimeoutMs: 'REMOTE_WRITE_TIMEOUT_MS',
  remoteWriteMaxAttempts: 'REMOTE_WRITE_MAX_ATTEMPTS',
  graphiteTimeoutMs: 'GRAPHITE_TIMEOUT_MS',
  graphiteMaxAttempts: 'GRAPHITE_MAX_ATTEMPTS',
  estatsMinIntervalMs: 'ESTATS_MIN_INTERVAL_MS',
  estatsMaxInFlight: 'ESTATS_MAX_IN_FLIGHT',
  estatsRequestTimeoutMs: 'ESTATS_REQUEST_TIMEOUT_MS',
  estatsMaxAttempts: 'ESTATS_MAX_ATTEMPTS',
  deadlineSafetyMarginMs: 'DEADLINE_SAFETY_MARGIN_MS',
  secretCacheTtlSeconds: 'SECRET_CACHE_TTL_SECONDS',
  httpsProxy: 'HTTPS_PROXY',
  noProxy: 'NO_PROXY',
} as const;

export type FunctionSettingParam = keyof typeof FUNCTION_SETTING_PARAMS;

/** The variables the set params give, each param by its variable. */
export function functionSettingsOf(
  params: Readonly<Partial<Record<FunctionSettingParam, unknown>>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [param, variable] of Object.entries(FUNCTION_SETTING_PARAMS)) {
    const value = params[param as FunctionSettingParam];
    if (value !== undefined && value !== null && String(value) !== '')
      env[variable] = String(value);
  }
  return env;
}

/**
 * Read the functions' environment as they will, to refuse a bad value now. A variable's
 * error is told as its param's, since that is what the user sets.
 */
export function checkFunctionEnvironment(env: Env, stage: string): void {
  try {
    logLevelFromEnv(env);
    safetyMarginMsFromEnv(env);
    estatsSettingsFromEnv(env);
    const sinks = sinkNamesFromEnv(env);
    if (sinks.includes('pushgateway')) pushgatewaySettingsFromEnv(env);
    if (sinks.includes('remote-write')) remoteWriteOptionsFromEnv(env);
    if (sinks.includes('graphite')) carbonOptionsFromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    const param = Object.entries(FUNCTION_SETTING_PARAMS).find(([, variable]) =>
      error.message.includes(variable),
    )?.[0];
    throw new ConfigurationError(
      `stage "${stage}": the functions' environment is refused: ${error.message}`,
      {
        hint: param
          ? `fix the ${param} param (--param="${param}=…" or params.${stage}.${param} in serverless.yml)${error.hint ? `; ${error.hint}` : ''}`
          : error.hint,
      },
    );
  }
}

/**
 * The functions' Lambda logging config (provider.logs.lambda): the JSON log format, so Lambda
 * reads our lines' level and timestamp, and ApplicationLogLevel at the logLevel param's level.
 * Lambda gives it to the functions as AWS_LAMBDA_LOG_LEVEL, which the logger honours.
 */
export function lambdaLoggingOf(env: Env): {
  logFormat: 'JSON';
  applicationLogLevel: Uppercase<LogLevel>;
  systemLogLevel: 'INFO';
} {
  return {
    logFormat: 'JSON',
    applicationLogLevel: configuredLogLevelFromEnv(env).toUpperCase() as Uppercase<LogLevel>,
    // INFO keeps the platform's START, END and REPORT lines (duration, memory, init time).
    systemLogLevel: 'INFO',
  };
}
