import { DEFAULT_ESTATS_RETRY } from '../constants';
import type { EdgeGridSigner } from '../akamai/edgegrid';
import type { BackoffPolicy } from '../shared/backoff';
import { mapSettled } from '../shared/concurrency';
import type { Deadline } from '../shared/deadline';
import { HttpTransportError } from '../shared/errors';
import { httpRequest } from '../shared/http';
import { refusedAttempt, retryWithinDeadline } from '../shared/retry';
import type { AccountPacer } from './accountPacer';
import { type CostLearning, QueryCostLimit } from './queryCost';
import { classifyReportAnswer, TrafficError, type TrafficFailureReason } from './errors';
import {
  BUCKET_SECONDS,
  parseReportAnswer,
  reportRequest,
  rowsOf,
  TRAFFIC_REPORT_PATH,
  type TrafficRow,
  type TrafficWindow,
} from './report';

export interface TrafficFetchSettings {
  /** The most rows (CP codes × buckets) one request asks for: under Akamai's query cost. */
  maxRowsPerRequest: number;
  /** What earlier runs learned of Akamai's query-cost limit (the schedule's state). */
  learned?: CostLearning;
  /** Requests of the run in flight at once (the pacer decides when each goes). */
  maxInFlight: number;
  /** Timeout of one HTTP attempt. */
  requestTimeoutMs: number;
  retry?: BackoffPolicy;
}

export interface TrafficSource {
  signer: EdgeGridSigner;
  accountSwitchKey?: string;
  pacer: AccountPacer;
}

/** What the windows' requests brought: the rows, and each CP code that failed, with why. */
export interface FetchedTraffic {
  rows: TrafficRow[];
  failed: Map<number, TrafficError>;
  /** Requests sent (retries included), and windows split after a 422 or a truncated answer. */
  requests: number;
  splits: number;
  /** What the runs know of Akamai's query-cost limit, this one's answers included. */
  learned: CostLearning;
}

/** Least time an attempt needs: a report over hundreds of CP codes takes a few seconds. */
const MIN_ATTEMPT_MS = 2_000;
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;
const RETRYABLE: ReadonlySet<TrafficFailureReason> = new Set([
  'rate_limited',
  'server_error',
  'timeout',
  'network',
]);

/**
 * Fetch the windows, each cut first into the fewest pieces of at most `maxRowsPerRequest`
 * rows (cutWindow), then:
 * - a 422 (query cost exceeded) or an answer that says it left rows out halves the rows a
 *   request may have, for this window (cut again) and every window after it;
 * - a 403 that names unauthorized CP codes fails those codes alone, and the window goes
 *   again without them;
 * - any other failure fails the window's CP codes, with the error.
 * One CP code's failure never costs another its data.
 */
export async function fetchTraffic(
  windows: readonly TrafficWindow[],
  source: TrafficSource,
  settings: TrafficFetchSettings,
  deadline: Deadline,
): Promise<FetchedTraffic> {
  const limit = new QueryCostLimit(settings.maxRowsPerRequest, settings.learned);
  const result: FetchedTraffic = {
    rows: [],
    failed: new Map(),
    requests: 0,
    splits: 0,
    learned: {},
  };
  let pending = windows.flatMap((w) => cutWindow(w, limit.maxRows));
  while (pending.length > 0) {
    const next: TrafficWindow[] = [];
    await mapSettled(pending, settings.maxInFlight, async (window) => {
      const fetched = await fetchWindow(window, source, settings, deadline, result);
      if (fetched.ok) {
        limit.accepted(rowsOf(window));
        result.rows.push(...fetched.rows);
        return;
      }
      const { error } = fetched;
      if (error === 'split') {
        // Akamai's limit is below this window's rows: every window from now on is cut smaller,
        // so one refusal teaches the whole run instead of each window on its own.
        limit.refused(rowsOf(window));
        const pieces = limit.maxRows >= 1 ? cutWindow(window, limit.maxRows) : [];
        if (pieces.length > 1) {
          result.splits += 1;
          next.push(...pieces);
          return;
        }
        const single = new TrafficError(
          `traffic report for ${describeWindow(window)}: Akamai refuses even one CP code's single bucket as too costly`,
          { reason: 'query_cost', hint: 'report this: no smaller request exists' },
        );
        for (const code of window.cpCodes) result.failed.set(code, single);
        return;
      }
      if (error.reason === 'unauthorized_cp_code' && error.unauthorized.length > 0) {
        const refused = new Set(error.unauthorized);
        for (const code of window.cpCodes) if (refused.has(code)) result.failed.set(code, error);
        const rest = window.cpCodes.filter((code) => !refused.has(code));
        // A 403 naming none of the window's codes would loop: the codes fail with it instead.
        if (rest.length < window.cpCodes.length) {
          if (rest.length > 0) next.push({ ...window, cpCodes: rest });
          return;
        }
      }
      for (const code of window.cpCodes) result.failed.set(code, error);
    });
    // What a refusal taught applies to the windows still to go too.
    pending = next.flatMap((w) => cutWindow(w, limit.maxRows));
  }
  result.learned = limit.learned();
  return result;
}

/** A window as messages name it: its CP codes (the first few) and its time range. */
export function describeWindow(window: TrafficWindow): string {
  const codes =
    window.cpCodes.length <= 3
      ? window.cpCodes.join(', ')
      : `${window.cpCodes.slice(0, 3).join(', ')} and ${window.cpCodes.length - 3} more`;
  const iso = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 16);
  return `CP codes ${codes}, ${iso(window.startSec)}–${iso(window.endSec)}Z`;
}

async function fetchWindow(
  window: TrafficWindow,
  source: TrafficSource,
  settings: TrafficFetchSettings,
  deadline: Deadline,
  counts: { requests: number },
): Promise<{ ok: true; rows: TrafficRow[] } | { ok: false; error: TrafficError | 'split' }> {
  const what = describeWindow(window);
  const { query, body } = reportRequest(window, source.accountSwitchKey);
  try {
    const { value } = await retryWithinDeadline<
      { rows: TrafficRow[]; hasMoreData: boolean } | 'split',
      TrafficError
    >({
      policy: settings.retry ?? DEFAULT_ESTATS_RETRY,
      deadline,
      attemptTimeoutMs: settings.requestTimeoutMs,
      minAttemptMs: MIN_ATTEMPT_MS,
      noTimeLeft: () =>
        new TrafficError(`traffic report for ${what}: no time left in this invocation`, {
          reason: 'deadline',
          hint: 'raise the traffic function timeout; the next run fetches the missed buckets',
        }),
      withNote: (error, note) => error.withNote(note),
      attempt: async (_attempt, timeoutMs) => {
        await source.pacer.acquire(deadline, `the traffic report for ${what}`);
        counts.requests += 1;
        let answer: Awaited<ReturnType<typeof httpRequest>>;
        try {
          // Signed anew each attempt: the signature carries a timestamp and a single-use nonce.
          const signed = source.signer.signJsonPost(TRAFFIC_REPORT_PATH, body, query);
          answer = await httpRequest({
            method: 'POST',
            url: signed.url,
            headers: signed.headers,
            body,
            timeoutMs: Math.min(timeoutMs, deadline.remainingMs()),
            maxResponseBytes: MAX_ANSWER_BYTES,
          });
        } catch (error) {
          if (!(error instanceof HttpTransportError)) throw error;
          const reason =
            error.code === 'timeout' || error.code === 'too_large' ? error.code : 'network';
          return {
            ok: false,
            retryable: reason !== 'too_large',
            error: new TrafficError(`traffic report for ${what}: ${error.message}`, {
              reason,
              cause: error,
              hint: 'check network access to the EdgeGrid host (VPC egress, proxy, DNS)',
            }),
          };
        }
        source.pacer.settle(answer.status, answer.headers);
        if (answer.status === 200) {
          const parsed = parseReportAnswer(answer.body, what);
          return { ok: true, value: parsed.hasMoreData ? 'split' : parsed };
        }
        if (answer.status === 422) return { ok: true, value: 'split' };
        const failure = classifyReportAnswer(answer.status, answer.body, what);
        const refused = refusedAttempt(failure, RETRYABLE.has(failure.reason), answer.headers);
        // A 429 waits for the pacer (akamai-sync-ratelimit-next), not for a backoff of its own.
        return failure.reason === 'rate_limited' ? { ...refused, pacedElsewhere: true } : refused;
      },
    });
    return value === 'split' ? { ok: false, error: 'split' } : { ok: true, rows: value.rows };
  } catch (error) {
    if (error instanceof TrafficError) return { ok: false, error };
    return {
      ok: false,
      error: new TrafficError(`traffic report for ${what}: ${String(error)}`, {
        reason:
          error instanceof Error && error.name === 'DeadlineExceededError'
            ? 'deadline'
            : 'internal',
        cause: error,
      }),
    };
  }
}

/**
 * The window in as few pieces of at most `maxRows` rows as there can be: its CP codes in
 * even chunks of the most that fit with all its buckets; a CP code whose buckets alone are
 * too many gets its buckets in even runs instead.
 */
export function cutWindow(window: TrafficWindow, maxRows: number): TrafficWindow[] {
  if (rowsOf(window) <= maxRows) return [window];
  const { cpCodes, startSec, endSec } = window;
  const buckets = (endSec - startSec) / BUCKET_SECONDS;
  const codesPerPiece = Math.floor(maxRows / buckets);
  if (codesPerPiece >= 1) {
    const pieces = Math.ceil(cpCodes.length / codesPerPiece);
    const size = Math.ceil(cpCodes.length / pieces);
    return Array.from({ length: pieces }, (_, i) => ({
      ...window,
      cpCodes: cpCodes.slice(i * size, (i + 1) * size),
    })).filter((piece) => piece.cpCodes.length > 0);
  }
  const runs = Math.ceil(buckets / Math.max(1, maxRows));
  const length = Math.ceil(buckets / runs);
  return cpCodes.flatMap((code) =>
    Array.from({ length: runs }, (_, i) => ({
      cpCodes: [code],
      startSec: startSec + i * length * BUCKET_SECONDS,
      endSec: Math.min(endSec, startSec + (i + 1) * length * BUCKET_SECONDS),
    })).filter((piece) => piece.endSec > piece.startSec),
  );
}
