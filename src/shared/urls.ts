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
 * Query parameter names that say their value is a secret: a token, a key, a signature, a
 * password. Their value then travels in a label, a log line and the eStats request.
 */
const SECRET_PARAM =
  /(^|[-_.])(token|key|apikey|api_key|sig|signature|password|passwd|pwd|secret|auth|authorization|credential|credentials|session|access_token|x-amz-signature|x-amz-credential)$/i;

/** The names of the query parameters of `url` that look like secrets. */
export function secretLookingParams(url: URL): string[] {
  return [...new Set([...url.searchParams.keys()].filter((name) => SECRET_PARAM.test(name)))];
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
