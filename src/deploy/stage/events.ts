import { ConfigurationError } from '../../shared/errors';
import { shortestIntervalSeconds } from '../scheduleExpressions';
import { byKind } from './collectors';
import type { CollectorKind, StageCollector } from './collectors/types';
import type { StageConfig } from './config';

/** One serverless.yml `schedule` event: what EventBridge is told to deliver, and when. */
export interface ScheduleEvent {
  schedule: {
    name: string;
    description: string;
    rate: string;
    enabled: boolean;
    input?: unknown;
    inputTransformer?: { inputPathsMap: Record<string, string>; inputTemplate: string };
  };
}

/** EventBridge's limits on a rule (AWS: EventBridge quotas; osls checks neither in time). */
export const EVENTBRIDGE_MAX_INPUT_CHARS = 8_192;
export const EVENTBRIDGE_MAX_RULE_NAME_CHARS = 64;

/** Lambda's bounds on maximumEventAge (seconds). */
const EVENT_AGE_BOUNDS = { min: 60, max: 21_600 };

/**
 * The schedule events of each function, as serverless.yml declares them. Every rule is
 * checked against EventBridge's limits here, naming the schedule of the stage file, instead of
 * failing late in CloudFormation (input size) or as a schema error about
 * `functions.estats.events.N` (rule name).
 */
export function scheduleEvents(
  config: StageConfig,
  ruleName: (fn: string, schedule: string) => string,
): Record<CollectorKind | 'janitor', ScheduleEvent[]> {
  const named = (fn: string, schedule: string, what: string) => {
    const name = ruleName(fn, schedule);
    if (name.length > EVENTBRIDGE_MAX_RULE_NAME_CHARS) {
      const room = EVENTBRIDGE_MAX_RULE_NAME_CHARS - (name.length - schedule.length);
      throw new ConfigurationError(
        `${config.file}: ${what} "${schedule}" makes the EventBridge rule name ${name} (${name.length} characters; EventBridge allows ${EVENTBRIDGE_MAX_RULE_NAME_CHARS})`,
        {
          hint:
            room > 0
              ? `rename the schedule in ${config.file} to at most ${room} characters`
              : 'shorten the service or stage name: the rule name has no room left for the schedule',
        },
      );
    }
    return name;
  };
  const fitting = (template: string, what: string, schedule: string, targets?: number) => {
    if (template.length > EVENTBRIDGE_MAX_INPUT_CHARS) {
      const fit =
        targets !== undefined
          ? Math.floor((targets * EVENTBRIDGE_MAX_INPUT_CHARS) / template.length)
          : undefined;
      throw new ConfigurationError(
        `${config.file}: ${what} "${schedule}" packages into an EventBridge input of ${template.length} characters; EventBridge allows ${EVENTBRIDGE_MAX_INPUT_CHARS}`,
        {
          hint:
            fit !== undefined
              ? `split its ${targets} targets over two or more schedules in ${config.file} (about ${fit} of these fit one), each with its own name; CP codes take fewer characters than URLs`
              : `make the ${what} smaller in ${config.file}`,
        },
      );
    }
    return template;
  };
  const collectorEvents = (collector: StageCollector<CollectorKind>): ScheduleEvent[] =>
    collector.schedulesOf(config).map(({ name, rate, enabled }, index) => {
      const event = collector.eventOf(config, index);
      const { description, targets } = event;
      // Every event names the stage: the owner of the groups its runs write
      // (collectors/ownership.ts), so removal and the janitor touch no other stage's.
      const inputTemplate = `{"stage": ${JSON.stringify(config.stage)}, ${event.inputTemplate.replace(/^\{\s*/, '')}`;
      return {
        schedule: {
          name: named(collector.kind, name, collector.what),
          description,
          rate,
          enabled,
          // The tick time rides along, so a delivery older than the interval is known as late
          // (collectors/lateDelivery.ts).
          inputTransformer: {
            inputPathsMap: { time: '$.time' },
            inputTemplate: fitting(inputTemplate, collector.what, name, targets),
          },
        },
      };
    });
  return {
    janitor: [
      {
        schedule: {
          name: named('janitor', 'ttl', 'the janitor schedule'),
          description: `Deletes this product's Pushgateway groups not pushed for longer than their TTL (${config.file})`,
          rate: config.janitor.rate,
          enabled: config.janitor.enabled,
          input: config.janitor.policy,
        },
      },
    ],
    ...byKind(collectorEvents),
  };
}

/**
 * The event a schedule delivers, as the function receives it (tests, tools): its input, the
 * tick time (now, unless given) put in as EventBridge does.
 */
export function deliveredEvent(
  event: { schedule: Pick<ScheduleEvent['schedule'], 'input' | 'inputTransformer'> },
  time = new Date().toISOString(),
): unknown {
  const template = event.schedule.inputTransformer?.inputTemplate;
  return template !== undefined
    ? JSON.parse(template.replace('<time>', JSON.stringify(time)))
    : event.schedule.input;
}

/**
 * maximumEventAge of each collector: no longer than its shortest enabled schedule's interval
 * (a run is superseded by the next tick), within Lambda's bounds of 60 s to 6 h.
 */
export function maximumEventAges(config: StageConfig): Record<CollectorKind, number> {
  return byKind((collector) => {
    const rates = collector
      .schedulesOf(config)
      .filter((s) => s.enabled)
      .map((s) => shortestIntervalSeconds(s.rate));
    return Math.min(EVENT_AGE_BOUNDS.max, Math.max(EVENT_AGE_BOUNDS.min, Math.min(...rates)));
  });
}
