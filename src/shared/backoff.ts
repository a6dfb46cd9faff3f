/** Exponential backoff with full jitter (AWS architecture blog's recommendation). */
export interface BackoffPolicy {
  /** Attempts in total, including the first one. */
  maxAttempts: number;
  /** Delay cap before jitter for the first retry, doubled on each further retry. */
  baseDelayMs: number;
  /** Upper bound of any single delay. */
  maxDelayMs: number;
}

export function backoffDelayMs(
  policy: BackoffPolicy,
  retryNumber: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.round(random() * ceiling);
}

/**
 * Parse a `Retry-After` header (delta-seconds or HTTP-date) into milliseconds from now.
 * Returns undefined when the header is absent or unreadable.
 */
export function parseRetryAfterMs(
  value: string | undefined,
  now: () => number = Date.now,
): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
