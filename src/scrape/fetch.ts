import { getJsonSecret, invalidateSecret, type SecretSettings } from '../aws/secrets';
import { DEFAULT_MAX_RESPONSE_BYTES } from '../constants';
import type { Deadline } from '../shared/deadline';
import { ConfigurationError, HttpTransportError } from '../shared/errors';
import { headerValue, httpRequest, type HttpResponse, type TlsSettings } from '../shared/http';
import {
  authFromFields,
  authorizationHeaders,
  type HttpAuth,
  refusesCredentials,
} from '../shared/httpAuth';
import { scrubbedExcerpt } from '../shared/redaction';
import { maskUrlCredentials } from '../shared/urls';
import type { ResolvedTarget } from './schedule';

/**
 * What Prometheus 2.x asks an endpoint for: OpenMetrics first, then text 0.0.4, gzip'd. An
 * exporter then answers a Lambda as it answers Prometheus.
 */
export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/** A target's answer, ready to parse. */
export interface FetchedBody {
  body: string;
  contentType: string | undefined;
  /** Its size in bytes, unpacked (scrape_body_size_bytes). */
  bodyBytes: number;
  /** Whether its bytes are valid UTF-8 (Prometheus refuses a label value that is not). */
  validUtf8: boolean;
}

/**
 * Why a target gave nothing to store: it did not answer, answered with an error status, or
 * answered something that is not an exposition. Prometheus stores `up 0` for all of them,
 * and so do we; the run itself goes on.
 */
export class ScrapeFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScrapeFailure';
  }
}

/** Where a target's secret ids are set, as a missing secret's hint names them. */
const STAGE_FILE_AUTH = 'the stage file (config/<stage>.yml: scrape[].input.targets[].auth.secret)';
const STAGE_FILE_TLS = 'the stage file (config/<stage>.yml: scrape[].input.targets[].tls.secret)';

/** Where the credentials of the targets are read from (their secrets, cached like every secret). */
export type SecretSettingsOf = (secretId: string) => SecretSettings;

/**
 * Fetch one target as Prometheus does: GET with its params, its Accept header, gzip, its
 * `X-Prometheus-Scrape-Timeout-Seconds`, its auth (basic or bearer, from its secret) and TLS
 * settings, bounded by its timeout and the run's deadline. A secret that cannot be read is a
 * ConfigurationError (the operator's to fix); everything the target does is a ScrapeFailure.
 * A 401 or 403 reads the auth secret again, and when it changed (a rotation) asks once more.
 */
export async function fetchTarget(
  resolved: ResolvedTarget,
  secrets: SecretSettingsOf,
  deadline: Deadline,
  body: BodyBounds = {},
): Promise<FetchedBody> {
  const { target } = resolved;
  const auth = target.auth
    ? await readScrapeAuthSecret(target.auth.secret, secrets, deadline)
    : undefined;
  const tls = await tlsOf(resolved, secrets, deadline);
  const answer = await get(resolved, auth, tls, deadline, body);
  if (!target.auth || !refusesCredentials(answer.status)) return answered(resolved, answer);
  invalidateSecret(target.auth.secret);
  const fresh = await readScrapeAuthSecret(target.auth.secret, secrets, deadline);
  if (JSON.stringify(fresh) === JSON.stringify(auth)) return answered(resolved, answer);
  return answered(resolved, await get(resolved, fresh, tls, deadline, body));
}

/** How much of an answer a fetch may read, and where it asks for the memory. */
export interface BodyBounds {
  /** The largest body read (unpacked); default: the 16 MiB every answer is held to. */
  maxBytes?: number;
  /** What a body over maxBytes is told: where its limit comes from, and the way out. */
  tooLargeHint?: string;
  /** Asked for the memory the answer holds as it arrives (http.ts HttpRequest.reserve). */
  reserve?: (bytes: number) => Promise<void>;
}

async function get(
  { target, url, timeoutMs: ownTimeoutMs }: ResolvedTarget,
  auth: HttpAuth | undefined,
  tls: TlsSettings | undefined,
  deadline: Deadline,
  body: BodyBounds,
): Promise<HttpResponse> {
  const timeoutMs = Math.max(1, Math.min(ownTimeoutMs, deadline.remainingMs()));
  try {
    return await httpRequest({
      method: 'GET',
      url,
      headers: {
        accept: SCRAPE_ACCEPT,
        'user-agent': 'pushgate-collector',
        'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000),
        ...target.headers,
        ...(auth ? authorizationHeaders(auth) : {}),
      },
      timeoutMs,
      acceptGzip: true,
      maxResponseBytes: body.maxBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      ...(body.reserve ? { reserve: body.reserve } : {}),
      ...(tls ? { tls } : {}),
    });
  } catch (error) {
    if (!(error instanceof HttpTransportError)) throw error;
    if (error.code === 'too_large' && body.maxBytes !== undefined)
      throw new ScrapeFailure(`${error.message} (${body.tooLargeHint ?? 'the body limit'})`);
    throw new ScrapeFailure(error.message);
  }
}

/**
 * The body of a 2xx answer; any other status is the target's failure, quoting the start of
 * its body (never for a 401 or 403, whose body may quote the credentials it refused).
 */
function answered({ url }: ResolvedTarget, answer: HttpResponse): FetchedBody {
  if (answer.status < 200 || answer.status > 299) {
    const refused = refusesCredentials(answer.status);
    const excerpt = refused ? '' : scrubbedExcerpt(answer.body, 200).trim();
    const why = refused ? ' (the credentials were refused)' : excerpt ? `: ${excerpt}` : '';
    throw new ScrapeFailure(
      `GET ${maskUrlCredentials(url.origin + url.pathname)}: HTTP ${answer.status}${why}`,
    );
  }
  return {
    body: answer.body,
    contentType: headerValue(answer.headers, 'content-type'),
    bodyBytes: answer.bodyBytes,
    validUtf8: answer.validUtf8,
  };
}

/** A scrape target's auth secret, read and shaped as a scrape reads it. */
export async function readScrapeAuthSecret(
  secretId: string,
  secrets: SecretSettingsOf,
  deadline: Deadline,
): Promise<HttpAuth> {
  const settings = secrets(secretId);
  return getJsonSecret<HttpAuth>(secretId, {
    ttlMs: settings.cacheTtlMs,
    deadline,
    ...(settings.kmsKeyArn ? { kmsKeyArn: settings.kmsKeyArn } : {}),
    configuredAt: STAGE_FILE_AUTH,
    shape: (fields) =>
      authFromFields(fields, secretId, { service: 'scrape target', envPrefix: 'SCRAPE' }),
  });
}

async function tlsOf(
  { target }: ResolvedTarget,
  secrets: SecretSettingsOf,
  deadline: Deadline,
): Promise<TlsSettings | undefined> {
  const tls = target.tls;
  if (!tls) return undefined;
  const fromSecret = tls.secret ? await readScrapeTlsSecret(tls.secret, secrets, deadline) : {};
  return {
    ...fromSecret,
    ...(tls.serverName ? { serverName: tls.serverName } : {}),
    ...(tls.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
  };
}

/** A scrape target's TLS secret (PEM fields), read and shaped as a scrape reads it. */
export async function readScrapeTlsSecret(
  secretId: string,
  secrets: SecretSettingsOf,
  deadline: Deadline,
): Promise<Pick<TlsSettings, 'ca' | 'cert' | 'key'>> {
  const settings = secrets(secretId);
  return getJsonSecret(secretId, {
    ttlMs: settings.cacheTtlMs,
    deadline,
    ...(settings.kmsKeyArn ? { kmsKeyArn: settings.kmsKeyArn } : {}),
    configuredAt: STAGE_FILE_TLS,
    shape: (fields) => {
      const pem = (name: string) => {
        const value = fields[name];
        if (value === undefined) return {};
        if (typeof value !== 'string' || !value.includes('-----BEGIN '))
          throw new ConfigurationError(
            `scrape TLS secret ${JSON.stringify(secretId)}: "${name}" is not a PEM string`,
            {
              hint: 'store {"ca": "-----BEGIN CERTIFICATE-----…"}, and "cert" and "key" for a client certificate',
            },
          );
        return { [name]: value };
      };
      const found = { ...pem('ca'), ...pem('cert'), ...pem('key') };
      if ('cert' in found !== 'key' in found)
        throw new ConfigurationError(
          `scrape TLS secret ${JSON.stringify(secretId)}: holds ${'cert' in found ? '"cert" without "key"' : '"key" without "cert"'}`,
          { hint: 'a client certificate needs both' },
        );
      if (Object.keys(found).length === 0)
        throw new ConfigurationError(
          `scrape TLS secret ${JSON.stringify(secretId)}: holds none of "ca", "cert" and "key"`,
        );
      return found as Pick<TlsSettings, 'ca' | 'cert' | 'key'>;
    },
  });
}
