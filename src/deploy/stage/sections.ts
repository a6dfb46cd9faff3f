import * as z from 'zod/mini';
import '../../shared/zod';
import type { FileProblems } from '../../config/fileProblems';
import { fieldsOf } from '../../shared/validation';
import { COLLECTOR_KINDS } from './collectors';
import type { CollectorKind, Indexed } from './collectors/types';
import { parsedSections, type StageFile, stageSections } from './schema';

/** The sections of a stage file that passed their own schema; a failed one is undefined. */
export type StageSections = { [K in keyof StageFile]: StageFile[K] | undefined } & {
  /** Each collector's section: its items, each checked by its row when it is read. */
  schedules: Record<CollectorKind, Array<Indexed<unknown>>>;
  slos: unknown;
  alerting: unknown;
};

/** The top level: a mapping of known sections, each anything for now. */
const topLevel = z.strictObject(
  Object.fromEntries(
    [...Object.keys(stageSections), ...COLLECTOR_KINDS, ...Object.keys(parsedSections)].map(
      (name) => [name, z.optional(z.unknown())],
    ),
  ),
);

/**
 * Check each section of the file with its own schema, and each schedule of a list alone, so
 * the problems of every section are found in one pass.
 */
export function readSections(raw: unknown, problems: FileProblems): StageSections {
  const top = topLevel.safeParse(raw ?? {});
  if (!top.success) problems.addFields(fieldsOf(top.error));
  const file = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const section = <K extends keyof StageFile>(name: K): StageFile[K] | undefined => {
    const parsed = stageSections[name].safeParse(file[name]);
    if (parsed.success) return parsed.data as StageFile[K];
    problems.addFields(fieldsOf(parsed.error, [name]));
    return undefined;
  };
  const list = (name: CollectorKind): Array<Indexed<unknown>> => {
    const value = file[name] ?? [];
    if (Array.isArray(value)) return value.map((entry: unknown, index) => ({ index, entry }));
    problems.add([name], 'must be a list of schedules (each item starts with "- rate: …")');
    return [];
  };
  return {
    functions: section('functions'),
    akamai: section('akamai'),
    janitor: section('janitor'),
    links: section('links'),
    schedules: Object.fromEntries(COLLECTOR_KINDS.map((kind) => [kind, list(kind)])) as Record<
      CollectorKind,
      Array<Indexed<unknown>>
    >,
    slos: file.slos,
    alerting: file.alerting,
  };
}
