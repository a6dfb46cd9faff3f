import type { Deadline } from './deadline';
import { ConfigurationError } from './errors';
import { redact } from './redaction';
import { isLoopback } from './urls';

/** HTTP auth of a receiver we send to (the Pushgateway, a remote-write receiver, a target). */
export type HttpAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string }
  /** Headers of the secret's own (an API key header), sent as they are. */
  | { kind: 'headers'; headers: Record<string, string> };

/** The Authorization header of `auth`, if it has one. */
export function authorizationHeaders(auth: HttpAuth): Record<string, string> {
  switch (auth.kind) {
    case 'basic':
      return {
        authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
      };
    case 'bearer':
      return { authorization: `Bearer ${auth.token}` };
    case 'headers':
      return auth.headers;
    default:
      return {};
  }
}

/** Whose auth: how errors name the service and its environment variables. */
export interface AuthOwner {
  service: string;
  envPrefix: string;
}

/**
 * HTTP auth (the Pushgateway's, or a remote-write receiver's) from its fields, as the
 * environment or a Secrets Manager secret holds them: `bearerToken`, or `username` and
 * `password`, or nothing (no auth; a secret must hold one).
 */
export function authFromFields(
  fields: Record<string, unknown>,
  secretId: string | undefined,
  owner: AuthOwner,
): HttpAuth {
  const where = secretId ? `secret ${JSON.stringify(secretId)}` : 'the environment';
  const { username, password, bearerToken, headers } = fields;
  if (headers !== undefined) return headerAuth(headers, fields, where, owner);
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
  // The Authorization header a refusing server may quote back.
  redact(Buffer.from(`${username}:${password}`).toString('base64'));
  return { kind: 'basic', username, password };
}

/**
 * The auth of a receiver as its client reads it at each request: fixed (the environment's), or
 * a secret's, which a 401 or 403 may have outdated (rotation).
 */
export interface AuthSource {
  current(): HttpAuth;
  /**
   * After a 401 or 403: read the credentials again, at most once per run however many
   * requests were refused. Resolves whether they changed (then the request is worth sending
   * again); false when they did not, or could not be read.
   */
  refresh?(deadline: Deadline): Promise<boolean>;
}

/** An AuthSource of fixed credentials (or none). */
export function fixedAuth(auth: HttpAuth = { kind: 'none' }): AuthSource {
  return { current: () => auth };
}

/** Whether `auth` is an AuthSource rather than plain credentials. */
export function isAuthSource(auth: HttpAuth | AuthSource | undefined): auth is AuthSource {
  return typeof (auth as AuthSource | undefined)?.current === 'function';
}

/** `{"headers": {"X-Api-Key": "…"}}`: header names and values, each value a credential. */
function headerAuth(
  headers: unknown,
  fields: Record<string, unknown>,
  where: string,
  owner: AuthOwner,
): HttpAuth {
  const others = ['username', 'password', 'bearerToken'].filter((f) => fields[f] !== undefined);
  if (others.length > 0)
    throw new ConfigurationError(
      `${owner.service} auth in ${where}: set either "headers" or ${others.map((f) => `"${f}"`).join(' and ')}, not both`,
    );
  const entries =
    typeof headers === 'object' && headers !== null && !Array.isArray(headers)
      ? Object.entries(headers)
      : [];
  if (
    entries.length === 0 ||
    entries.some(
      ([name, value]) =>
        typeof value !== 'string' || value === '' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name),
    )
  )
    throw new ConfigurationError(
      `${owner.service} auth in ${where}: "headers" must be an object of header names and non-empty string values`,
      { hint: 'store {"headers": {"X-Api-Key": "…"}}' },
    );
  for (const [, value] of entries) redact(value as string);
  return { kind: 'headers', headers: Object.fromEntries(entries) as Record<string, string> };
}

/** The HTTP statuses that say the credentials were refused. */
export function refusesCredentials(status: number | undefined): boolean {
  return status === 401 || status === 403;
}

/**
 * The warning for credentials sent over plain http:// to another host: anyone on the path
 * reads them. Loopback is exempt (a sidecar, a local test); https:// is what to use.
 */
export function clearTextCredentialsWarning(
  service: string,
  url: URL,
  hasAuth: boolean,
): string | undefined {
  if (!hasAuth || url.protocol !== 'http:' || isLoopback(url)) return undefined;
  return `${service} ${url.origin}: credentials are sent over plain http:// to a host that is not this machine, readable by anyone on the network path; use https://`;
}
