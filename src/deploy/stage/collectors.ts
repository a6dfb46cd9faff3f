import { describeTarget, type EstatsSchedule } from '../../akamai/targets';
import { JOB } from '../../metrics/catalogue';
import { jobOf } from '../../scrape/schedule';
import { shortestIntervalSeconds } from '../scheduleExpressions';
import type { StageConfig } from './config';

/** The schedules of a stage, by kind (StageConfig's lists). */
export type StageSchedules = Pick<StageConfig, StageCollector['kind']>;

/** One schedule of a collector, as every row gives it. */
export interface CollectorSchedule {
  /** Names its health group, its log lines and its EventBridge rule. */
  name: string;
  rate: string;
  enabled: boolean;
}

/** The input EventBridge delivers: a template the tick time (`<time>`) is put into. */
export interface CollectorEvent {
  description: string;
  inputTemplate: string;
  /** How many targets the input lists, so an input over EventBridge's limit says how many fit. */
  targets?: number;
}

/**
 * A scheduled collector as packaging sees it: one row per kind. Everything that treats the
 * collectors alike (schedule events, their maximumEventAge, the intervals the alert rules
 * read, the schedules the janitor keeps) reads this table instead of naming each kind.
 */
export interface StageCollector {
  /** Its function in serverless.yml, and its section of the stage file. */
  kind: 'estats' | 'synthetic' | 'scrape';
  /** The job of its run-health groups (metrics/catalogue.ts). */
  job: string;
  /** How messages name one of its schedules: "eStats schedule". */
  what: string;
  /** The stage's schedules of this kind. */
  schedulesOf(config: StageSchedules): CollectorSchedule[];
  /** The event of its `index`-th schedule. The tick time always rides along (late deliveries). */
  eventOf(config: StageConfig, index: number): CollectorEvent;
}

/** A fleet's name (validated by parseFleet when the file was read), `default` when unnamed. */
function fleetName(fleet: Record<string, unknown>): string {
  return typeof fleet.name === 'string' ? fleet.name : 'default';
}

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

const at = <T>(list: readonly T[], index: number): T => {
  const item = list[index];
  if (item === undefined) throw new RangeError(`no schedule ${index}`);
  return item;
};

export const STAGE_COLLECTORS: readonly StageCollector[] = [
  {
    kind: 'estats',
    job: JOB.estats,
    what: 'eStats schedule',
    schedulesOf: (config) => config.estats.map((s) => ({ ...s, name: s.input.name })),
    eventOf(config, index) {
      const { input } = at(config.estats, index);
      return {
        description: `eStats targets of the ${input.name} schedule (${config.file})`,
        inputTemplate: `{"time": <time>, "schedule": ${JSON.stringify(withOwnership(input, config))}}`,
        targets: input.targets.length,
      };
    },
  },
  {
    kind: 'synthetic',
    job: JOB.synthetic,
    what: 'synthetic fleet',
    schedulesOf: (config) => config.synthetic.map((s) => ({ ...s, name: fleetName(s.fleet) })),
    eventOf(config, index) {
      const { rate, fleet } = at(config.synthetic, index);
      // The tick time (event.time) makes every value reproducible: a retried or duplicated
      // delivery pushes identical values. The fleet rides along in the same input.
      return {
        description: `Simulated switch fleet ${fleetName(fleet)} (${config.file})`,
        inputTemplate: `{"time": <time>, "intervalSeconds": ${shortestIntervalSeconds(rate)}, "fleet": ${JSON.stringify(fleet)}}`,
      };
    },
  },
  {
    kind: 'scrape',
    job: JOB.scrape,
    what: 'scrape schedule',
    schedulesOf: (config) => config.scrape.map((s) => ({ ...s, name: s.input.name })),
    eventOf(config, index) {
      const { input } = at(config.scrape, index);
      return {
        description: `Prometheus endpoints of the ${input.name} scrape schedule, job ${jobOf(input)} (${config.file})`,
        inputTemplate: `{"time": <time>, "schedule": ${JSON.stringify(input)}}`,
        targets: input.targets.length,
      };
    },
  },
];

/** Each collector's value of `of`, by its kind (the keys serverless.yml reads). */
export function byKind<T>(of: (collector: StageCollector) => T): Record<StageCollector['kind'], T> {
  return Object.fromEntries(STAGE_COLLECTORS.map((c) => [c.kind, of(c)])) as Record<
    StageCollector['kind'],
    T
  >;
}

/** Each collector's value of `of`, by its job (the keys the alert rules and janitor read). */
export function byJob<T>(of: (collector: StageCollector) => T): Record<string, T> {
  return Object.fromEntries(STAGE_COLLECTORS.map((c) => [c.job, of(c)]));
}

/** The names of the stage's enabled schedules per job: what its alert rules watch. */
export function enabledScheduleNames(config: StageSchedules): Record<string, string[]> {
  return byJob((collector) =>
    collector
      .schedulesOf(config)
      .filter((s) => s.enabled)
      .map((s) => s.name),
  );
}
