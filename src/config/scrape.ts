import { parseScrapeSchedule, type ScrapeSchedule } from '../scrape/schedule';
import { ConfigurationError } from '../shared/errors';
import { resolveTickSeconds, type Tick } from './synthetic';

export interface ScrapeInvocation {
  schedule: ScrapeSchedule;
  /** The scheduled time, when EventBridge delivered it (packaging passes it through). */
  tick?: Tick;
}

/**
 * The scrape function's event: `{"time": …, "schedule": {…}}` as packaging writes the
 * schedule's input (src/deploy/stage/events.ts), or `{"schedule": {…}}` by hand (invoke local).
 */
export function resolveScrapeInvocation(event: unknown): ScrapeInvocation {
  const schedule = isRecord(event) ? event.schedule : undefined;
  if (!isRecord(schedule))
    throw new ConfigurationError('no scrape schedule: the event has no "schedule" object', {
      hint: 'list the schedule under "scrape:" in the stage file (config/<stage>.yml); by hand, invoke with {"schedule": {"name": …, "targets": [{"url": …}]}}',
    });
  const parsed = parseScrapeSchedule(schedule, 'schedule input (event.schedule)');
  const time = resolveTickSeconds(event);
  if (!time.fromEvent) return { schedule: parsed };
  return {
    schedule: parsed,
    tick: {
      time: new Date(time.seconds * 1000),
      ...(parsed.intervalSeconds ? { intervalSeconds: parsed.intervalSeconds } : {}),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
