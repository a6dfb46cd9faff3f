import * as z from 'zod/mini';
import '../shared/zod';
import { akamaiClientSchema } from '../akamai/clients';
import { discoverSchema } from '../akamai/targets';
import { DEFAULT_REPORTING_REQUESTS_PER_MINUTE } from '../constants';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';

/** Akamai keeps this report's 5-minute rows for two days (techdocs "Supported time intervals"). */
export const MAX_BACKFILL_SECONDS = 2 * 86_400;

export const TRAFFIC_DEFAULTS = {
  /** Akamai documents 15 minutes before data is complete; five more for a late bucket. */
  finalLagSeconds: 1_200,
  /** Six hours: what a Prometheus with a 6 h out-of-order window still takes. */
  backfillSeconds: 21_600,
  /** Rows (CP codes × buckets) per request; a 422 (query cost) splits a request further. */
  maxRowsPerRequest: 20_000,
  /** The Reporting API's count-based limit per account and endpoint (techdocs, v1: 120). */
  requestsPerMinute: DEFAULT_REPORTING_REQUESTS_PER_MINUTE,
} as const;

const trafficTargetSchema = z.strictObject({
  cpCode: z.int().check(z.positive()),
  /** What people call it: the `name` of akamai_traffic_target_info. */
  name: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
});

export const trafficScheduleSchema = z.strictObject({
  /** Names this schedule in logs, in its health group and in its state's key. */
  name: z._default(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "." or "-"')),
    'default',
  ),
  /** Listed CP codes; with `discover`, the discovered ones are added to them (may be none). */
  targets: z._default(z.array(trafficTargetSchema), []),
  /**
   * The account's CP codes found at run time, as eStats finds them (the CP Codes and
   * Reporting Groups API, with the schedule's API client): its filters, maxTargets, refresh.
   */
  discover: z.optional(z.omit(discoverSchema, { delivery: true, errorType: true })),
  /** The API client (its credentials, its account); none: the function's environment's. */
  client: z.optional(akamaiClientSchema),
  /**
   * This schedule's share of its account's Reporting budget, requests a minute: set when
   * packaging (the traffic budget), from the account's limit and its other traffic schedules.
   */
  requestsPerMinute: z._default(
    z.int().check(z.positive(), z.maximum(10_000)),
    TRAFFIC_DEFAULTS.requestsPerMinute,
  ),
  finalLagSeconds: z._default(
    z.int().check(z.minimum(300), z.maximum(7_200)),
    TRAFFIC_DEFAULTS.finalLagSeconds,
  ),
  backfillSeconds: z._default(
    z.int().check(z.minimum(0), z.maximum(MAX_BACKFILL_SECONDS)),
    TRAFFIC_DEFAULTS.backfillSeconds,
  ),
  maxRowsPerRequest: z._default(
    z.int().check(z.minimum(1), z.maximum(50_000)),
    TRAFFIC_DEFAULTS.maxRowsPerRequest,
  ),
  /** Set when packaging: the schedule's interval (a later delivery is superseded and skipped). */
  intervalSeconds: z.optional(z.int().check(z.positive())),
});

export type TrafficSchedule = z.infer<typeof trafficScheduleSchema>;
export type TrafficTarget = z.infer<typeof trafficTargetSchema>;

/** Validate a traffic schedule input; every problem is named by its field path. */
export function parseTrafficSchedule(input: unknown, source = 'schedule input'): TrafficSchedule {
  const parsed = trafficScheduleSchema.safeParse(input);
  if (!parsed.success)
    throw new ConfigurationError(`invalid traffic ${source}: ${describeIssues(parsed.error)}`, {
      fields: fieldsOf(parsed.error),
      hint: 'see docs/guides/traffic.md for the format',
    });
  if (parsed.data.targets.length === 0 && !parsed.data.discover)
    throw new ConfigurationError(`invalid traffic ${source}: targets: list at least one CP code`, {
      hint: 'list CP codes under "targets:", or find them at run time with "discover: {…}" (docs/guides/traffic.md)',
    });
  const seen = new Set<number>();
  for (const target of parsed.data.targets) {
    if (seen.has(target.cpCode))
      throw new ConfigurationError(
        `invalid traffic ${source}: CP code ${target.cpCode} is listed twice`,
        { hint: 'list each CP code once per schedule' },
      );
    seen.add(target.cpCode);
  }
  return parsed.data;
}
