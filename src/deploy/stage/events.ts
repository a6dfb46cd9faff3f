import { describeTarget, type EstatsSchedule, parseEstatsSchedule } from '../../akamai/targets';
import { jobOf } from '../../scrape/schedule';
import { ConfigurationError } from '../../shared/errors';
import { shortestIntervalSeconds } from '../scheduleExpressions';
import { fleetName, type StageConfig } from './config';

/**
 * What a schedule needs to own its groups (collectors/estatsOwnership.ts): the stage, and for
 * each target the other schedules of the stage that collect the same group.
 */
function withOwnership(input: EstatsSchedule, config: StageConfig): EstatsSchedule {
  const collectors = new Map<string, string[]>();
  for (const { input: other } of config.estats)
    for (const target of other.targets) {
      const id = describeTarget(target);
      collectors.set(id, [...(collectors.get(id) ?? []), other.name]);
    }
  return {
    ...input,
    stage: config.stage,
    targets: input.targets.map(({ sharedWith: _given, ...target }) => {
      const others = (collectors.get(describeTarget(target)) ?? []).filter((n) => n !== input.name);
      return others.length > 0 ? { ...target, sharedWith: others } : target;
    }),
  };
}

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
): {
  estats: ScheduleEvent[];
  synthetic: ScheduleEvent[];
  scrape: ScheduleEvent[];
  janitor: ScheduleEvent[];
} {
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
    estats: config.estats.map(({ rate, enabled, input }) => ({
      schedule: {
        name: named('estats', input.name, 'eStats schedule'),
        description: `eStats targets of the ${input.name} schedule (${config.file})`,
        rate,
        enabled,
        // The tick time rides along, so a delivery older than the interval is known as late
        // (collectors/lateDelivery.ts).
        inputTransformer: {
          inputPathsMap: { time: '$.time' },
          inputTemplate: fitting(
            `{"time": <time>, "schedule": ${JSON.stringify(withOwnership(input, config))}}`,
            'eStats schedule',
            input.name,
            input.targets.length,
          ),
        },
      },
    })),
    synthetic: config.synthetic.map(({ rate, enabled, fleet }) => {
      const name = fleetName(fleet);
      return {
        schedule: {
          name: named('synthetic', name, 'synthetic fleet'),
          description: `Simulated switch fleet ${name} (${config.file})`,
          rate,
          enabled,
          // The tick time (event.time) makes every value reproducible: a retried or duplicated
          // delivery pushes identical values, and one older than the interval is skipped. The
          // fleet rides along in the same input.
          inputTransformer: {
            inputPathsMap: { time: '$.time' },
            inputTemplate: fitting(
              `{"time": <time>, "intervalSeconds": ${shortestIntervalSeconds(rate)}, "fleet": ${JSON.stringify(fleet)}}`,
              'synthetic fleet',
              name,
            ),
          },
        },
      };
    }),
    scrape: config.scrape.map(({ rate, enabled, input }) => ({
      schedule: {
        name: named('scrape', input.name, 'scrape schedule'),
        description: `Prometheus endpoints of the ${input.name} scrape schedule, job ${jobOf(input)} (${config.file})`,
        rate,
        enabled,
        // The tick time rides along, so a delivery older than the interval is skipped.
        inputTransformer: {
          inputPathsMap: { time: '$.time' },
          inputTemplate: fitting(
            `{"time": <time>, "schedule": ${JSON.stringify(input)}}`,
            'scrape schedule',
            input.name,
            input.targets.length,
          ),
        },
      },
    })),
  };
}

/** The schedule of an eStats event, as the function will read it (tests, tools). */
export function estatsScheduleOf(event: {
  schedule: Pick<ScheduleEvent['schedule'], 'input' | 'inputTransformer'>;
}): EstatsSchedule {
  const template = event.schedule.inputTransformer?.inputTemplate;
  const input: unknown =
    template !== undefined
      ? (JSON.parse(template.replace('<time>', '"1970-01-01T00:00:00Z"')) as { schedule: unknown })
          .schedule
      : event.schedule.input;
  return parseEstatsSchedule(input, 'packaged schedule');
}

/**
 * maximumEventAge of each collector: no longer than its shortest enabled schedule's interval
 * (a run is superseded by the next tick), within Lambda's bounds of 60 s to 6 h.
 */
export function maximumEventAges(config: StageConfig): {
  estats: number;
  synthetic: number;
  scrape: number;
} {
  const shortest = (rates: string[]) =>
    Math.min(
      EVENT_AGE_BOUNDS.max,
      Math.max(EVENT_AGE_BOUNDS.min, Math.min(...rates.map(shortestIntervalSeconds))),
    );
  const enabled = <T extends { enabled: boolean; rate: string }>(list: T[]) =>
    list.filter((s) => s.enabled).map((s) => s.rate);
  return {
    estats: shortest(enabled(config.estats)),
    synthetic: shortest(enabled(config.synthetic)),
    scrape: shortest(enabled(config.scrape)),
  };
}
