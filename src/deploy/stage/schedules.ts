import { type AkamaiClient, akamaiClientSchema } from '../../akamai/clients';
import { parseEstatsSchedule, targetWarnings } from '../../akamai/targets';
import type { FileProblems } from '../../config/fileProblems';
import { JOB } from '../../metrics/catalogue';
import { jobOf, parseScrapeSchedule } from '../../scrape/schedule';
import { ConfigurationError } from '../../shared/errors';
import { fieldsOf } from '../../shared/validation';
import { parseFleet } from '../../synthetic/fleetConfig';
import { shortestIntervalSeconds } from '../scheduleExpressions';
import type { StageConfig } from './config';
import type { StageClient, StageFile } from './schema';
import type { Indexed } from './sections';

const NAME_HINT =
  'each schedule needs its own name: it names its health group and its EventBridge rule';

/**
 * The eStats schedules, each input checked with the schema the function uses, its clients
 * looked up, and its interval set. A schedule with a problem is left out (and reported).
 */
export function estatsSchedulesOf(
  entries: ReadonlyArray<Indexed<StageFile['estats'][number]>>,
  clients: ReadonlyMap<string, AkamaiClient>,
  problems: FileProblems,
  warnings: string[],
  shown: string,
): Array<Indexed<StageConfig['estats'][number]>> {
  const names = new Map<string, number>();
  return entries.flatMap(({ index, entry }) => {
    const at = ['estats', index];
    const before = problems.count;
    const where = `estats[${index}]`;
    const input = problems.attempt([...at, 'input'], () =>
      parseEstatsSchedule(entry.input, `${where}.input`),
    );
    const intervalSeconds = intervalOf(entry.rate, [...at, 'rate'], problems);
    const named = problems.attempt(at, () => clientsOf(entry, clients));
    if (input === undefined || problems.count > before || intervalSeconds === undefined) return [];
    warnings.push(...targetWarnings(input, `${shown}: ${where}.input`));
    if (input.discover)
      warnings.push(
        `${shown}: ${where} (${input.name}) discovers its CP codes at run time: its Akamai budget is known only then. The table counts its maxTargets (${input.discover.maxTargets}) besides the ${input.targets.length} listed; a run that matches more refuses, and the Akamai budget series and CollectorRunsOutgrowInterval show what the runs really ask`,
      );
    if (input.clients !== undefined) {
      problems.add([...at, 'input', 'clients'], 'name the clients beside "rate"', CLIENTS_HINT);
      return [];
    }
    const same = names.get(input.name);
    if (same !== undefined) {
      problems.add(
        [...at, 'input', 'name'],
        `two eStats schedules are named "${input.name}" (estats[${same}] too)`,
        NAME_HINT,
      );
      return [];
    }
    names.set(input.name, index);
    const schedule = {
      rate: entry.rate,
      enabled: entry.enabled ?? true,
      input: { ...input, ...(named ? { clients: named } : {}), intervalSeconds },
    };
    return [{ index, entry: schedule }];
  });
}

/** The synthetic fleets, each checked as the function checks it. */
export function syntheticSchedulesOf(
  entries: ReadonlyArray<Indexed<StageFile['synthetic'][number]>>,
  problems: FileProblems,
): Array<Indexed<StageConfig['synthetic'][number]>> {
  return entries.flatMap(({ index, entry }) => {
    const at = ['synthetic', index];
    const fleet = problems.attempt([...at, 'fleet'], () =>
      parseFleet(entry.fleet, `synthetic[${index}].fleet`),
    );
    const intervalSeconds = intervalOf(entry.rate, [...at, 'rate'], problems);
    if (fleet === undefined || intervalSeconds === undefined) return [];
    const given = (entry.fleet ?? {}) as Record<string, unknown>;
    return [{ index, entry: { rate: entry.rate, enabled: entry.enabled ?? true, fleet: given } }];
  });
}

/** The jobs a scrape schedule may not take: this product's own. */
const RESERVED_JOBS: readonly string[] = Object.values(JOB);

/**
 * The stage file's `scrape:` schedules, each input validated as the function validates it.
 * Names and jobs are each the stage's once: a job is what removal and the janitor recognise a
 * schedule's groups by, so two schedules of one job would delete each other's targets.
 */
export function scrapeSchedulesOf(
  entries: ReadonlyArray<Indexed<StageFile['scrape'][number]>>,
  problems: FileProblems,
): Array<Indexed<StageConfig['scrape'][number]>> {
  const byName = new Map<string, number>();
  const byJob = new Map<string, number>();
  return entries.flatMap(({ index, entry }) => {
    const at = ['scrape', index];
    const input = problems.attempt([...at, 'input'], () =>
      parseScrapeSchedule(entry.input, `scrape[${index}].input`),
    );
    const intervalSeconds = intervalOf(entry.rate, [...at, 'rate'], problems);
    if (input === undefined || intervalSeconds === undefined) return [];
    const job = jobOf(input);
    const before = problems.count;
    const sameName = byName.get(input.name);
    if (sameName !== undefined)
      problems.add(
        [...at, 'input', 'name'],
        `scrape[${sameName}] is named "${input.name}" too`,
        NAME_HINT,
      );
    const sameJob = byJob.get(job);
    if (sameJob !== undefined)
      problems.add(
        [...at, 'input', 'job'],
        `scrape[${sameJob}] has job "${job}" too`,
        'give each schedule its own "job:": the job is how each one finds, and deletes, the groups of targets it no longer lists',
      );
    if (RESERVED_JOBS.includes(job))
      problems.add(
        [...at, 'input', 'job'],
        `"${job}" is one of this product's own jobs`,
        `name it after what it fetches (snmp, blackbox, node); taken: ${RESERVED_JOBS.join(', ')}`,
      );
    if (problems.count > before) return [];
    byName.set(input.name, index);
    byJob.set(job, index);
    const schedule = {
      rate: entry.rate,
      enabled: entry.enabled ?? true,
      input: { ...input, intervalSeconds },
    };
    return [{ index, entry: schedule }];
  });
}

const CLIENTS_HINT =
  'define them under akamai.clients and write "client: NAME" (or "clients: [A, B]") on the schedule';

/** akamai.clients: each validated with the schema the function itself uses. */
export function parseClients(
  section: Record<string, StageClient>,
  problems: FileProblems,
): Map<string, AkamaiClient> {
  const clients = new Map<string, AkamaiClient>();
  for (const [name, fields] of Object.entries(section)) {
    const at = ['akamai', 'clients', name];
    const parsed = akamaiClientSchema.safeParse({ name, ...fields });
    if (!parsed.success) {
      problems.addFields(
        fieldsOf(parsed.error, at),
        'see the README, "eStats targets" (API clients)',
      );
      continue;
    }
    if (parsed.data.secret !== undefined && parsed.data.edgercSection !== undefined) {
      problems.add(
        at,
        'names both a secret and an .edgerc section',
        'a deployed function reads "secret" (Secrets Manager); "edgercSection" is for local runs: keep one',
      );
      continue;
    }
    clients.set(name, parsed.data);
  }
  return clients;
}

/** The clients a schedule names, in the order it names them; none: the environment's. */
function clientsOf(
  schedule: { client?: string | undefined; clients?: string[] | undefined },
  clients: ReadonlyMap<string, AkamaiClient>,
): AkamaiClient[] | undefined {
  if (schedule.client !== undefined && schedule.clients !== undefined)
    throw new ConfigurationError('give "client" or "clients", not both', {
      fields: [{ path: ['clients'], message: 'give "client" or "clients", not both' }],
    });
  const names = schedule.clients ?? (schedule.client !== undefined ? [schedule.client] : undefined);
  const field = schedule.clients !== undefined ? 'clients' : 'client';
  if (names === undefined) {
    if (clients.size > 0)
      throw new ConfigurationError('name its API client', {
        hint: `the stage defines akamai.clients (${[...clients.keys()].join(', ')}): write "client: NAME" on every eStats schedule`,
      });
    return undefined;
  }
  return names.map((name) => {
    const client = clients.get(name);
    if (client === undefined)
      throw new ConfigurationError(`no API client "${name}" under akamai.clients`, {
        fields: [{ path: [field], message: `no API client "${name}" under akamai.clients` }],
        hint:
          clients.size > 0
            ? `the stage defines ${[...clients.keys()].join(', ')}`
            : 'define it under akamai.clients (a secret or an .edgerc section)',
      });
    return client;
  });
}

/** A schedule's interval in seconds, or a problem at its rate. */
export function intervalOf(
  expression: string,
  at: ReadonlyArray<string | number>,
  problems: FileProblems,
): number | undefined {
  try {
    return shortestIntervalSeconds(expression);
  } catch (error) {
    problems.add(
      at,
      (error as Error).message,
      'EventBridge takes rate(N minutes|hours|days) or cron(min hour day-of-month month day-of-week year)',
    );
    return undefined;
  }
}
