import { type EstatsSchedule, parseEstatsSchedule } from '../../../akamai/targets';
import { deliveredEvent, type ScheduleEvent } from '../events';

/** The schedule of an eStats event, as the function will read it (tests, tools). */
export function estatsScheduleOf(event: {
  schedule: Pick<ScheduleEvent['schedule'], 'input' | 'inputTransformer'>;
}): EstatsSchedule {
  const delivered = deliveredEvent(event);
  const input = event.schedule.inputTransformer
    ? (delivered as { schedule: unknown }).schedule
    : delivered;
  return parseEstatsSchedule(input, 'packaged schedule');
}
