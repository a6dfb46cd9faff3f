import { createHash } from 'node:crypto';
import EdgeGrid from 'akamai-edgegrid';
import type { EdgeGridCredentials } from './credentials';

export interface SignedRequest {
  url: URL;
  headers: Record<string, string>;
}

/**
 * EdgeGrid signing through akamai-edgegrid, used for its signature only: we send the request
 * with our own transport. Reasons (see reference/field-notes.md):
 * - every `new EdgeGrid()` adds interceptors to the *global* axios instance, so instances are
 *   cached per credential set (one per container, a second one only after a rotation);
 * - its `send()` hands a malformed body back as a string and follows its own redirect logic;
 * - with AKAMAI_LOG_LEVEL set it logs the signed Authorization header: we force it silent.
 */
const signers = new Map<string, EdgeGrid>();
const MAX_CACHED_SIGNERS = 4;

function signerFor(credentials: EdgeGridCredentials): EdgeGrid {
  const key = createHash('sha256')
    .update(
      [
        credentials.host,
        credentials.clientToken,
        credentials.clientSecret,
        credentials.accessToken,
      ].join('\0'),
    )
    .digest('hex');
  let signer = signers.get(key);
  if (!signer) {
    signer = new EdgeGrid(
      credentials.clientToken,
      credentials.clientSecret,
      credentials.accessToken,
      credentials.host,
    );
    // Not in the library's typings, but public API since 4.0.0.
    (signer as unknown as { enableLogging(option: boolean): void }).enableLogging(false);
    if (signers.size >= MAX_CACHED_SIGNERS) {
      const oldest = signers.keys().next().value;
      if (oldest !== undefined) signers.delete(oldest);
    }
    signers.set(key, signer);
  }
  return signer;
}

/**
 * Sign a JSON POST. The query string (e.g. `accountSwitchKey`) is part of the signed path, so
 * it goes through the library's `qs` option, never appended afterwards.
 */
export function signJsonPost(
  credentials: EdgeGridCredentials,
  path: string,
  body: string,
  query: Record<string, string> = {},
): SignedRequest {
  const signer = signerFor(credentials);
  const request = {
    path,
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    ...(Object.keys(query).length > 0 ? { qs: query } : {}),
  };
  signer.auth(request);
  const signed = signer.request as { url: string; headers: Record<string, string> };
  return { url: new URL(signed.url), headers: { ...signed.headers } };
}
