import { ConfigurationError } from '../shared/errors';
import { redact } from '../shared/logger';
import type { PushgatewayAuth } from './client';

/**
 * Pushgateway auth from its fields, as the environment or a Secrets Manager secret holds them:
 * `bearerToken`, or `username` and `password`, or nothing (no auth; a secret must hold one).
 */
export function authFromFields(
  fields: Record<string, unknown>,
  secretId: string | undefined,
): PushgatewayAuth {
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
