import * as z from 'zod/mini';
import '../shared/zod';
import type { EstatsSchedule } from '../akamai/targets';
import { DIRECTIONS, type Direction } from '../metrics/catalogue';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';

/**
 * Service level objectives of eStats targets, declared in the stage file (`slos:` in
 * config/<stage>.yml) and turned into recording rules and burn-rate alerts by rules/slo.ts.
 * The SLI is hit-weighted: 5xx hits over all hits of a direction (edge or origin).
 */
export const SLO_WINDOWS = ['28d', '30d'] as const;
export type SloWindow = (typeof SLO_WINDOWS)[number];

/** What an SLO (or an override) names: a CP code or a URL, as the schedules list them. */
export type SloSubject = { cpCode: number } | { url: string };

export interface SloTarget {
  subject: SloSubject;
  /** The SLO's objective, or the target's override. */
  objective: number;
}

export interface Slo {
  name: string;
  description?: string;
  direction: Direction;
  window: SloWindow;
  objective: number;
  targets: SloTarget[];
}

const OBJECTIVE_MESSAGE = 'must be a ratio strictly between 0 and 1, e.g. 0.995 for 99.5 %';
const objective = z.number().check(z.gt(0, OBJECTIVE_MESSAGE), z.lt(1, OBJECTIVE_MESSAGE));

const subjectFields = {
  cpCode: z.optional(z.int().check(z.nonnegative())),
  url: z.optional(z.string()),
};

export const sloSchema = z.strictObject({
  /** Names the SLO in the `slo` label of its series and alerts. */
  name: z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'use 1-63 lower-case letters, digits and "-"')),
  description: z.optional(z.string()),
  direction: z._default(z.enum(DIRECTIONS), 'edge'),
  objective,
  window: z._default(z.enum(SLO_WINDOWS), '30d'),
  /** Every target of this eStats schedule… */
  schedule: z.optional(z.string()),
  /** …or these targets (each must be in a schedule). */
  targets: z.optional(z.array(z.strictObject(subjectFields))),
  overrides: z._default(z.array(z.strictObject({ ...subjectFields, objective })), []),
});

/** A key that identifies a subject in messages and maps. */
export function describeSubject(subject: SloSubject): string {
  return 'cpCode' in subject ? `cpCode ${subject.cpCode}` : `url ${subject.url}`;
}

function toSubject(
  fields: { cpCode?: number | undefined; url?: string | undefined },
  where: string,
): SloSubject {
  if ((fields.cpCode === undefined) === (fields.url === undefined)) {
    throw new ConfigurationError(`${where}: needs exactly one of "cpCode" or "url"`);
  }
  return fields.cpCode !== undefined ? { cpCode: fields.cpCode } : { url: fields.url as string };
}

/**
 * Validate the `slos:` section of a stage file against that file's eStats schedules: an SLO
 * may only name targets a schedule collects (an SLO of a target nobody collects would never
 * have data, and so never alert). Throws naming the file, the SLO and the field.
 */
export function parseSlos(raw: unknown, schedules: readonly EstatsSchedule[], file: string): Slo[] {
  const where = `${file}: slos`;
  const parsed = z._default(z.array(sloSchema), []).safeParse(raw);
  if (!parsed.success) {
    throw new ConfigurationError(`${file}: ${describeIssues(parsed.error, 'slos')}`, {
      fields: fieldsOf(parsed.error, ['slos']),
      hint: 'see docs/guides/slos.md for the format',
    });
  }
  const collected = new Set(
    schedules.flatMap((s) => s.targets.map((t) => describeSubject(toSubject(t, where)))),
  );
  const names = new Set<string>();
  return parsed.data.map((definition, i) =>
    placed(['slos', i], file, () => {
      const at = `${where}[${i}] (${definition.name})`;
      if (names.has(definition.name)) {
        throw new ConfigurationError(`${at}: another SLO is named "${definition.name}"`, {
          hint: 'the name is the slo label of its series and alerts: each SLO needs its own',
        });
      }
      names.add(definition.name);
      const subjects = sloSubjects(definition, schedules, at);
      const keys = subjects.map(describeSubject);
      keys.forEach((key, j) => {
        if (!collected.has(key)) {
          throw new ConfigurationError(`${at}.targets[${j}]: ${key} is in no eStats schedule`, {
            hint: 'an SLO can only cover targets a schedule collects: add it to a schedule first',
          });
        }
        if (keys.indexOf(key) !== j)
          throw new ConfigurationError(`${at}.targets[${j}]: ${key} is listed twice`);
      });
      const overrides = new Map<string, number>();
      definition.overrides.forEach((override, j) => {
        const key = describeSubject(toSubject(override, `${at}.overrides[${j}]`));
        if (!keys.includes(key)) {
          throw new ConfigurationError(
            `${at}.overrides[${j}]: ${key} is not one of this SLO's targets`,
            { hint: `its targets: ${keys.join(', ')}` },
          );
        }
        overrides.set(key, override.objective);
      });
      return {
        name: definition.name,
        ...(definition.description ? { description: definition.description } : {}),
        direction: definition.direction,
        window: definition.window,
        objective: definition.objective,
        targets: subjects.map((subject, j) => ({
          subject,
          objective: overrides.get(keys[j] as string) ?? definition.objective,
        })),
      };
    }),
  );
}

/** A problem of one SLO, placed at it, so a stage file's loader can give its line. */
function placed<T>(path: Array<string | number>, file: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof ConfigurationError) || error.fields.length > 0) throw error;
    throw new ConfigurationError(error.message, {
      hint: error.hint,
      fields: [{ path, message: error.message.replace(`${file}: `, '') }],
    });
  }
}

function sloSubjects(
  definition: z.infer<typeof sloSchema>,
  schedules: readonly EstatsSchedule[],
  at: string,
): SloSubject[] {
  if ((definition.schedule === undefined) === (definition.targets === undefined)) {
    throw new ConfigurationError(`${at}: needs exactly one of "schedule" or "targets"`, {
      hint: '"schedule: <name>" covers every target of that eStats schedule; "targets" lists CP codes and URLs',
    });
  }
  if (definition.targets !== undefined) {
    if (definition.targets.length === 0) throw new ConfigurationError(`${at}: "targets" is empty`);
    return definition.targets.map((t, j) => toSubject(t, `${at}.targets[${j}]`));
  }
  const schedule = schedules.find((s) => s.name === definition.schedule);
  if (!schedule) {
    throw new ConfigurationError(
      `${at}: schedule "${definition.schedule}" is not an eStats schedule of this stage`,
      { hint: `its eStats schedules: ${schedules.map((s) => s.name).join(', ') || 'none'}` },
    );
  }
  // A CP code collected with two delivery types is one subject: the SLO covers both series.
  const unique = new Map<string, SloSubject>();
  for (const target of schedule.targets) {
    const subject = toSubject(target, at);
    unique.set(describeSubject(subject), subject);
  }
  return [...unique.values()];
}
