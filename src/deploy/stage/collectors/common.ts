import * as z from 'zod/mini';
import '../../../shared/zod';
import type { AkamaiClient } from '../../../akamai/clients';
import type { FileProblems } from '../../../config/fileProblems';
import { ConfigurationError } from '../../../shared/errors';
import { shortestIntervalSeconds } from '../../scheduleExpressions';

/** When a schedule runs: an EventBridge rate(…) or cron(…) expression. */
export const rate = z
  .string()
  .check(
    z.regex(/^(rate|cron)\(.+\)$/, 'must be rate(…) or cron(…)'),
    z.describe('When it runs: an EventBridge rate(…) or cron(…) expression, e.g. rate(2 minutes)'),
  );

export const enabled = z.optional(
  z.boolean().check(z.describe('false keeps the schedule packaged but switched off')),
);

export const NAME_HINT =
  'each schedule needs its own name: it names its health group and its EventBridge rule';

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

/** The `index`-th schedule of a list: a row's eventOf is only asked for one it listed. */
export function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new RangeError(`no schedule ${index}`);
  return item;
}

/** The inputs of the schedules that are switched on. */
export function enabledInputs<T>(schedules: ReadonlyArray<{ enabled: boolean; input: T }>): T[] {
  return schedules.filter((s) => s.enabled).map((s) => s.input);
}

/**
 * The API clients a schedule names (`client`, or eStats' `clients`), looked up in the stage's
 * akamai.clients, in the order it names them; none: the function environment's, which a stage
 * that defines clients refuses. `kind` names the schedules in the hint.
 */
export function clientsOf(
  schedule: { client?: string | undefined; clients?: string[] | undefined },
  clients: ReadonlyMap<string, AkamaiClient>,
  kind: string,
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
        hint: `the stage defines akamai.clients (${[...clients.keys()].join(', ')}): write "client: NAME" on every ${kind} schedule`,
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
