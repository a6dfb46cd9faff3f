import { DEFAULT_SAFETY_MARGIN_MS } from '../constants';
import { DeadlineExceededError } from './errors';

/**
 * The time budget of one invocation. Every wait (request timeouts, backoff, Retry-After,
 * pacing) asks the deadline how much time is left, so a Lambda never runs past its timeout.
 */
export interface Deadline {
  /** Milliseconds left before the safety margin is reached (never negative). */
  remainingMs(): number;
}

export function deadlineFromLambdaContext(
  context: { getRemainingTimeInMillis(): number },
  safetyMarginMs = DEFAULT_SAFETY_MARGIN_MS,
): Deadline {
  return {
    remainingMs: () => Math.max(0, context.getRemainingTimeInMillis() - safetyMarginMs),
  };
}

export function deadlineIn(ms: number, now: () => number = Date.now): Deadline {
  const end = now() + ms;
  return { remainingMs: () => Math.max(0, end - now()) };
}

/** A deadline with no limit, for CLI tools and tests that are not bounded by Lambda. */
export const NO_DEADLINE: Deadline = { remainingMs: () => Number.POSITIVE_INFINITY };

/** Sleep `ms` (less once `signal` aborts), or fail at once if the deadline would pass first. */
export async function sleepWithin(
  ms: number,
  deadline: Deadline,
  what: string,
  signal?: AbortSignal,
): Promise<void> {
  if (ms <= 0 || signal?.aborted) return;
  if (ms > deadline.remainingMs()) {
    throw new DeadlineExceededError(
      `not enough time left to wait ${Math.ceil(ms)} ms for ${what} (${Math.floor(deadline.remainingMs())} ms left)`,
      { hint: 'raise the function timeout or configure fewer targets per schedule' },
    );
  }
  await new Promise<void>((resolve) => {
    const woken = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', woken);
      resolve();
    }, ms);
    signal?.addEventListener('abort', woken, { once: true });
  });
}
