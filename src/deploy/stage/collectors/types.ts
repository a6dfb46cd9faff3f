import type * as z from 'zod/mini';
import type { AkamaiClient } from '../../../akamai/clients';
import type { CollectorAlerting } from '../../../alerting/collectorAlerting';
import type { AlertingConfig } from '../../../alerting/config';
import type { Slo } from '../../../alerting/slo';
import type { EstatsSchedule } from '../../../akamai/targets';
import type { FileProblems } from '../../../config/fileProblems';
import type { ScrapeSchedule } from '../../../scrape/schedule';
import type { TrafficSchedule } from '../../../traffic/schedule';
import type { Env } from '../../../config/env';
import type { DoctorCheck } from '../../doctor/checks';

/** A schedule of a list, with its index in the file (for the places of its problems). */
export type Indexed<T> = { index: number; entry: T };

/** When a schedule runs, and whether it is switched on: every collector's schedules have it. */
interface Scheduled {
  rate: string;
  enabled: boolean;
}

/** Each collector's schedules as the stage gives them, its input checked and its interval set. */
export interface StageSchedulesByKind {
  /** Each schedule's input carries its API clients (none: the function's environment's). */
  estats: Array<Scheduled & { input: EstatsSchedule }>;
  synthetic: Array<Scheduled & { fleet: Record<string, unknown> }>;
  scrape: Array<Scheduled & { input: ScrapeSchedule }>;
  /** Each schedule's input carries its API client (none: the function's environment's). */
  traffic: Array<Scheduled & { input: TrafficSchedule }>;
}

/** The scheduled collectors: each is a function and a section of the stage file. */
export type CollectorKind = keyof StageSchedulesByKind;

/** One schedule of a collector, as every row gives it. */
export interface CollectorSchedule extends Scheduled {
  /** Names its health group, its log lines and its EventBridge rule. */
  name: string;
}

/** The input EventBridge delivers: a template the tick time (`<time>`) is put into. */
export interface CollectorEvent {
  description: string;
  inputTemplate: string;
  /** How many targets the input lists, so an input over EventBridge's limit says how many fit. */
  targets?: number;
}

/** What a row's schedule events may read of the stage. */
export type EventContext = StageSchedulesByKind & { stage: string; file: string };

/** What a row's reader gets besides its entries. */
export interface ReadContext {
  problems: FileProblems;
  /** The stage's Akamai API clients (akamai.clients), by name. */
  clients: ReadonlyMap<string, AkamaiClient>;
  /** What packaging prints but accepts. */
  warnings: string[];
  /** The stage file as messages name it. */
  shown: string;
}

/** What a row's packaging budget may read of the stage. */
export type BudgetContext = StageSchedulesByKind & {
  /** The stage file as messages name it. */
  file: string;
  settings: Readonly<Record<string, string>>;
  /** What one eStats answer is assumed to take (the stage file's akamai.answerSeconds). */
  answerSeconds: number;
};

/** What a row's cost estimate may read of the stage (deploy/cost/usage.ts). */
export type UsageContext = StageSchedulesByKind & {
  settings: Readonly<Record<string, string>>;
  /** What one eStats answer is assumed to take (the budget check's). */
  answerSeconds: number;
};

/**
 * One run of a schedule as the cost estimate counts it. What a run logs and pushes is measured
 * on the real handler (test/integration/costInputs.test.ts); what cannot be is said so.
 */
export interface RunUsage {
  /** Billed wall time of one run: waits for a budget included. */
  seconds: number;
  /** Secrets of its own one run reads (its sinks' are counted apart). */
  secrets: number;
  /** Bytes of its own log lines (Lambda's are counted apart). */
  logBytes: number;
  samples: number;
  /** How the run was sized, for the estimate's line. */
  basis: string;
  /** What the sample count assumes, when it is not measured. */
  samplesAssume?: string;
}

/**
 * A collector's part of `npm run doctor` (deploy/doctor/): the secrets its function reads, and
 * the services its schedules need, each checked against the real account, read-only.
 */
export interface Preflight {
  secrets: DoctorCheck[];
  services: DoctorCheck[];
}

/** A row's own part: its entry schema, and how it reads the entries that pass it. */
export interface StageCollectorDefinition<
  K extends CollectorKind,
  Entry,
  Alerting extends CollectorAlerting = CollectorAlerting,
> {
  kind: K;
  /** The job of its run-health groups (metrics/catalogue.ts). */
  job: string;
  /** Its alerting: its section of `alerting:`, its rule group, the series they read. */
  alerting: Alerting;
  /** How messages name one of its schedules: "eStats schedule". */
  what: string;
  /** One entry of its section of the stage file (its input is checked by `read`). */
  entry: z.ZodMiniType<Entry>;
  /**
   * The same entry for the stage file's JSON Schema: its input as the function's schema
   * describes it, less what packaging sets itself.
   */
  editableEntry: z.ZodMiniType;
  /** What its section holds, for editors (the JSON Schema's description). */
  describes: string;
  /** Its section's entries that passed `entry`, checked as its function checks them. */
  read(
    entries: ReadonlyArray<Indexed<Entry>>,
    context: ReadContext,
  ): Array<Indexed<StageSchedulesByKind[K][number]>>;
  /** The name and timing of each of its schedules. */
  schedulesOf(config: Pick<StageSchedulesByKind, K>): CollectorSchedule[];
  /** The event of its `index`-th schedule. The tick time always rides along (late deliveries). */
  eventOf(config: EventContext, index: number): CollectorEvent;
  /**
   * What a deployed stage (any but `local`) may not hold in its section (the shipped examples,
   * this machine's addresses): each a problem at its place.
   */
  checkDeployed(
    schedules: ReadonlyArray<Indexed<StageSchedulesByKind[K][number]>>,
    stage: string,
    problems: FileProblems,
  ): void;
  /**
   * Whether its enabled schedules fit its function's limits (timeout, shared rate budgets):
   * the lines packaging prints, or a ConfigurationError with the numbers and the ways out.
   * `safetyMarginMs` is the functions' deadline margin (deadlineSafetyMarginMs).
   */
  packagingBudget(config: BudgetContext, safetyMarginMs: number): string;
  /**
   * What its section may not hold given the stage's alerting settings (a scrape job named as
   * the Pushgateways' own): each a problem at its place.
   */
  checkWithAlerting?(
    schedules: ReadonlyArray<Indexed<StageSchedulesByKind[K][number]>>,
    alerting: AlertingConfig,
    problems: FileProblems,
  ): void;
  /**
   * The stage's SLOs (`slos:`), when they are of its targets: read and checked against its
   * schedules, which were read whole.
   */
  slosOf?(section: unknown, config: Pick<StageSchedulesByKind, K>, file: string): Slo[];
  /**
   * Jobs of the targets its schedules fetch, besides its own job: their target groups
   * (`{job, instance}`) are this stage's, and expire after its job's TTL (the janitor).
   */
  targetJobsOf?(config: Pick<StageSchedulesByKind, K>): string[];
  /** One run of its `index`-th schedule, for the cost estimate. */
  runUsage(context: UsageContext, index: number): RunUsage;
  /**
   * The secrets its function reads for its enabled schedules: what its role may read
   * (infra/serverless/roles.js adds the sinks' own). `settings` are the stage's.
   */
  secretsRead(
    config: Pick<StageSchedulesByKind, K>,
    settings: Readonly<Record<string, string>>,
  ): string[];
  /** Its enabled schedules' preflight, with the function's environment of the stage. */
  preflight(config: Pick<StageSchedulesByKind, K>, env: Env): Preflight;
}

/**
 * A scheduled collector as packaging sees it: one row per kind. Everything that treats the
 * collectors alike (the stage file's sections, schedule events and their maximumEventAge, the
 * intervals the alert rules read, the schedules the janitor keeps) reads the rows instead of
 * naming each kind.
 */
export interface StageCollector<K extends CollectorKind> extends Omit<
  StageCollectorDefinition<K, unknown>,
  'read' | 'entry'
> {
  /** One entry of its section, for the stage file's schema. */
  entry: z.ZodMiniType;
  /** Its section's items as the file gives them: each checked, the good ones read. */
  readSection(
    items: ReadonlyArray<Indexed<unknown>>,
    context: ReadContext,
  ): Array<Indexed<StageSchedulesByKind[K][number]>>;
}
