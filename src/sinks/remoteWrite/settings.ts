import { DEFAULT_PUSH_RETRY } from '../../constants';
import { authFromFields } from '../../shared/httpAuth';
import type { SecretSettings } from '../../aws/secrets';
import { secretSettingsFromEnv } from '../../config/secrets';
import type { RemoteWriteClientOptions } from './client';
import { sigv4Signer } from './sigv4';
import { ConfigurationError } from '../../shared/errors';
import { type Env, readInteger, readOptionalString, readSingleUrl } from '../../config/env';
import { hasCredentials, maskUrlCredentials } from '../../shared/urls';

/** How auth errors name remote write and its variables. */
export const REMOTE_WRITE_AUTH = { service: 'remote write', envPrefix: 'REMOTE_WRITE' };

/** Where remote write goes without REMOTE_WRITE_MAX_BYTES: 1 MiB, within every hosted receiver's limit. */
export const DEFAULT_REMOTE_WRITE_MAX_BYTES = 1024 * 1024;

/**
 * The remote-write client as the environment describes it (no I/O). Credentials are in the
 * environment, or in the Secrets Manager secret REMOTE_WRITE_AUTH_SECRET_ID names (read by
 * remoteWrite/sink.ts), or SigV4's (REMOTE_WRITE_SIGV4_REGION).
 */
export function remoteWriteOptionsFromEnv(env: Env): RemoteWriteClientOptions & {
  authSecret?: SecretSettings;
} {
  const parsed = readSingleUrl(env, 'REMOTE_WRITE_URL');
  if (!parsed)
    throw new ConfigurationError('SINKS names remote-write, but REMOTE_WRITE_URL is not set', {
      hint: "set REMOTE_WRITE_URL to the receiver's write endpoint, e.g. http://mimir:8080/api/v1/push",
    });
  if (hasCredentials(parsed))
    throw new ConfigurationError(
      `REMOTE_WRITE_URL ${maskUrlCredentials(parsed.href)} must not hold credentials`,
      {
        hint: 'use REMOTE_WRITE_USERNAME / REMOTE_WRITE_PASSWORD, REMOTE_WRITE_BEARER_TOKEN or REMOTE_WRITE_AUTH_SECRET_ID, so they stay out of logs',
      },
    );
  const region = readOptionalString(env, 'REMOTE_WRITE_SIGV4_REGION');
  const auth = authFromFields(
    {
      username: readOptionalString(env, 'REMOTE_WRITE_USERNAME'),
      password: readOptionalString(env, 'REMOTE_WRITE_PASSWORD'),
      bearerToken: readOptionalString(env, 'REMOTE_WRITE_BEARER_TOKEN'),
    },
    undefined,
    REMOTE_WRITE_AUTH,
  );
  const secretId = readOptionalString(env, 'REMOTE_WRITE_AUTH_SECRET_ID');
  const ways = [
    region && 'REMOTE_WRITE_SIGV4_REGION',
    secretId && 'REMOTE_WRITE_AUTH_SECRET_ID',
    auth.kind !== 'none' && 'REMOTE_WRITE_USERNAME/PASSWORD or _BEARER_TOKEN',
  ].filter(Boolean);
  if (ways.length > 1)
    throw new ConfigurationError(
      `remote write: ${ways.join(' and ')} are ${ways.length === 2 ? 'both' : 'all'} set; choose one`,
      {
        hint: 'Amazon Managed Service for Prometheus takes SigV4 only; elsewhere, credentials in the environment or in a secret',
      },
    );
  const tenant = readOptionalString(env, 'REMOTE_WRITE_TENANT');
  return {
    url: parsed,
    auth,
    ...(secretId
      ? {
          authSecret: secretSettingsFromEnv(env, secretId),
        }
      : {}),
    ...(tenant ? { tenant } : {}),
    ...(region ? { sign: sigv4Signer(region) } : {}),
    maxRequestBytes: readInteger(env, 'REMOTE_WRITE_MAX_BYTES', DEFAULT_REMOTE_WRITE_MAX_BYTES, {
      min: 4096,
      max: 64 * 1024 * 1024,
    }),
    concurrency: readInteger(env, 'REMOTE_WRITE_CONCURRENCY', 4, { min: 1, max: 32 }),
    requestTimeoutMs: readInteger(env, 'REMOTE_WRITE_TIMEOUT_MS', 10_000, {
      min: 100,
      max: 300_000,
    }),
    retry: {
      ...DEFAULT_PUSH_RETRY,
      maxAttempts: readInteger(env, 'REMOTE_WRITE_MAX_ATTEMPTS', DEFAULT_PUSH_RETRY.maxAttempts, {
        min: 1,
        max: 10,
      }),
    },
  };
}
