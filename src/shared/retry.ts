import type * as http from 'node:http';
import { type BackoffPolicy, backoffDelayMs, parseRetryAfterMs } from './backoff';
import type { Deadline } from './deadline';
import { headerValue } from './http';

/** What one attempt ended with. */
export type AttemptResult<T, E extends Error> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: E;
      retryable: boolean;
      /** The service's own `Retry-After`, when it sent one. */
      retryAfterMs?: number;
      /** The next attempt waits for a rate budget before it goes: only Retry-After, no backoff. */
      pacedElsewhere?: boolean;
    };

/** An attempt the service answered with an error, waiting as its `Retry-After` says, if any. */
export function refusedAttempt<E extends Error>(
  error: E,
  retryable: boolean,
  headers: http.IncomingHttpHeaders,
): AttemptResult<never, E> {
  const retryAfterMs = parseRetryAfterMs(headerValue(headers, 'retry-after'));
  return { ok: false, error, retryable, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

export interface RetryOptions<T, E extends Error> {
  policy: BackoffPolicy;
  deadline: Deadline;
  /** Timeout of one attempt; cut to the time the deadline leaves. */
  attemptTimeoutMs: number;
  /** An attempt with less time than this cannot succeed: not started, and not waited for. */
  minAttemptMs: number;
  attempt(attempt: number, timeoutMs: number): Promise<AttemptResult<T, E>>;
  /** The error when not even the first attempt has time left. */
  noTimeLeft(): E;
  /** The failure with a note on how the attempts ended; a new error, never a mutated one. */
  withNote(error: E, note: string): E;
  /** The note when waiting `delayMs` for attempt `attempt + 1` would pass the deadline. */
  deadlineNote?(delayMs: number, attempt: number): string;
  /** Injected for tests: the jitter source. */
  random?: () => number;
}

/**
 * The one retry loop of the product's HTTP clients (eStats, Pushgateway): attempts with
 * capped exponential backoff and full jitter, the service's `Retry-After` honoured, every
 * attempt and every wait inside the invocation's deadline. A failure that is not retryable
 * ends it at once; a wait that would leave no time for the next attempt ends it too, and the
 * error says so.
 */
export async function retryWithinDeadline<T, E extends Error>(
  options: RetryOptions<T, E>,
): Promise<{ value: T; attempts: number }> {
  const { policy, deadline } = options;
  for (let attempt = 1; ; attempt++) {
    const timeoutMs = Math.min(options.attemptTimeoutMs, deadline.remainingMs());
    if (timeoutMs < options.minAttemptMs) throw options.noTimeLeft();
    const result = await options.attempt(attempt, timeoutMs);
    if (result.ok) return { value: result.value, attempts: attempt };

    if (!result.retryable || attempt >= policy.maxAttempts) {
      throw attempt > 1
        ? options.withNote(result.error, ` (after ${attempt} attempts)`)
        : result.error;
    }
    const delayMs = result.pacedElsewhere
      ? (result.retryAfterMs ?? 0)
      : Math.max(result.retryAfterMs ?? 0, backoffDelayMs(policy, attempt, options.random));
    if (delayMs + options.minAttemptMs >= deadline.remainingMs()) {
      const note =
        options.deadlineNote?.(delayMs, attempt) ??
        `not retried: waiting ${Math.ceil(delayMs / 1000)} s would pass the function's deadline`;
      throw options.withNote(result.error, ` (${note})`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
