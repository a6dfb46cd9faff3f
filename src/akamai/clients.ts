import * as z from 'zod/mini';
import '../shared/zod';
import {
  DEFAULT_AKAMAI_RATE_LIMIT_PER_MINUTE,
  DEFAULT_AKAMAI_RESERVE_SHARE,
  DEFAULT_REPORTING_REQUESTS_PER_MINUTE,
} from '../constants';

/**
 * The Akamai API clients a schedule uses. Each has its own credentials and its own rate
 * budget (Akamai counts per client), so an estate too large for one client is spread over
 * several. A client reads a Secrets Manager secret, or an `.edgerc` section, or, with neither,
 * what the function's environment says (AKAMAI_SECRET_ID, else AKAMAI_EDGERC_SECTION).
 */
export const CLIENT_NAME = /^[A-Za-z0-9_.-]{1,32}$/;

export const akamaiClientSchema = z.strictObject({
  name: z.string().check(z.regex(CLIENT_NAME, 'use 1-32 letters, digits, "_", "." or "-"')),
  /** A Secrets Manager secret holding the client's .edgerc fields. */
  secret: z.optional(z.string().check(z.minLength(1))),
  /** A section of the .edgerc file (AKAMAI_EDGERC). */
  edgercSection: z.optional(z.string().check(z.minLength(1))),
  /** Partner and multi-account clients; else the .edgerc section's `account_key`. */
  accountSwitchKey: z.optional(z.string().check(z.minLength(1))),
  /** Error statistics requests a minute: 40 ("medium" tier), unless Akamai raised it. */
  rateLimitPerMinute: z._default(
    z.int().check(z.positive(), z.maximum(10_000)),
    DEFAULT_AKAMAI_RATE_LIMIT_PER_MINUTE,
  ),
  /** Share of the limit left for other users of the client (the Akamai CLI, other tools). */
  reserve: z._default(z.number().check(z.gte(0), z.lte(0.9)), DEFAULT_AKAMAI_RESERVE_SHARE),
  /**
   * The Akamai account its requests count against, by a name of your choosing: the Reporting
   * API's budget is per account, shared by every client of it. Default: its accountSwitchKey,
   * else one account for every client without one.
   */
  account: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  /**
   * The Reporting API's requests a minute per account (the traffic report): 120 unless Akamai
   * set another. Clients of one account give the same.
   */
  reportingRequestsPerMinute: z._default(
    z.int().check(z.positive(), z.maximum(10_000)),
    DEFAULT_REPORTING_REQUESTS_PER_MINUTE,
  ),
});

export type AkamaiClient = z.infer<typeof akamaiClientSchema>;

/** The client of a schedule that names none: credentials from the function's environment. */
export const DEFAULT_CLIENT: AkamaiClient = {
  name: 'default',
  rateLimitPerMinute: DEFAULT_AKAMAI_RATE_LIMIT_PER_MINUTE,
  reserve: DEFAULT_AKAMAI_RESERVE_SHARE,
  reportingRequestsPerMinute: DEFAULT_REPORTING_REQUESTS_PER_MINUTE,
};

/** The account whose Reporting budget a client's requests spend (see `account`). */
export function accountOf(client: AkamaiClient): string {
  return client.account ?? client.accountSwitchKey ?? 'home';
}

/**
 * The account a client's requests go to, the same for eStats, run-time discovery and
 * `npm run targets:discover`: one given explicitly (the command line's), else the client's own
 * switch key, else the schedule's, else the `.edgerc` section's `account_key`. Undefined: the
 * API client's home account.
 */
export function accountSwitchKeyOf(
  sources: {
    explicit?: string;
    client?: Pick<AkamaiClient, 'accountSwitchKey'>;
    schedule?: string;
  },
  signer: { accountKey?: string },
): string | undefined {
  return (
    sources.explicit ?? sources.client?.accountSwitchKey ?? sources.schedule ?? signer.accountKey
  );
}

/** Requests a minute the collector may spend of a client: its limit less the reserve. */
export function usablePerMinute(client: AkamaiClient): number {
  return Math.max(1, client.rateLimitPerMinute - reservedRequests(client));
}

/** Requests of the budget left for other users (runtime keeps this much in Remaining). */
export function reservedRequests(client: AkamaiClient): number {
  return reserveOf(client.rateLimitPerMinute, client.reserve);
}

/** The requests a share of a limit keeps: at least one whenever a share is kept. */
export function reserveOf(limit: number, share: number): number {
  return Math.ceil(limit * share - 1e-9);
}
