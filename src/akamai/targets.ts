import * as z from 'zod/mini';
import '../shared/zod';
import { DEFAULT_DISCOVER_MAX_TARGETS, DEFAULT_DISCOVER_REFRESH_SECONDS } from '../constants';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';
import { akamaiClientSchema } from './clients';
import {
  canonicalUrl,
  hasCredentials,
  maskUrlCredentials,
  secretLookingParams,
} from '../shared/urls';

export const DELIVERY_TYPES = ['STANDARD_TLS', 'ENHANCED_TLS'] as const;
export const ERROR_TYPES = ['EDGE_ERRORS', 'ORIGIN_ERRORS'] as const;

const absoluteHttpUrl = z.string().check(
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an absolute http:// or https:// URL',
  }),
);

/** Akamai's CP codes are positive and fit the API's 32-bit integer. */
export const MAX_CP_CODE = 2_147_483_647;

/**
 * What people call the target ("shop-images"): shown beside the id in dashboards, alert
 * summaries and Slack messages (the akamai_estats_target_info series), never a label of the
 * data series, so a rename starts no new series. `npm run targets:discover` fills it from
 * Akamai's CP code name; one written by hand wins.
 */
export const targetNameSchema = z.string().check(
  z.minLength(1),
  z.maxLength(128, 'a target name is at most 128 characters'),
  z.refine((name) => !/[\p{Cc}]/u.test(name), 'a target name holds no control characters'),
);

const targetOptions = {
  name: z.optional(targetNameSchema),
  delivery: z.optional(z.enum(DELIVERY_TYPES)),
  errorType: z.optional(z.enum(ERROR_TYPES)),
  /** Set when packaging: the other schedules of the stage that collect the same group. */
  sharedWith: z.optional(z.array(z.string())),
};

/** One eStats target: a CP code or a URL (never both), with optional filters. */
const targetSchema = z.union(
  [
    z.strictObject({
      cpCode: z
        .int()
        .check(
          z.positive('a CP code is a positive integer'),
          z.maximum(MAX_CP_CODE, `a CP code is at most ${MAX_CP_CODE}`),
        ),
      ...targetOptions,
    }),
    z.strictObject({ url: absoluteHttpUrl, ...targetOptions }),
  ],
  {
    error:
      'a target needs exactly one of "cpCode" (integer) or "url" (absolute URL), plus optional "name", "delivery" and "errorType"',
  },
);

const pattern = z.string().check(
  z.refine((value) => {
    try {
      new RegExp(value);
      return true;
    } catch {
      return false;
    }
  }, 'must be a regular expression'),
);

/**
 * Targets found at run time (`targets: { discover: {…} }` in the stage file): the CP codes of
 * the schedule's first API client's account that match, with Akamai's names, asked again after
 * `refreshSeconds`. More than `maxTargets` refuses the run; packaging checks the budget as if
 * the schedule had `maxTargets` of them.
 */
export const discoverSchema = z.strictObject({
  /** Filters Akamai applies (the CP Codes and Reporting Groups API). */
  contract: z.optional(z.string().check(z.minLength(1))),
  group: z.optional(z.string().check(z.minLength(1))),
  product: z.optional(z.string().check(z.minLength(1))),
  name: z.optional(z.string().check(z.minLength(1))),
  /** Filters applied here: a name pattern (case-insensitive), a pattern and ids to leave out. */
  match: z.optional(pattern),
  excludeMatch: z.optional(pattern),
  exclude: z.optional(z.array(z.int().check(z.positive()))),
  /** Applied to every discovered target. */
  delivery: z.optional(z.enum(DELIVERY_TYPES)),
  errorType: z.optional(z.enum(ERROR_TYPES)),
  maxTargets: z._default(
    z.int().check(z.positive(), z.maximum(10_000)),
    DEFAULT_DISCOVER_MAX_TARGETS,
  ),
  refreshSeconds: z._default(
    z.int().check(z.minimum(60), z.maximum(7 * 86_400)),
    DEFAULT_DISCOVER_REFRESH_SECONDS,
  ),
});
export type DiscoverTargets = z.infer<typeof discoverSchema>;

/** The schedule input of the eStats function (serverless.yml `events[].schedule.input`). */
export const estatsScheduleSchema = z.strictObject({
  /** Names this schedule in logs and in the collector's health group. */
  name: z._default(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "." or "-"')),
    'default',
  ),
  accountSwitchKey: z.optional(z.string().check(z.minLength(1))),
  /**
   * Set when packaging: the API clients the targets are spread over (src/akamai/clients.ts).
   * Without it, one client from the function's environment.
   */
  clients: z.optional(z.array(akamaiClientSchema).check(z.minLength(1))),
  /**
   * Set when packaging: the schedule's interval. A delivery older than that (a late retry)
   * is superseded by the next tick and skipped.
   */
  intervalSeconds: z.optional(z.int().check(z.positive())),
  /**
   * Set when packaging: per API client, the requests a run may send before Akamai's first
   * answer, its share of the client's limit (deploy/estatsBudget.ts, firstWaves).
   */
  firstWave: z.optional(z.record(z.string(), z.int().check(z.positive()))),
  /** How many top error edge IPs to keep per direction (bounds label cardinality). */
  topEdgeIps: z._default(z.int().check(z.minimum(0), z.maximum(50)), 5),
  /** Listed targets; with `discover`, the discovered ones are added to them (may be none). */
  targets: z._default(z.array(targetSchema), []),
  discover: z.optional(discoverSchema),
});

export type EstatsTarget = z.infer<typeof targetSchema>;
export type EstatsSchedule = z.infer<typeof estatsScheduleSchema>;

/** Validate a schedule input; every problem is named by its field path. */
export function parseEstatsSchedule(input: unknown, source = 'schedule input'): EstatsSchedule {
  const parsed = estatsScheduleSchema.safeParse(withDiscoverTargets(input));
  if (!parsed.success) {
    throw new ConfigurationError(`invalid eStats ${source}: ${describeIssues(parsed.error)}`, {
      fields: fieldsOf(parsed.error),
      hint: 'see docs/guides/estats.md for the format',
    });
  }
  parsed.data.targets.forEach((target, index) => {
    if ('url' in target && hasCredentials(new URL(target.url)))
      throw new ConfigurationError(
        `invalid eStats ${source}: targets[${index}] url ${maskUrlCredentials(target.url)} holds credentials`,
        {
          hint: 'remove the user and password: Akamai needs none, and the URL becomes a label, log fields and alert text',
        },
      );
  });
  if (parsed.data.targets.length === 0 && !parsed.data.discover)
    throw new ConfigurationError(`invalid eStats ${source}: targets: list at least one target`, {
      hint: 'list CP codes or URLs under "targets:", or find them at run time with "targets: { discover: {…} }" (docs/guides/estats.md)',
    });
  refuseOverlaps(parsed.data.targets, source);
  return parsed.data;
}

/** The stage file's `targets: { discover: {…} }` as the input's `discover`, with no listed targets. */
function withDiscoverTargets(input: unknown): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const { targets } = input as { targets?: unknown };
  if (typeof targets !== 'object' || targets === null || Array.isArray(targets)) return input;
  const { discover, ...rest } = targets as { discover?: unknown };
  if (discover === undefined) return input;
  return {
    ...input,
    targets: [],
    // Anything else beside "discover" is refused by the schema, named under discover.
    discover: Object.keys(rest).length > 0 ? { ...(discover as object), ...rest } : discover,
  };
}

/**
 * Two targets that read the same traffic: the same CP code or URL (spelled alike after
 * canonicalUrl), and deliveries and error types that are equal or left open on one side (an
 * open delivery is the one in use, an open errorType both). Their groups would count the same
 * hits twice in every SLO and dashboard sum.
 */
function refuseOverlaps(targets: readonly EstatsTarget[], source: string): void {
  const bySubject = new Map<string, number[]>();
  targets.forEach((target, index) => {
    const subject = 'cpCode' in target ? `cp:${target.cpCode}` : `url:${canonicalUrl(target.url)}`;
    const earlier = bySubject.get(subject) ?? [];
    for (const first of earlier) {
      const other = targets[first];
      if (other && overlaps(other, target))
        throw new ConfigurationError(
          `invalid eStats ${source}: targets[${index}] (${describeTarget(target)}) reads the same traffic as targets[${first}] (${describeTarget(other)})`,
          {
            hint: 'keep one of them: both would count the same hits in every SLO and sum (give both the same "delivery" and "errorType" only once)',
          },
        );
    }
    bySubject.set(subject, [...earlier, index]);
  });
}

function overlaps(a: EstatsTarget, b: EstatsTarget): boolean {
  const open = (x: string | undefined, y: string | undefined) => !x || !y || x === y;
  return open(a.delivery, b.delivery) && open(a.errorType, b.errorType);
}

/** Warnings for a schedule that works but shows what it should not: secrets in query strings. */
export function targetWarnings(schedule: EstatsSchedule, source: string): string[] {
  return schedule.targets.flatMap((target, index) => {
    if (!('url' in target)) return [];
    const names = secretLookingParams(new URL(target.url));
    return names.length === 0
      ? []
      : [
          `${source}: targets[${index}] url has query parameter${names.length > 1 ? 's' : ''} ${names.join(', ')}, whose value looks like a secret; it becomes a Pushgateway label, log fields and alert text`,
        ];
  });
}

/** A short, stable description of a target for logs and errors. */
export function describeTarget(target: EstatsTarget): string {
  const subject = 'cpCode' in target ? `cpCode ${target.cpCode}` : `url ${target.url}`;
  const filters = [target.delivery, target.errorType].filter(Boolean).join(', ');
  return filters ? `${subject} (${filters})` : subject;
}

/** The request body the API expects for this target. */
export function estatsRequestBody(target: EstatsTarget): Record<string, unknown> {
  const subject = 'cpCode' in target ? { cpCode: target.cpCode } : { url: target.url };
  return {
    ...subject,
    ...(target.delivery ? { delivery: target.delivery } : {}),
    ...(target.errorType ? { errorType: target.errorType } : {}),
  };
}
