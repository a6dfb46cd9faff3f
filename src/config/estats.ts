import type { AkamaiClient } from '../akamai/clients';
import type { CredentialSource } from '../akamai/credentials';
import { DEFAULT_ESTATS_CLIENT_OPTIONS, type EstatsClientOptions } from '../akamai/estatsClient';
import { type EstatsSchedule, parseEstatsSchedule } from '../akamai/targets';
import { secretSettingsFromEnv } from './secrets';
import type { PacingSettings } from '../akamai/rateBudget';
import {
  AKAMAI_RATE_WINDOW_MS,
  DEFAULT_ESTATS_MAX_IN_FLIGHT,
  DEFAULT_ESTATS_MIN_INTERVAL_MS,
} from '../constants';
import { ConfigurationError } from '../shared/errors';
import { type Env, readInteger, readOptionalString, readString } from './env';
import { isRecord, type Tick, withTick } from './synthetic';

export interface EstatsSettings {
  /** Where an API client's credentials are: its secret, its .edgerc section, or the env's. */
  credentialSourceOf(client: AkamaiClient): CredentialSource;
  clientOptions: EstatsClientOptions;
  pacing: PacingSettings;
}

/**
 * Where an API client's credentials are: its secret, its .edgerc section, or else the
 * environment's (AKAMAI_SECRET_ID, else AKAMAI_EDGERC_SECTION of AKAMAI_EDGERC).
 */
export function akamaiCredentialSources(env: Env): (client: AkamaiClient) => CredentialSource {
  const edgercPath = readString(env, 'AKAMAI_EDGERC', '~/.edgerc');
  const secretId = readOptionalString(env, 'AKAMAI_SECRET_ID');
  const fromEnv: CredentialSource = secretId
    ? { kind: 'secretsManager', ...secretSettingsFromEnv(env, secretId) }
    : {
        kind: 'edgerc',
        path: edgercPath,
        section: readString(env, 'AKAMAI_EDGERC_SECTION', 'default'),
      };
  return (client) => {
    if (client.secret)
      return { kind: 'secretsManager', ...secretSettingsFromEnv(env, client.secret) };
    if (client.edgercSection)
      return { kind: 'edgerc', path: edgercPath, section: client.edgercSection };
    return fromEnv;
  };
}

export function estatsSettingsFromEnv(env: Env): EstatsSettings {
  return {
    credentialSourceOf: akamaiCredentialSources(env),
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
    pacing: {
      fallbackIntervalMs: readInteger(
        env,
        'ESTATS_MIN_INTERVAL_MS',
        DEFAULT_ESTATS_MIN_INTERVAL_MS,
        { min: 0, max: 60_000 },
      ),
      maxInFlight: readInteger(env, 'ESTATS_MAX_IN_FLIGHT', DEFAULT_ESTATS_MAX_IN_FLIGHT, {
        min: 1,
        max: 64,
      }),
      windowMs: AKAMAI_RATE_WINDOW_MS,
    },
  };
}

/** What an eStats invocation is asked to do: a schedule, at a tick when the event says. */
export interface EstatsInvocation {
  schedule: EstatsSchedule;
  tick?: Tick;
}

/**
 * The schedule to run. A packaged schedule's event is `{"time": <tick>, "schedule": {…}}`
 * (serverless.yml inputTransformer); an event that is the schedule itself (it carries
 * `targets`) is taken as is; otherwise ESTATS_SCHEDULE (the same JSON in an env variable),
 * e.g. for a plain EventBridge "Scheduled Event" or `serverless invoke local` without `-p`.
 */
export function resolveEstatsInvocation(event: unknown, env: Env): EstatsInvocation {
  if (isRecord(event) && isRecord(event.schedule)) {
    return withTick(event, parseEstatsSchedule(event.schedule, 'schedule input (event.schedule)'));
  }
  if (isRecord(event) && 'targets' in event) {
    return { schedule: parseEstatsSchedule(event, 'schedule input (event)') };
  }
  const fromEnv = readOptionalString(env, 'ESTATS_SCHEDULE');
  if (fromEnv === undefined) {
    throw new ConfigurationError(
      'no eStats targets: the event has no "schedule" or "targets" and ESTATS_SCHEDULE is not set',
      {
        hint: 'list the schedule under "estats:" in the stage file (config/<stage>.yml); by hand, invoke with {"schedule": {"name": …, "targets": [{"cpCode": …}]}} (serverless invoke local -p event.json), or set ESTATS_SCHEDULE to that schedule\'s JSON',
      },
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(fromEnv);
  } catch (error) {
    throw new ConfigurationError(`ESTATS_SCHEDULE is not valid JSON: ${(error as Error).message}`);
  }
  return { schedule: parseEstatsSchedule(parsed, 'ESTATS_SCHEDULE') };
}
