import * as z from 'zod/mini';
import '../shared/zod';
import { parseDuration } from '../alerting/duration';
import { COLLECTOR_JOBS } from '../metrics/catalogue';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';

/**
 * What the janitor may delete: the TTL the Pushgateway does not have. Its input is written when
 * packaging, from the stage file's `janitor:` section and the stage's deployed schedules.
 */
const duration = z.string().check(
  z.refine((value) => (parseDuration(value) ?? 0) > 0, {
    message: 'must be a positive Prometheus duration, e.g. 24h or 90m',
  }),
);

/** The jobs this product pushes: the only ones the janitor ever looks at. */
export const OWNED_JOBS = COLLECTOR_JOBS;

export const janitorPolicySchema = z.strictObject({
  /** Names the janitor's own group. */
  stage: z.string().check(z.minLength(1)),
  /** List what would be deleted, delete nothing. */
  dryRun: z._default(z.boolean(), false),
  /** At most this many deletions per run; the rest wait for the next run. */
  maxDeletesPerRun: z._default(z.int().check(z.positive()), 100),
  /** Per job: delete its groups not pushed for longer than this. */
  ttl: z.partialRecord(z.enum(OWNED_JOBS), duration),
  /**
   * Per job: its schedules still deployed. Their run-health groups are never deleted, so the
   * stale alert of a collector that stopped keeps firing however old its groups get.
   */
  deployedSchedules: z._default(z.partialRecord(z.enum(OWNED_JOBS), z.array(z.string())), {}),
  /**
   * Jobs of the targets the stage's collectors fetch (a scrape schedule's `job`), each with the
   * collector job that pushes them: their target groups (`{job, instance}`) are this
   * product's too, and expire after the TTL of that collector job.
   */
  targetJobs: z._default(z.partialRecord(z.string().check(z.minLength(1)), z.enum(OWNED_JOBS)), {}),
});

export type JanitorPolicy = z.infer<typeof janitorPolicySchema>;

export function parseJanitorPolicy(input: unknown, source = 'janitor input'): JanitorPolicy {
  const parsed = janitorPolicySchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigurationError(`invalid ${source}: ${describeIssues(parsed.error)}`, {
      fields: fieldsOf(parsed.error),
      hint: 'the janitor input is written when packaging from the stage file ("janitor:"); see docs/operations/ownership.md',
    });
  }
  return parsed.data;
}
