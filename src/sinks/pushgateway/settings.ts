import { authFromFields } from '../../shared/httpAuth';
import {
  DEFAULT_PUSH_RETRY,
  DEFAULT_PUSH_TIMEOUT_MS,
  DEFAULT_PUSHGATEWAY_URL,
} from '../../constants';
import { PUSHGATEWAY_AUTH } from './client';
import { secretSettingsFromEnv } from '../../config/secrets';
import type { PushgatewaySettings } from './connect';
import { ConfigurationError } from '../../shared/errors';
import { hasCredentials, maskUrlCredentials } from '../../shared/urls';
import {
  type Env,
  readInteger,
  readOptionalInteger,
  readOptionalString,
  readUrlList,
} from '../../config/env';

/**
 * Read once, no I/O. PUSHGATEWAY_URL may list several Pushgateways; they share one set of
 * credentials: in the environment (locally), or named by PUSHGATEWAY_AUTH_SECRET_ID (Secrets
 * Manager, in the cloud) and read by connectPushgateway.
 */
export function pushgatewaySettingsFromEnv(env: Env): PushgatewaySettings {
  const urls = readUrlList(env, 'PUSHGATEWAY_URL', DEFAULT_PUSHGATEWAY_URL);
  const withCredentials = urls.filter(hasCredentials);
  if (withCredentials.length > 0) {
    const shown = withCredentials.map((url) => maskUrlCredentials(url.href)).join(', ');
    throw new ConfigurationError(`PUSHGATEWAY_URL ${shown} must not hold credentials`, {
      hint: 'use PUSHGATEWAY_USERNAME / PUSHGATEWAY_PASSWORD or PUSHGATEWAY_AUTH_SECRET_ID, so they stay out of logs',
    });
  }
  const secretId = readOptionalString(env, 'PUSHGATEWAY_AUTH_SECRET_ID');
  return {
    urls,
    // How many Pushgateways must take every group for a run to count as delivered.
    quorum: readInteger(env, 'PUSHGATEWAY_QUORUM', 1, { min: 1, max: urls.length }),
    auth: secretId
      ? { kind: 'secret', ...secretSettingsFromEnv(env, secretId) }
      : authFromFields(
          {
            username: readOptionalString(env, 'PUSHGATEWAY_USERNAME'),
            password: readOptionalString(env, 'PUSHGATEWAY_PASSWORD'),
            bearerToken: readOptionalString(env, 'PUSHGATEWAY_BEARER_TOKEN'),
          },
          undefined,
          PUSHGATEWAY_AUTH,
        ),
    requestTimeoutMs: readInteger(env, 'PUSHGATEWAY_TIMEOUT_MS', DEFAULT_PUSH_TIMEOUT_MS, {
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
  };
}
