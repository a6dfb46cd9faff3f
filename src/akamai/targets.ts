import * as z from 'zod/mini';
import '../shared/zod';
import { ConfigurationError } from '../shared/errors';
import { describeIssues } from '../shared/validation';
import { akamaiClientSchema } from './clients';

export const DELIVERY_TYPES = ['STANDARD_TLS', 'ENHANCED_TLS'] as const;
export const ERROR_TYPES = ['EDGE_ERRORS', 'ORIGIN_ERRORS'] as const;

const absoluteHttpUrl = z.string().check(
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an absolute http:// or https:// URL',
  }),
);

const targetOptions = {
  delivery: z.optional(z.enum(DELIVERY_TYPES)),
  errorType: z.optional(z.enum(ERROR_TYPES)),
  /** Set when packaging: the other schedules of the stage that collect the same group. */
  sharedWith: z.optional(z.array(z.string())),
};

/** One eStats target: a CP code or a URL (never both), with optional filters. */
const targetSchema = z.union(
  [
    z.strictObject({ cpCode: z.int().check(z.nonnegative()), ...targetOptions }),
    z.strictObject({ url: absoluteHttpUrl, ...targetOptions }),
  ],
  {
    error:
      'a target needs exactly one of "cpCode" (integer) or "url" (absolute URL), plus optional "delivery" and "errorType"',
  },
);

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
   * Set when packaging: the stage that deployed this schedule. With it, the schedule marks its
   * groups as its own and deletes those of targets it dropped; without it, it deletes nothing.
   */
  stage: z.optional(z.string().check(z.minLength(1))),
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
  /** How many top error edge IPs to keep per direction (bounds label cardinality). */
  topEdgeIps: z._default(z.int().check(z.minimum(0), z.maximum(50)), 5),
  targets: z.array(targetSchema).check(z.minLength(1, 'list at least one target')),
});

export type EstatsTarget = z.infer<typeof targetSchema>;
export type EstatsSchedule = z.infer<typeof estatsScheduleSchema>;

/** Validate a schedule input; every problem is named by its field path. */
export function parseEstatsSchedule(input: unknown, source = 'schedule input'): EstatsSchedule {
  const parsed = estatsScheduleSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigurationError(`invalid eStats ${source}: ${describeIssues(parsed.error)}`, {
      hint: 'see "eStats targets" in the README for the format',
    });
  }
  const seen = new Map<string, number>();
  parsed.data.targets.forEach((target, index) => {
    const id = describeTarget(target);
    const first = seen.get(id);
    if (first !== undefined) {
      throw new ConfigurationError(
        `invalid eStats ${source}: targets[${index}] repeats targets[${first}] (${id})`,
        { hint: 'each target may appear once per schedule' },
      );
    }
    seen.set(id, index);
  });
  return parsed.data;
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
