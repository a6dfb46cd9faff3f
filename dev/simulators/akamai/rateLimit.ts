/**
 * Akamai's rate limit as its API docs describe it (techdocs "Rate limiting"): a budget per API
 * client, kept on Akamai's side and spent by every caller of that client across all its
 * connections. Every answer carries `X-RateLimit-Limit` (the budget per window),
 * `X-RateLimit-Remaining` (what is left; it recovers gradually, not all at once at a window
 * boundary) and `X-RateLimit-Next` (when the next request is allowed, ISO 8601). Once it is
 * spent, requests get 429 until Remaining has recovered to one. Modelled as a token bucket:
 * capacity `limit`, refilled at `limit` per window.
 */
export interface RateLimiterOptions {
  /** Requests per window of a client without a raised limit. */
  limit: number;
  /** Raised limits by client token. */
  limits?: ReadonlyMap<string, number>;
  windowMs: number;
  now: () => number;
}

export interface RateDecision {
  allowed: boolean;
  /** The three headers, on every answer (a refused one included). */
  headers: Record<string, string>;
  /** Seconds until one request is allowed again (the 429's Retry-After). */
  retryAfterSeconds: number;
  /** The bucket as it stands after this request, for services that word it otherwise. */
  bucket: { limit: number; remaining: number; nextAtMs: number; fullAtMs: number };
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: RateLimiterOptions) {}

  /** Spend one request of this client's budget, if there is one left. */
  take(clientToken: string): RateDecision {
    const limit = this.options.limits?.get(clientToken) ?? this.options.limit;
    const now = this.options.now();
    const perMs = limit / this.options.windowMs;
    const bucket = this.buckets.get(clientToken) ?? { tokens: limit, at: now };
    bucket.tokens = Math.min(limit, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    this.buckets.set(clientToken, bucket);
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    const untilNextMs = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs);
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(Math.floor(bucket.tokens)),
        'x-ratelimit-next': new Date(now + untilNextMs).toISOString(),
      },
      retryAfterSeconds: Math.max(1, Math.ceil(untilNextMs / 1000)),
      bucket: {
        limit,
        remaining: Math.floor(bucket.tokens),
        nextAtMs: now + untilNextMs,
        fullAtMs: now + Math.ceil((limit - bucket.tokens) / perMs),
      },
    };
  }
}
