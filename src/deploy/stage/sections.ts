import * as z from 'zod/mini';
import '../../shared/zod';
import type { FileProblems } from '../../config/fileProblems';
import { fieldsOf } from '../../shared/validation';
import { SCHEDULE_LISTS, type StageFile, stageFileSchema, stageSections } from './schema';

/** A schedule of a list, with its index in the file (for the places of its problems). */
export type Indexed<T> = { index: number; entry: T };

/** The sections of a stage file that passed their own schema; a failed one is undefined. */
export interface StageSections {
  functions: StageFile['functions'] | undefined;
  akamai: StageFile['akamai'] | undefined;
  /** Each list keeps the schedules that passed, so their own checks still run. */
  estats: Array<Indexed<StageFile['estats'][number]>>;
  synthetic: Array<Indexed<StageFile['synthetic'][number]>>;
  scrape: Array<Indexed<StageFile['scrape'][number]>>;
  janitor: StageFile['janitor'] | undefined;
  links: StageFile['links'] | undefined;
  slos: unknown;
  alerting: unknown;
}

const SECTION_NAMES = Object.keys(stageFileSchema.def.shape);

/** The top level: a mapping of known sections, each anything for now. */
const topLevel = z.strictObject(
  Object.fromEntries(SECTION_NAMES.map((name) => [name, z.optional(z.unknown())])),
);

/**
 * Check each section of the file with its own schema, and each schedule of a list alone, so
 * the problems of every section are found in one pass.
 */
export function readSections(raw: unknown, problems: FileProblems): StageSections {
  const top = topLevel.safeParse(raw ?? {});
  if (!top.success) problems.addFields(fieldsOf(top.error));
  const file = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const section = <T>(
    name: keyof typeof stageSections,
    schema: z.ZodMiniType<T>,
  ): T | undefined => {
    const parsed = schema.safeParse(file[name]);
    if (parsed.success) return parsed.data;
    problems.addFields(fieldsOf(parsed.error, [name]));
    return undefined;
  };
  const list = <T>(name: (typeof SCHEDULE_LISTS)[number], schema: z.ZodMiniType<T>) => {
    const value = file[name] ?? [];
    if (!Array.isArray(value)) {
      problems.add([name], 'must be a list of schedules (each item starts with "- rate: …")');
      return [];
    }
    return value.flatMap((item: unknown, index) => {
      const parsed = schema.safeParse(item);
      if (parsed.success) return [{ index, entry: parsed.data }];
      problems.addFields(fieldsOf(parsed.error, [name, index]));
      return [];
    });
  };
  return {
    functions: section('functions', stageSections.functions),
    akamai: section('akamai', stageSections.akamai),
    estats: list('estats', stageSections.estats),
    synthetic: list('synthetic', stageSections.synthetic),
    scrape: list('scrape', stageSections.scrape),
    janitor: section('janitor', stageSections.janitor),
    links: section('links', stageSections.links),
    slos: file.slos,
    alerting: file.alerting,
  };
}
