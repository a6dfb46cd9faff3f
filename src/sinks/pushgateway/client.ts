import { HttpTransportError } from '../../shared/errors';
import { scrubbedExcerpt } from '../../shared/redaction';
import {
  type AuthSource,
  authorizationHeaders,
  fixedAuth,
  type HttpAuth,
  isAuthSource,
  refusesCredentials,
} from '../../shared/httpAuth';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { DEFAULT_PUSH_RETRY, DEFAULT_PUSH_TIMEOUT_MS, MIN_PUSH_ATTEMPT_MS } from '../../constants';
import type { BackoffPolicy } from '../../shared/backoff';
import { type Deadline, NO_DEADLINE } from '../../shared/deadline';
import { httpRequest } from '../../shared/http';
import { refusedAttempt, retryWithinDeadline } from '../../shared/retry';
import type { ListedGroup } from '../types';
import { PushError } from './errors';
import { describeGroup, type GroupingKey } from '../../metrics/groups';
import { groupingPath } from './grouping';

const gzipAsync = promisify(gzip);

/** Text exposition format 0.0.4: the one the Pushgateway parses (it refuses OpenMetrics). */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type PushgatewayAuth = HttpAuth;

/** How auth errors name the Pushgateway and its variables. */
export const PUSHGATEWAY_AUTH = { service: 'Pushgateway', envPrefix: 'PUSHGATEWAY' };

export interface PushgatewayClientOptions {
  /** Base URL, e.g. `http://pushgateway:9091` (a path prefix is kept). */
  url: URL;
  /** Fixed credentials, or a secret's that a 401 / 403 reads again (rotation). */
  auth?: PushgatewayAuth | AuthSource;
  /** Timeout of one HTTP attempt. */
  requestTimeoutMs?: number;
  retry?: BackoffPolicy;
  /**
   * gzip request bodies of at least this many bytes (0 = always). Default: never. On the
   * loopback or in a VPC, compressing costs more client time than the bytes it saves
   * (docs/performance.md); across a metered or slow link it pays off for large groups.
   */
  gzipMinBytes?: number;
  /** Injected for tests: the jitter source. */
  random?: () => number;
}

const NEVER_GZIP = Number.POSITIVE_INFINITY;

export interface PushResult {
  group: string;
  attempts: number;
  bytesSent: number;
}

/**
 * Our Pushgateway client. Compared with prom-client's `Pushgateway`: grouping values are
 * base64-encoded where needed, every attempt has a timeout, network errors / 5xx / 429 are
 * retried with capped exponential backoff and jitter inside the caller's deadline, other 4xx
 * fail at once with the Pushgateway's own reason, and large bodies can be gzipped.
 */
export class PushgatewayClient {
  private readonly options: Required<Omit<PushgatewayClientOptions, 'auth'>> & {
    auth: AuthSource;
  };

  constructor(options: PushgatewayClientOptions) {
    // `??` per option, not a spread: an option given as `undefined` keeps its default.
    this.options = {
      url: options.url,
      auth: isAuthSource(options.auth) ? options.auth : fixedAuth(options.auth),
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS,
      retry: options.retry ?? DEFAULT_PUSH_RETRY,
      gzipMinBytes: options.gzipMinBytes ?? NEVER_GZIP,
      random: options.random ?? Math.random,
    };
  }

  /** PUT: replace the whole group with `body` (text exposition format). */
  put(key: GroupingKey, body: string, deadline: Deadline = NO_DEADLINE): Promise<PushResult> {
    return this.send('PUT', key, body, deadline);
  }

  /** POST: replace only the metric families present in `body`; the rest of the group stays. */
  post(key: GroupingKey, body: string, deadline: Deadline = NO_DEADLINE): Promise<PushResult> {
    return this.send('POST', key, body, deadline);
  }

  /** DELETE the whole group. The Pushgateway answers 202 whether or not it existed. */
  delete(key: GroupingKey, deadline: Deadline = NO_DEADLINE): Promise<PushResult> {
    return this.send('DELETE', key, undefined, deadline);
  }

  /**
   * Every group the Pushgateway holds (its `/api/v1/metrics`): grouping labels, and the
   * series of each metric, e.g. to find the groups of removed targets and who owns them.
   */
  async listGroups(deadline: Deadline = NO_DEADLINE): Promise<PushgatewayGroup[]> {
    const { body } = await this.request(
      'GET',
      '/api/v1/metrics',
      'group list',
      undefined,
      deadline,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new PushError(
        'GET /api/v1/metrics: the Pushgateway answered something that is not JSON',
        {
          group: 'group list',
          retryable: false,
          hint: 'check that PUSHGATEWAY_URL points at a Pushgateway (1.x)',
        },
      );
    }
    const data = (parsed as { data?: unknown }).data;
    if (!Array.isArray(data)) return [];
    return data.flatMap((entry): PushgatewayGroup[] => {
      if (typeof entry !== 'object' || entry === null) return [];
      const { labels, ...families } = entry as Record<string, unknown>;
      if (typeof labels !== 'object' || labels === null) return [];
      return [{ labels: labels as Record<string, string>, series: seriesOf(families) }];
    });
  }

  private async send(
    method: 'PUT' | 'POST' | 'DELETE',
    key: GroupingKey,
    text: string | undefined,
    deadline: Deadline,
  ): Promise<PushResult> {
    // Validates job and label names before anything goes on the wire.
    const path = groupingPath(key);
    const { result } = await this.request(method, path, describeGroup(key), text, deadline);
    return result;
  }

  /** The request with its retries; refused credentials are read again once, then it goes again. */
  private async request(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    group: string,
    text: string | undefined,
    deadline: Deadline,
  ): Promise<{ result: PushResult; body: string }> {
    try {
      return await this.attempts(method, path, group, text, deadline);
    } catch (error) {
      if (
        error instanceof PushError &&
        refusesCredentials(error.status) &&
        (await this.options.auth.refresh?.(deadline))
      )
        return await this.attempts(method, path, group, text, deadline);
      throw error;
    }
  }

  private async attempts(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    group: string,
    text: string | undefined,
    deadline: Deadline,
  ): Promise<{ result: PushResult; body: string }> {
    const url = new URL(this.options.url.pathname.replace(/\/+$/, '') + path, this.options.url);
    const headers: Record<string, string> = {
      ...authorizationHeaders(this.options.auth.current()),
    };
    // The text as is: node:http encodes it straight onto the socket, so a large group is not
    // held twice (string and bytes) for the whole push and its retries.
    let body: string | Buffer | undefined = text;
    if (text !== undefined) {
      headers['content-type'] = EXPOSITION_CONTENT_TYPE;
      const { gzipMinBytes } = this.options;
      if (gzipMinBytes !== NEVER_GZIP && Buffer.byteLength(text, 'utf8') >= gzipMinBytes) {
        body = await gzipAsync(text);
        headers['content-encoding'] = 'gzip';
      }
    }

    const { value: response, attempts } = await retryWithinDeadline<
      { status: number; body: string },
      PushError
    >({
      policy: this.options.retry,
      deadline,
      attemptTimeoutMs: this.options.requestTimeoutMs,
      minAttemptMs: MIN_PUSH_ATTEMPT_MS,
      random: this.options.random,
      noTimeLeft: () =>
        new PushError(`${method} ${group}: no time left in this invocation`, {
          group,
          retryable: true,
          hint: 'raise the function timeout, or push fewer groups per run',
        }),
      withNote: (error, note) => error.withNote(note),
      deadlineNote: (_delayMs, attempt) =>
        `gave up after ${attempt} attempts: not enough time left to retry`,
      attempt: async (_attempt, timeoutMs) => {
        let answer: Awaited<ReturnType<typeof httpRequest>>;
        try {
          answer = await httpRequest({
            method,
            url,
            headers,
            body,
            timeoutMs,
            // A group list can be large; a push answer is a line of text at most.
            maxResponseBytes: method === 'GET' ? 256 * 1024 * 1024 : 64 * 1024,
          });
        } catch (error) {
          if (!(error instanceof HttpTransportError)) throw error;
          return {
            ok: false,
            retryable: true,
            error: new PushError(
              `${method} ${group} to ${this.options.url.origin}: ${error.message}`,
              {
                group,
                retryable: true,
                cause: error,
                hint:
                  error.code === 'timeout'
                    ? 'the Pushgateway is slow or unreachable; check its load and the network path'
                    : 'check that the Pushgateway is running and PUSHGATEWAY_URL is right',
              },
            ),
          };
        }
        if (answer.status >= 200 && answer.status < 300) return { ok: true, value: answer };
        const failure = this.statusError(method, group, answer.status, answer.body);
        return refusedAttempt(failure, failure.retryable, answer.headers);
      },
    });
    return {
      result: {
        group,
        attempts,
        bytesSent: body === undefined ? 0 : Buffer.byteLength(body),
      },
      body: response.body,
    };
  }

  private statusError(method: string, group: string, status: number, body: string): PushError {
    // An answer may quote the request back (a proxy echoing its headers): never a credential.
    const reason = scrubbedExcerpt(body.trim(), 1000) || '(empty answer)';
    const retryable = status >= 500 || status === 429;
    let hint: string | undefined;
    if (status === 400) {
      hint =
        'the Pushgateway refused the metrics (inconsistent with other groups, or not parseable); nothing of this push was stored';
    } else if (status === 401 || status === 403) {
      hint =
        'check the Pushgateway credentials (PUSHGATEWAY_USERNAME/PASSWORD, PUSHGATEWAY_BEARER_TOKEN or PUSHGATEWAY_AUTH_SECRET_ID)';
    } else if (status >= 300 && status < 400) {
      hint = 'the Pushgateway redirected the push; check PUSHGATEWAY_URL (scheme, path prefix)';
    }
    return new PushError(`${method} ${group}: Pushgateway answered HTTP ${status}: ${reason}`, {
      group,
      status,
      retryable,
      hint,
    });
  }
}

/** One group as the Pushgateway lists it. */
/** A group as the Pushgateway lists it. */
export type PushgatewayGroup = ListedGroup;

function seriesOf(families: Record<string, unknown>): PushgatewayGroup['series'] {
  const series: PushgatewayGroup['series'] = {};
  for (const [name, family] of Object.entries(families)) {
    const metrics = (family as { metrics?: unknown } | null)?.metrics;
    if (Array.isArray(metrics))
      series[name] = metrics.filter(
        (m): m is { labels: Record<string, string>; value: string } =>
          typeof m === 'object' && m !== null && typeof m.labels === 'object',
      );
  }
  return series;
}
