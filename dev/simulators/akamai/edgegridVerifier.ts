import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Server-side EdgeGrid (EG1-HMAC-SHA256) verification, written from Akamai's published
 * algorithm (not from the client library, so it can catch the library's mistakes or ours):
 *
 *   signingKey = base64(HMAC-SHA256(clientSecret, timestamp))
 *   dataToSign = method \t scheme \t host \t path+query \t canonicalHeaders \t contentHash \t
 *                "EG1-HMAC-SHA256 client_token=…;access_token=…;timestamp=…;nonce=…;"
 *   signature  = base64(HMAC-SHA256(signingKey, dataToSign))
 *   contentHash = base64(SHA-256(first 131072 bytes of a POST body)), empty otherwise
 *
 * Like Akamai's gateway it also refuses a timestamp more than 30 s off, a reused nonce, an
 * unknown or inactive client token, and a client token used with another access token.
 */
export interface ApiClient {
  clientSecret: string;
  accessToken: string;
  active?: boolean;
}

export type Verification =
  | { ok: true; clientToken: string }
  | { ok: false; status: 400 | 401; type: string; title: string; detail: string };

export const MAX_SIGNED_BODY_BYTES = 131072;
const MAX_CLOCK_SKEW_MS = 30_000;
const AUTHN_DENY = 'https://problems.luna.akamaiapis.net/-/pep-authn/deny';
const AUTHN_REQUEST_ERROR = 'https://problems.luna.akamaiapis.net/-/pep-authn/request-error';

export interface SignedRequestParts {
  method: string;
  scheme: 'https' | 'http';
  /** Host header as received, `host[:port]`. */
  host: string;
  /** Path with its query string, exactly as sent. */
  pathWithQuery: string;
  body: Buffer;
  authorization: string | undefined;
  /** Canonical headers, in the API's headers-to-sign order (none for eStats). */
  signedHeaders?: Array<[string, string]>;
}

export class EdgeGridVerifier {
  private readonly seenNonces = new Map<string, number>();

  constructor(
    private readonly clients: ReadonlyMap<string, ApiClient>,
    private readonly now: () => number = Date.now,
  ) {}

  verify(request: SignedRequestParts): Verification {
    const auth = parseAuthorization(request.authorization);
    if (!auth) return deny(401, AUTHN_DENY, 'Not authorized', 'Invalid authorization header');
    const client = this.clients.get(auth.client_token);
    if (!client || client.active === false) {
      return deny(401, AUTHN_DENY, 'Not authorized', 'Inactive client token');
    }
    if (client.accessToken !== auth.access_token) {
      return deny(401, AUTHN_DENY, 'Not authorized', 'Invalid access token');
    }
    const time = parseTimestamp(auth.timestamp);
    if (time === undefined || Math.abs(this.now() - time) > MAX_CLOCK_SKEW_MS) {
      return deny(400, AUTHN_REQUEST_ERROR, 'Bad request', 'Invalid timestamp');
    }
    const expected = computeSignature(request, client.clientSecret, {
      client_token: auth.client_token,
      access_token: auth.access_token,
      timestamp: auth.timestamp,
      nonce: auth.nonce,
    });
    if (!safeEqual(expected, auth.signature)) {
      return deny(401, AUTHN_DENY, 'Not authorized', 'The signature does not match');
    }
    this.forgetOldNonces();
    if (this.seenNonces.has(auth.nonce)) {
      return deny(401, AUTHN_DENY, 'Not authorized', 'Replayed nonce');
    }
    this.seenNonces.set(auth.nonce, this.now());
    return { ok: true, clientToken: auth.client_token };
  }

  private forgetOldNonces(): void {
    const horizon = this.now() - 2 * MAX_CLOCK_SKEW_MS;
    for (const [nonce, at] of this.seenNonces) {
      if (at < horizon) this.seenNonces.delete(nonce);
      else break;
    }
  }
}

export function computeSignature(
  request: Omit<SignedRequestParts, 'authorization'>,
  clientSecret: string,
  fields: { client_token: string; access_token: string; timestamp: string; nonce: string },
): string {
  const authPrefix = `EG1-HMAC-SHA256 client_token=${fields.client_token};access_token=${fields.access_token};timestamp=${fields.timestamp};nonce=${fields.nonce};`;
  const contentHash =
    request.method.toUpperCase() === 'POST' && request.body.length > 0
      ? createHash('sha256')
          .update(request.body.subarray(0, MAX_SIGNED_BODY_BYTES))
          .digest('base64')
      : '';
  const canonicalHeaders = (request.signedHeaders ?? [])
    .map(([name, value]) => `${name.toLowerCase()}:${value.trim().replace(/\s+/g, ' ')}`)
    .join('\t');
  const dataToSign = [
    request.method.toUpperCase(),
    request.scheme,
    request.host.toLowerCase(),
    request.pathWithQuery,
    canonicalHeaders,
    contentHash,
    authPrefix,
  ].join('\t');
  const signingKey = createHmac('sha256', clientSecret).update(fields.timestamp).digest('base64');
  return createHmac('sha256', signingKey).update(dataToSign).digest('base64');
}

interface AuthorizationFields {
  client_token: string;
  access_token: string;
  timestamp: string;
  nonce: string;
  signature: string;
}

function parseAuthorization(header: string | undefined): AuthorizationFields | undefined {
  const match = header?.match(/^EG1-HMAC-SHA256 (.*)$/);
  if (!match?.[1]) return undefined;
  const fields = new Map<string, string>();
  for (const part of match[1].split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1));
  }
  const names = ['client_token', 'access_token', 'timestamp', 'nonce', 'signature'] as const;
  if (!names.every((name) => fields.get(name))) return undefined;
  return {
    client_token: fields.get('client_token') ?? '',
    access_token: fields.get('access_token') ?? '',
    timestamp: fields.get('timestamp') ?? '',
    nonce: fields.get('nonce') ?? '',
    signature: fields.get('signature') ?? '',
  };
}

/** `yyyyMMddTHH:mm:ss+0000` → epoch ms. */
function parseTimestamp(value: string): number | undefined {
  const m = value.match(/^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})\+0000$/);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function deny(status: 400 | 401, type: string, title: string, detail: string): Verification {
  return { ok: false, status, type, title, detail };
}
