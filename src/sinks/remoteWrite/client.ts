import { MIN_PUSH_ATTEMPT_MS, PRODUCT_NAME } from '../../constants';
import { scrubbedExcerpt } from '../../shared/redaction';
import type { BackoffPolicy } from '../../shared/backoff';
import { mapSettled } from '../../shared/concurrency';
import type { Deadline } from '../../shared/deadline';
import { describeError, HttpTransportError } from '../../shared/errors';
import { httpRequest } from '../../shared/http';
import {
  type AuthSource,
  authorizationHeaders,
  fixedAuth,
  type HttpAuth,
  isAuthSource,
  refusesCredentials,
} from '../../shared/httpAuth';
import { refusedAttempt, retryWithinDeadline } from '../../shared/retry';
import { RemoteWriteError } from './errors';
import {
  type EncodedEntry,
  encodeMetadata,
  encodeSeries,
  framedSize,
  writeRequestBody,
} from './writeRequest';
import type { MetricMetadata, TimeSeries } from '../../metrics/content';

export interface RemoteWriteClientOptions {
  /** The receiver's write endpoint, e.g. `http://mimir:8080/api/v1/push`. */
  url: URL;
  /** Fixed credentials, or a secret's that a 401 / 403 reads again (rotation). */
  auth?: HttpAuth | AuthSource;
  /** Sent as `X-Scope-OrgID` (Mimir, Cortex, Loki-style multi-tenancy). */
  tenant?: string;
  /**
   * Signs each request (e.g. SigV4 for Amazon Managed Service for Prometheus): given the
   * request as it will be sent, returns the headers to add.
   */
  sign?: (request: {
    method: 'POST';
    url: URL;
    headers: Record<string, string>;
    body: Buffer;
  }) => Promise<Record<string, string>>;
  /** Largest uncompressed WriteRequest of one POST; larger writes are split. */
  maxRequestBytes: number;
  /** POSTs of one write in flight at once. */
  concurrency: number;
  requestTimeoutMs: number;
  retry: BackoffPolicy;
  /** Injected for tests: the jitter source. */
  random?: () => number;
}

export interface WriteResult {
  requests: number;
  series: number;
  /** Compressed bytes sent, retries not counted. */
  bytesSent: number;
  /**
   * Series the receiver refused as too old, out of order or duplicate (refusesSamples), left
   * out so the rest of the write lands; with the first such answer. Absent when none.
   */
  dropped?: { series: number; reason: string };
}

/**
 * Writes that split a refused request to find its refused series, at most: each split costs
 * two requests. Past it, a refused part is dropped whole (its series counted as dropped).
 */
const MAX_SPLIT_REQUESTS = 64;

/**
 * A 4xx that refuses some samples, not the request: too old for the store (Prometheus' "out
 * of bounds", Mimir's "too old"), out of order, a duplicate timestamp with another value, too
 * far in the future. Prometheus then rolls the whole request back; the rest would be taken.
 */
const SAMPLE_REFUSAL =
  /out[ -]of[ -](bounds|order)|too old|too far in (the )?future|duplicate sample/i;

export function refusesSamples(error: unknown): error is RemoteWriteError {
  return (
    error instanceof RemoteWriteError &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    !error.retryable &&
    SAMPLE_REFUSAL.test(error.message)
  );
}

interface BatchOutcome {
  bytes: number;
  requests: number;
  droppedSeries: number;
  firstRefusal?: RemoteWriteError;
}

/** What a remote-write receiver is told it is talking to (the spec's required headers). */
const PROTOCOL_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
  'user-agent': PRODUCT_NAME,
};

/**
 * A Prometheus remote-write 1.0 client: series and metadata encoded once, cut into requests of
 * at most `maxRequestBytes`, each POSTed with the spec's headers. 5xx, 429 and network errors
 * are retried with backoff inside the caller's deadline; any other 4xx is not, as the spec
 * says: the receiver refused the data, and the same data would be refused again.
 */
export class RemoteWriteClient {
  private readonly auth: AuthSource;

  constructor(private readonly options: RemoteWriteClientOptions) {
    this.auth = isAuthSource(options.auth) ? options.auth : fixedAuth(options.auth);
  }

  get name(): string {
    return `${this.options.url.origin}${this.options.url.pathname}`;
  }

  async write(
    data: { series: readonly TimeSeries[]; metadata?: readonly MetricMetadata[] },
    deadline: Deadline,
  ): Promise<WriteResult> {
    const entries = [
      ...(data.metadata ?? []).map(encodeMetadata),
      ...oldestFirst(data.series).map(encodeSeries),
    ];
    const batches = cutIntoBatches(entries, this.options.maxRequestBytes);
    const splits = { left: MAX_SPLIT_REQUESTS };
    const results = await mapSettled(batches, this.options.concurrency, (batch) =>
      this.postKeepingAccepted(batch, splits, deadline),
    );
    const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    if (failures.length > 0) {
      const [first] = failures;
      if (failures.length === 1 && batches.length === 1) throw first;
      throw new RemoteWriteError(
        `${failures.length} of ${batches.length} remote-write requests to ${this.name} failed: ${describeError(first)}`,
        {
          retryable: failures.some((f) => f instanceof RemoteWriteError && f.retryable),
          cause: first,
          hint: 'the other requests of this write landed; the next run writes the group again',
        },
      );
    }
    const outcomes = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const droppedSeries = outcomes.reduce((sum, o) => sum + o.droppedSeries, 0);
    const refusal = outcomes.find((o) => o.firstRefusal)?.firstRefusal;
    return {
      requests: outcomes.reduce((sum, o) => sum + o.requests, 0),
      series: data.series.length - droppedSeries,
      bytesSent: outcomes.reduce((sum, o) => sum + o.bytes, 0),
      ...(droppedSeries > 0 && refusal
        ? { dropped: { series: droppedSeries, reason: describeError(refusal) } }
        : {}),
    };
  }

  /**
   * One request of the write. When the receiver refuses some of its samples (refusesSamples),
   * it is split in halves, each sent on its own, down to the series refused: those are
   * dropped and counted, the others land. Without this, one sample stamped a day ago by an
   * exporter sinks its target's every series, and the run fails every time.
   */
  private async postKeepingAccepted(
    batch: readonly EncodedEntry[],
    splits: { left: number },
    deadline: Deadline,
  ): Promise<BatchOutcome> {
    try {
      return {
        bytes: await this.post(writeRequestBody(batch), deadline),
        requests: 1,
        droppedSeries: 0,
      };
    } catch (error) {
      if (!refusesSamples(error)) throw error;
      const series = batch.filter((e) => e.kind === 'series').length;
      if (series <= 1 || splits.left < 2)
        return { bytes: 0, requests: 1, droppedSeries: series, firstRefusal: error };
      splits.left -= 2;
      const middle = Math.ceil(batch.length / 2);
      const first = await this.postKeepingAccepted(batch.slice(0, middle), splits, deadline);
      const second = await this.postKeepingAccepted(batch.slice(middle), splits, deadline);
      return {
        bytes: first.bytes + second.bytes,
        requests: 1 + first.requests + second.requests,
        droppedSeries: first.droppedSeries + second.droppedSeries,
        firstRefusal: first.firstRefusal ?? second.firstRefusal ?? error,
      };
    }
  }

  /**
   * One POST with its retries; returns the bytes sent. Refused credentials are read again
   * once, then it goes again.
   */
  private async post(body: Buffer, deadline: Deadline): Promise<number> {
    try {
      return await this.attempts(body, deadline);
    } catch (error) {
      if (
        error instanceof RemoteWriteError &&
        refusesCredentials(error.status) &&
        (await this.auth.refresh?.(deadline))
      )
        return await this.attempts(body, deadline);
      throw error;
    }
  }

  private async attempts(body: Buffer, deadline: Deadline): Promise<number> {
    const { url } = this.options;
    const headers: Record<string, string> = {
      ...PROTOCOL_HEADERS,
      ...authorizationHeaders(this.auth.current()),
    };
    if (this.options.tenant) headers['x-scope-orgid'] = this.options.tenant;
    await retryWithinDeadline<number, RemoteWriteError>({
      policy: this.options.retry,
      deadline,
      attemptTimeoutMs: this.options.requestTimeoutMs,
      minAttemptMs: MIN_PUSH_ATTEMPT_MS,
      ...(this.options.random ? { random: this.options.random } : {}),
      noTimeLeft: () =>
        new RemoteWriteError(`remote write to ${this.name}: no time left in this invocation`, {
          retryable: true,
          hint: 'raise the function timeout',
        }),
      withNote: (error, note) => error.withNote(note),
      attempt: async (_attempt, timeoutMs) => {
        // Signed per attempt: a signature carries its time.
        const signed = this.options.sign
          ? { ...headers, ...(await this.options.sign({ method: 'POST', url, headers, body })) }
          : headers;
        let answer: Awaited<ReturnType<typeof httpRequest>>;
        try {
          answer = await httpRequest({
            method: 'POST',
            url,
            headers: signed,
            body,
            timeoutMs,
            maxResponseBytes: 64 * 1024,
          });
        } catch (error) {
          if (!(error instanceof HttpTransportError)) throw error;
          return {
            ok: false,
            retryable: true,
            error: new RemoteWriteError(`remote write to ${this.name}: ${error.message}`, {
              retryable: true,
              cause: error,
              hint: 'check that the receiver is running and REMOTE_WRITE_URL is right',
            }),
          };
        }
        if (answer.status >= 200 && answer.status < 300) return { ok: true, value: answer.status };
        const failure = this.statusError(answer.status, answer.body);
        return refusedAttempt(failure, failure.retryable, answer.headers);
      },
    });
    return body.length;
  }

  private statusError(status: number, body: string): RemoteWriteError {
    // An answer may quote the request back (a proxy echoing its headers): never a credential.
    const reason = scrubbedExcerpt(body.trim(), 1000) || '(empty answer)';
    const retryable = status >= 500 || status === 429;
    let hint: string | undefined;
    if (status === 401 || status === 403)
      hint =
        'check the remote-write credentials (REMOTE_WRITE_USERNAME/PASSWORD, REMOTE_WRITE_BEARER_TOKEN, the tenant, or the SigV4 role)';
    else if (!retryable)
      hint =
        'not retried: under the remote-write spec a 4xx refuses the data itself, and the same data would be refused again';
    return new RemoteWriteError(
      `remote write to ${this.name}: answered HTTP ${status}: ${reason}`,
      { status, retryable, ...(hint ? { hint } : {}) },
    );
  }
}

/**
 * Series with the oldest sample first (stable otherwise): a store refuses samples older than
 * a bound, so those come together at the start, and splitting finds them in few requests.
 */
function oldestFirst(series: readonly TimeSeries[]): readonly TimeSeries[] {
  const oldest = (s: TimeSeries) =>
    s.samples.reduce((min, sample) => Math.min(min, sample.timestampMs), Infinity);
  return series
    .map((s, index) => ({ s, index, at: oldest(s) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ s }) => s);
}

/** Entries in order, cut where the next would pass `maxBytes` (an entry larger goes alone). */
export function cutIntoBatches(
  entries: readonly EncodedEntry[],
  maxBytes: number,
): EncodedEntry[][] {
  const batches: EncodedEntry[][] = [];
  let current: EncodedEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    const entrySize = framedSize(entry);
    if (current.length > 0 && size + entrySize > maxBytes) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += entrySize;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
