import type { CredentialSource } from '../akamai/credentials';
import { DEFAULT_ESTATS_CLIENT_OPTIONS, type EstatsClientOptions } from '../akamai/estatsClient';
import { type EstatsSchedule, parseEstatsSchedule } from '../akamai/targets';
import { DEFAULT_ESTATS_MIN_INTERVAL_MS, DEFAULT_SECRET_CACHE_TTL_SECONDS } from '../constants';
import { ConfigurationError } from '../shared/errors';
import { type Env, readInteger, readOptionalString, readString } from './env';

export interface EstatsSettings {
  credentialSource: CredentialSource;
  clientOptions: EstatsClientOptions;
  minRequestIntervalMs: number;
}

export function estatsSettingsFromEnv(env: Env): EstatsSettings {
  const secretId = readOptionalString(env, 'AKAMAI_SECRET_ID');
  const credentialSource: CredentialSource = secretId
    ? {
        kind: 'secretsManager',
        secretId,
        cacheTtlMs:
          readInteger(env, 'SECRET_CACHE_TTL_SECONDS', DEFAULT_SECRET_CACHE_TTL_SECONDS, {
            min: 0,
          }) * 1000,
      }
    : {
        kind: 'edgerc',
        path: readString(env, 'AKAMAI_EDGERC', '~/.edgerc'),
        section: readString(env, 'AKAMAI_EDGERC_SECTION', 'default'),
      };
  return {
    credentialSource,
    clientOptions: {
      ...DEFAULT_ESTATS_CLIENT_OPTIONS,
      requestTimeoutMs: readInteger(
        env,
        'ESTATS_REQUEST_TIMEOUT_MS',
        DEFAULT_ESTATS_CLIENT_OPTIONS.requestTimeoutMs,
        { min: 1_000, max: 900_000 },
      ),
      retry: {
        ...DEFAULT_ESTATS_CLIENT_OPTIONS.retry,
        maxAttempts: readInteger(
          env,
          'ESTATS_MAX_ATTEMPTS',
          DEFAULT_ESTATS_CLIENT_OPTIONS.retry.maxAttempts,
          { min: 1, max: 10 },
        ),
      },
    },
    minRequestIntervalMs: readInteger(
      env,
      'ESTATS_MIN_INTERVAL_MS',
      DEFAULT_ESTATS_MIN_INTERVAL_MS,
      {
        min: 0,
        max: 60_000,
      },
    ),
  };
}

/**
 * The schedule to run: the event itself when it carries `targets` (serverless.yml schedule
 * `input`), otherwise ESTATS_SCHEDULE (the same JSON in an env variable), e.g. for a plain
 * EventBridge "Scheduled Event" or `serverless invoke local` without `-p`.
 */
export function resolveEstatsSchedule(event: unknown, env: Env): EstatsSchedule {
  if (typeof event === 'object' && event !== null && 'targets' in event) {
    return parseEstatsSchedule(event, 'schedule input (event)');
  }
  const fromEnv = readOptionalString(env, 'ESTATS_SCHEDULE');
  if (fromEnv === undefined) {
    throw new ConfigurationError(
      'no eStats targets: the event has no "targets" and ESTATS_SCHEDULE is not set',
      {
        hint: 'give the schedule an input with "targets" in serverless.yml, or set ESTATS_SCHEDULE to the same JSON',
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromEnv);
  } catch (error) {
    throw new ConfigurationError(`ESTATS_SCHEDULE is not valid JSON: ${(error as Error).message}`);
  }
  return parseEstatsSchedule(parsed, 'ESTATS_SCHEDULE');
}
