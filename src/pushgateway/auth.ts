import { ConfigurationError } from '../shared/errors';
import { redact } from '../shared/logger';
import type { PushgatewayAuth } from './client';

/** Whose auth: how errors name the service and its environment variables. */
export interface AuthOwner {
  service: string;
  envPrefix: string;
}

const PUSHGATEWAY: AuthOwner = { service: 'Pushgateway', envPrefix: 'PUSHGATEWAY' };

/**
 * HTTP auth (the Pushgateway's, or a remote-write receiver's) from its fields, as the
 * environment or a Secrets Manager secret holds them: `bearerToken`, or `username` and
 * `password`, or nothing (no auth; a secret must hold one).
 */
export function authFromFields(
  fields: Record<string, unknown>,
  secretId: string | undefined,
  owner: AuthOwner = PUSHGATEWAY,
): PushgatewayAuth {
  const where = secretId ? `secret ${JSON.stringify(secretId)}` : 'the environment';
  const { username, password, bearerToken } = fields;
  if (typeof bearerToken === 'string' && bearerToken !== '') {
    if (username !== undefined || password !== undefined) {
      throw new ConfigurationError(
        `${owner.service} auth in ${where}: set either a bearer token or a username and password, not both`,
      );
    }
    redact(bearerToken);
    return { kind: 'bearer', token: bearerToken };
  }
  if (username === undefined && password === undefined) {
    if (secretId) {
      throw new ConfigurationError(
        `${owner.service} auth in ${where}: holds neither "bearerToken" nor "username" and "password"`,
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
    throw new ConfigurationError(`${owner.service} basic auth in ${where}: ${missing} is missing`, {
      hint: secretId
        ? 'the secret needs both "username" and "password"'
        : `set both ${owner.envPrefix}_USERNAME and ${owner.envPrefix}_PASSWORD`,
    });
  }
  redact(password);
  return { kind: 'basic', username, password };
}
