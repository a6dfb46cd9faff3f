/**
 * The product's limits and defaults, each said once. An environment variable that overrides
 * one is named beside it (docs/reference/settings.md). Plain values, importing nothing:
 * the retry policies take the shape of shared/backoff.ts's BackoffPolicy where they are used.
 */

/** The product's name: the logs' `service`, its alerts' and dashboards' tag, its user agent. */
export const PRODUCT_NAME = 'pushgate-collector';

/** CP-code list (CPRG) requests: one attempt's timeout, and the largest list read (64 MiB). */
export const CPCODES_REQUEST_TIMEOUT_MS = 30_000;
export const MAX_CPCODES_ANSWER_BYTES = 64 * 1024 * 1024;
/** Run-time discovery: the most CP codes a schedule takes, and how long a list is kept (a day). */
export const DEFAULT_DISCOVER_MAX_TARGETS = 100;
export const DEFAULT_DISCOVER_REFRESH_SECONDS = 86_400;

/** Time kept before the Lambda timeout to log, record failures and return (DEADLINE_SAFETY_MARGIN_MS). */
export const DEFAULT_SAFETY_MARGIN_MS = 3_000;

/** Largest HTTP answer read by default: protects a 256 MB Lambda from a runaway body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/** Where the collectors push without PUSHGATEWAY_URL. */
export const DEFAULT_PUSHGATEWAY_URL = 'http://127.0.0.1:9091';
/** Timeout of one push attempt (PUSHGATEWAY_TIMEOUT_MS). */
export const DEFAULT_PUSH_TIMEOUT_MS = 10_000;
/** Push retries on network errors, 5xx and 429 (PUSHGATEWAY_MAX_ATTEMPTS sets the attempts). */
export const DEFAULT_PUSH_RETRY = {
  maxAttempts: 4,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
};
/** A push answers in milliseconds: with less time left than this, none is started. */
export const MIN_PUSH_ATTEMPT_MS = 50;

/** Timeout of one eStats request: it answers synchronously in a few seconds (ESTATS_REQUEST_TIMEOUT_MS). */
export const DEFAULT_ESTATS_TIMEOUT_MS = 30_000;
/** eStats retries on 5xx, 429 and network errors (ESTATS_MAX_ATTEMPTS sets the attempts). */
export const DEFAULT_ESTATS_RETRY = {
  maxAttempts: 3,
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
};
/** Largest eStats answer read: a real one is a few KB. */
export const MAX_ESTATS_ANSWER_BYTES = 2 * 1024 * 1024;
/** eStats answers in a few seconds at best: with less time left than this, none is requested. */
export const MIN_ESTATS_ATTEMPT_MS = 1_000;
/**
 * Spacing of eStats requests when Akamai's answers carry no X-RateLimit headers
 * (ESTATS_MIN_INTERVAL_MS): the "medium" tier's 40 requests a minute, one every 1.5 s.
 */
export const DEFAULT_ESTATS_MIN_INTERVAL_MS = 1_500;
/** Error statistics requests a minute per API client: Akamai's "medium" tier. */
export const DEFAULT_AKAMAI_RATE_LIMIT_PER_MINUTE = 40;
/** Share of a client's limit left for its other users (the Akamai CLI, other tools). */
export const DEFAULT_AKAMAI_RESERVE_SHARE = 0.1;
/** The Reporting API's count-based limit per account and endpoint (techdocs, v1: 120 a minute). */
export const DEFAULT_REPORTING_REQUESTS_PER_MINUTE = 120;
/** The window Akamai counts X-RateLimit-Limit over. */
export const AKAMAI_RATE_WINDOW_MS = 60_000;
/** eStats requests of one API client in flight at most (ESTATS_MAX_IN_FLIGHT). */
export const DEFAULT_ESTATS_MAX_IN_FLIGHT = 16;
/**
 * What the packaging budget check assumes one eStats answer takes (akamai.answerSeconds in
 * the stage file): Akamai computes the statistics synchronously, in a few seconds.
 */
export const DEFAULT_ESTATS_ANSWER_SECONDS = 3;
/** Label values that come from Akamai (edge IPs, error codes) are cut to this length. */
export const MAX_AKAMAI_LABEL_VALUE_LENGTH = 128;

/** How long a warm container reuses a secret (SECRET_CACHE_TTL_SECONDS). */
export const DEFAULT_SECRET_CACHE_TTL_SECONDS = 300;
/** One Secrets Manager read, the SDK's retries included, never takes longer than this. */
export const SECRET_READ_TIMEOUT_MS = 10_000;
/** akamai-edgegrid instances kept per container (each added global axios interceptors). */
export const MAX_CACHED_EDGEGRID_SIGNERS = 4;

/**
 * How often a warm collector container lists the Pushgateway's groups to delete those of
 * removed targets or devices, when its list did not change (listing is the heaviest call).
 */
export const REMOVED_GROUPS_RECHECK_MS = 60 * 60 * 1000;
