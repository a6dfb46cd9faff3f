import '../../../shared/zod';
import type { CollectorAlerting } from '../../../alerting/collectorAlerting';
import type { AlertingConfig } from '../../../alerting/config';
import type { Slo } from '../../../alerting/slo';
import type { FileProblems } from '../../../config/fileProblems';
import { fieldsOf } from '../../../shared/validation';
import { ESTATS_COLLECTOR } from './estats';
import { SCRAPE_COLLECTOR } from './scrape';
import { SYNTHETIC_COLLECTOR } from './synthetic';
import { TRAFFIC_COLLECTOR } from './traffic';
import type {
  BudgetContext,
  CollectorKind,
  Indexed,
  ReadContext,
  StageCollector,
  StageCollectorDefinition,
  StageSchedulesByKind,
} from './types';

/** A row of the table: its definition, with each entry checked before it is read. */
function row<K extends CollectorKind, Entry, Alerting extends CollectorAlerting>(
  definition: StageCollectorDefinition<K, Entry, Alerting>,
): StageCollector<K> & { alerting: Alerting } {
  const { read, ...rest } = definition;
  return {
    ...rest,
    readSection(items, context) {
      const entries = items.flatMap(({ index, entry }) => {
        const parsed = definition.entry.safeParse(entry);
        if (parsed.success) return [{ index, entry: parsed.data }];
        context.problems.addFields(fieldsOf(parsed.error, [definition.kind, index]));
        return [];
      });
      return read(entries, context);
    },
  };
}

/**
 * The scheduled collectors, one row each (types.ts, StageCollectorDefinition). A new collector
 * is a file of its own here and one row below; the stage file's sections and their checks,
 * schedule events and their maximumEventAge, the alert rules' intervals and the janitor's
 * schedules follow from it.
 */
const ROWS = {
  estats: row(ESTATS_COLLECTOR),
  synthetic: row(SYNTHETIC_COLLECTOR),
  scrape: row(SCRAPE_COLLECTOR),
  traffic: row(TRAFFIC_COLLECTOR),
} satisfies { readonly [K in CollectorKind]: StageCollector<K> };

export const STAGE_COLLECTOR_TABLE: { readonly [K in CollectorKind]: StageCollector<K> } = ROWS;

/** Each kind's section of a stage file's `alerting:`, its schema as its row types it. */
export type CollectorAlertSections = {
  [K in CollectorKind]: (typeof ROWS)[K]['alerting']['settings'];
};

/** The kinds' alerting sections, for the stage's alerting schema (alerting.ts). */
export function collectorAlertSections(): CollectorAlertSections {
  return Object.fromEntries(
    STAGE_COLLECTORS.map((c) => [c.kind, c.alerting.settings]),
  ) as CollectorAlertSections;
}

/** The rows in the table's order. */
export const STAGE_COLLECTORS: ReadonlyArray<StageCollector<CollectorKind>> =
  Object.values(STAGE_COLLECTOR_TABLE);

/** The kinds, in the table's order: the stage file's sections and the functions' names. */
export const COLLECTOR_KINDS = Object.keys(STAGE_COLLECTOR_TABLE) as CollectorKind[];

/** The schedules of a stage, by kind. */
export type StageSchedules = StageSchedulesByKind;

/** Each collector's value of `of`, by its kind (the keys serverless.yml reads). */
export function byKind<T>(
  of: (collector: StageCollector<CollectorKind>) => T,
): Record<CollectorKind, T> {
  return Object.fromEntries(STAGE_COLLECTORS.map((c) => [c.kind, of(c)])) as Record<
    CollectorKind,
    T
  >;
}

/** Each collector's value of `of`, by its job (the keys the alert rules and janitor read). */
export function byJob<T>(of: (collector: StageCollector<CollectorKind>) => T): Record<string, T> {
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

/** Each collector's schedules as read, with their index in the file. */
export type ReadSchedules = {
  [K in CollectorKind]: Array<Indexed<StageSchedulesByKind[K][number]>>;
};

/**
 * Every collector's section, each read by its row. `complete` lists the kinds whose every
 * item was read without a problem: checks across sections (an SLO's targets) trust only those.
 */
export function readCollectorSections(
  items: Readonly<Record<CollectorKind, ReadonlyArray<Indexed<unknown>>>>,
  context: ReadContext,
): { schedules: ReadSchedules; complete: Set<CollectorKind> } {
  const complete = new Set<CollectorKind>();
  const read = <K extends CollectorKind>(kind: K) => {
    const before = context.problems.count;
    const schedules = STAGE_COLLECTOR_TABLE[kind].readSection(items[kind], context);
    if (context.problems.count === before && schedules.length === items[kind].length)
      complete.add(kind);
    return schedules;
  };
  return {
    schedules: {
      estats: read('estats'),
      synthetic: read('synthetic'),
      scrape: read('scrape'),
      traffic: read('traffic'),
    },
    complete,
  };
}

/** Each collector's section as a deployed stage must have it (its row's checkDeployed). */
export function checkDeployedSections(
  schedules: ReadSchedules,
  stage: string,
  problems: FileProblems,
): void {
  const check = <K extends CollectorKind>(kind: K) =>
    STAGE_COLLECTOR_TABLE[kind].checkDeployed(schedules[kind], stage, problems);
  for (const kind of COLLECTOR_KINDS) check(kind);
}

/** Every collector's packaging budget (its row's), in the table's order: what packaging prints. */
export function packagingBudgets(config: BudgetContext, safetyMarginMs: number): string {
  return STAGE_COLLECTORS.map((collector) =>
    collector.packagingBudget(config, safetyMarginMs),
  ).join('');
}

/** Each collector's section checked against the stage's alerting settings (its row's). */
export function checkWithAlerting(
  schedules: ReadSchedules,
  alerting: AlertingConfig,
  problems: FileProblems,
): void {
  const check = <K extends CollectorKind>(kind: K) =>
    STAGE_COLLECTOR_TABLE[kind].checkWithAlerting?.(schedules[kind], alerting, problems);
  for (const kind of COLLECTOR_KINDS) check(kind);
}

/**
 * The stage's SLOs, read by the rows whose targets they are of; only against sections that
 * were read whole (a target of a refused schedule would read as unknown).
 */
export function slosOf(
  section: unknown,
  read: { complete: ReadonlySet<CollectorKind> },
  config: StageSchedulesByKind & { file: string },
  problems: FileProblems,
): Slo[] {
  return STAGE_COLLECTORS.flatMap((collector) =>
    collector.slosOf && read.complete.has(collector.kind)
      ? (problems.attempt([], () => collector.slosOf?.(section, config, config.file)) ?? [])
      : [],
  );
}

/** The schedules alone, as StageConfig holds them. */
export function withoutIndex(schedules: ReadSchedules): StageSchedulesByKind {
  const entries = <K extends CollectorKind>(kind: K) => schedules[kind].map((s) => s.entry);
  return {
    estats: entries('estats'),
    synthetic: entries('synthetic'),
    scrape: entries('scrape'),
    traffic: entries('traffic'),
  };
}
