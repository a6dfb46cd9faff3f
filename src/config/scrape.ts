import { parseScrapeSchedule, type ScrapeSchedule } from '../scrape/schedule';
import { ConfigurationError } from '../shared/errors';
import { isRecord, type Tick, withTick } from './synthetic';

export interface ScrapeInvocation {
  schedule: ScrapeSchedule;
  /** The scheduled time, when EventBridge delivered it (packaging passes it through). */
  tick?: Tick;
}

/**
 * The scrape function's event: `{"stage": …, "time": …, "schedule": {…}}` as packaging writes
 * the schedule's input (src/deploy/stage/events.ts); by hand (invoke local), `{"schedule": {…}}`
 * or the schedule itself (it carries `targets`, as examples/scrape-event.json), as eStats takes.
 */
export function resolveScrapeInvocation(event: unknown): ScrapeInvocation {
  if (isRecord(event) && !('schedule' in event) && 'targets' in event)
    return { schedule: parseScrapeSchedule(event, 'schedule input (event)') };
  const schedule = isRecord(event) ? event.schedule : undefined;
  if (!isRecord(schedule))
    throw new ConfigurationError(
      'no scrape schedule: the event has no "schedule" object and no "targets"',
      {
        hint: 'list the schedule under "scrape:" in the stage file (config/<stage>.yml); by hand, invoke with the schedule itself, {"name": …, "targets": [{"url": …}]} (examples/scrape-event.json), or {"schedule": {…}}',
      },
    );
  return withTick(event, parseScrapeSchedule(schedule, 'schedule input (event.schedule)'));
}
