/**
 * URLs as configuration gives them: shown without their credentials, compared the way a
 * server would read them, and checked for query parameters that look like secrets.
 */

/** What credentials in a URL become when it is shown. */
export const MASK = '***';

/**
 * `text` with the user and password of every URL in it masked: `https://***:***@host/`. Works
 * on any text (an error message, a value that does not parse as a URL).
 */
export function maskUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)([^\s/@]*)@/gi, (_all, scheme: string, info) =>
    (info as string).includes(':') ? `${scheme}${MASK}:${MASK}@` : `${scheme}${MASK}@`,
  );
}

/** Whether a URL carries a user or a password. */
export function hasCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/**
 * Names (of a query parameter, a header) that say their value is a credential: a token, a
 * key, a signature, a password, a session. Written into a stage file, such a value lands in
 * the EventBridge rule, the CloudFormation template, labels and log lines. The one detector
 * every check of configuration uses. (Bare `auth` is not one: snmp_exporter's `auth=` names a
 * configuration, not a secret.)
 */
const CREDENTIAL_NAME =
  /(^|[-_.])(token|key|apikey|api_key|sig|signature|password|passwd|pwd|secret|authorization|credential|credentials|session|access_token|x-amz-signature|x-amz-credential|cookie)$/i;

/** Whether a parameter or header of this name carries a credential. */
export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(name);
}

/** The names of the query parameters of `url` that look like secrets. */
export function secretLookingParams(url: URL): string[] {
  return [...new Set([...url.searchParams.keys()].filter(isCredentialName))];
}

/**
 * What makes a URL of the configuration hold a credential (its user or password, a parameter
 * named like one), or undefined when it holds none.
 */
export function credentialsInUrl(url: URL): string | undefined {
  if (hasCredentials(url)) return 'a user or password';
  const params = secretLookingParams(url);
  return params.length > 0
    ? `the parameter${params.length > 1 ? 's' : ''} ${params.join(', ')}`
    : undefined;
}

/**
 * The form two spellings of one resource share: the URL parser's (host in lower case, the
 * default port dropped, `%7E` and `~` alike) without trailing slashes on the path. Query and
 * fragment stay as given: they may select different content.
 */
export function canonicalUrl(raw: string): string {
  const url = new URL(raw);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

/** Whether the host is this machine (credentials to it never cross a network). */
export function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host)
  );
}
