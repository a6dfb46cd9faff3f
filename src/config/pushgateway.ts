import { getJsonSecret } from '../aws/secrets';
import { DEFAULT_PUSH_RETRY, type PushgatewayAuth, PushgatewayClient } from '../pushgateway/client';
import type { Deadline } from '../shared/deadline';
import { ConfigurationError } from '../shared/errors';
import { redact } from '../shared/logger';
import { type Env, readInteger, readOptionalInteger, readOptionalString, readUrl } from './env';

export const DEFAULT_PUSHGATEWAY_URL = 'http://127.0.0.1:9091';

/**
 * The push client as the environment describes it. Credentials come from
 * PUSHGATEWAY_AUTH_SECRET_ID (Secrets Manager, in the cloud) or from env variables (locally).
 */
export async function pushgatewayFromEnv(env: Env, deadline: Deadline): Promise<PushgatewayClient> {
  const url = readUrl(env, 'PUSHGATEWAY_URL', DEFAULT_PUSHGATEWAY_URL);
  if (url.username || url.password) {
    throw new ConfigurationError('PUSHGATEWAY_URL must not hold credentials', {
      hint: 'use PUSHGATEWAY_USERNAME / PUSHGATEWAY_PASSWORD or PUSHGATEWAY_AUTH_SECRET_ID, so they stay out of logs',
    });
  }
  return new PushgatewayClient({
    url,
    auth: await pushgatewayAuthFromEnv(env, deadline),
    requestTimeoutMs: readInteger(env, 'PUSHGATEWAY_TIMEOUT_MS', 10_000, {
      min: 100,
      max: 300_000,
    }),
    gzipMinBytes: readOptionalInteger(env, 'PUSHGATEWAY_GZIP_MIN_BYTES', { min: 0 }),
    retry: {
      ...DEFAULT_PUSH_RETRY,
      maxAttempts: readInteger(env, 'PUSHGATEWAY_MAX_ATTEMPTS', DEFAULT_PUSH_RETRY.maxAttempts, {
        min: 1,
        max: 10,
      }),
    },
  });
}

async function pushgatewayAuthFromEnv(env: Env, deadline: Deadline): Promise<PushgatewayAuth> {
  const secretId = readOptionalString(env, 'PUSHGATEWAY_AUTH_SECRET_ID');
  const fields: Record<string, unknown> = secretId
    ? await getJsonSecret(secretId, {
        deadline,
        ttlMs: readInteger(env, 'SECRET_CACHE_TTL_SECONDS', 300, { min: 0 }) * 1000,
      })
    : {
        username: readOptionalString(env, 'PUSHGATEWAY_USERNAME'),
        password: readOptionalString(env, 'PUSHGATEWAY_PASSWORD'),
        bearerToken: readOptionalString(env, 'PUSHGATEWAY_BEARER_TOKEN'),
      };
  const where = secretId ? `secret ${JSON.stringify(secretId)}` : 'the environment';
  const { username, password, bearerToken } = fields;
  if (typeof bearerToken === 'string' && bearerToken !== '') {
    if (username !== undefined || password !== undefined) {
      throw new ConfigurationError(
        `Pushgateway auth in ${where}: set either a bearer token or a username and password, not both`,
      );
    }
    redact(bearerToken);
    return { kind: 'bearer', token: bearerToken };
  }
  if (username === undefined && password === undefined) {
    if (secretId) {
      throw new ConfigurationError(
        `Pushgateway auth in ${where}: holds neither "bearerToken" nor "username" and "password"`,
      );
    }
    return { kind: 'none' };
  }
  if (
    typeof username !== 'string' ||
    typeof password !== 'string' ||
    username === '' ||
    password === ''
  ) {
    const missing = typeof username === 'string' && username !== '' ? 'password' : 'username';
    throw new ConfigurationError(`Pushgateway basic auth in ${where}: ${missing} is missing`, {
      hint: secretId
        ? 'the secret needs both "username" and "password"'
        : 'set both PUSHGATEWAY_USERNAME and PUSHGATEWAY_PASSWORD',
    });
  }
  redact(password);
  return { kind: 'basic', username, password };
}
