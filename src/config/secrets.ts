import type { SecretSettings } from '../aws/secrets';
import { DEFAULT_SECRET_CACHE_TTL_SECONDS } from '../constants';
import { type Env, readInteger, readOptionalString } from './env';

/** The settings of secret `secretId` (SECRET_CACHE_TTL_SECONDS, SECRETS_KMS_KEY_ARN). */
export function secretSettingsFromEnv(env: Env, secretId: string): SecretSettings {
  const kmsKeyArn = readOptionalString(env, 'SECRETS_KMS_KEY_ARN');
  return {
    secretId,
    cacheTtlMs:
      readInteger(env, 'SECRET_CACHE_TTL_SECONDS', DEFAULT_SECRET_CACHE_TTL_SECONDS, { min: 0 }) *
      1000,
    ...(kmsKeyArn ? { kmsKeyArn } : {}),
  };
}
