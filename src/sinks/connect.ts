import type { Env } from '../config/env';
import type { Deadline } from '../shared/deadline';
import type { Logger } from '../shared/logger';
import { Deliveries } from './deliveries';
import { SINK_FACTORIES } from './factories';
import { sinkNamesFromEnv } from './names';
import type { ConnectedSink } from './types';
import { CollectorError } from '../shared/errors';

/** Where connecting logs what it accepts but warns about, and what its sinks did later. */
type Warn = Pick<Logger, 'warn' | 'info'>;
const SILENT: Warn = { warn: () => {}, info: () => {} };

/** The sinks of the environment (SINKS), connected (their secrets are read here). */
export async function connectSinks(
  env: Env,
  deadline: Deadline,
  logger: Warn = SILENT,
): Promise<Deliveries> {
  return new Deliveries(await connectNamed(env, deadline, () => true, logger));
}

/**
 * The sinks of the environment that keep groups (the Pushgateways), for the janitor: none
 * when SINKS names no such sink, so there is nothing to clean.
 */
export async function connectGroupStores(
  env: Env,
  deadline: Deadline,
  logger: Warn = SILENT,
): Promise<Deliveries | undefined> {
  const connected = await connectNamed(env, deadline, (keeps) => keeps === 'groups', logger);
  return connected.length > 0 ? new Deliveries(connected) : undefined;
}

/**
 * Each sink connects on its own (their secrets are read at once): one that cannot (its secret
 * unreadable, its settings wrong) fails alone, as a delivery to it would, and the others take
 * the run's groups. Only when none connects does the run stop here, with the first reason.
 */
async function connectNamed(
  env: Env,
  deadline: Deadline,
  wanted: (keeps: 'groups' | 'samples') => boolean,
  logger: Warn,
): Promise<ConnectedSink[]> {
  const names = sinkNamesFromEnv(env).filter((name) => wanted(SINK_FACTORIES[name].keeps));
  const settled = await Promise.allSettled(
    names.map((name) => SINK_FACTORIES[name].connect(env, deadline, logger)),
  );
  const [first] = settled;
  if (first && settled.every((result) => result.status === 'rejected'))
    throw (first as PromiseRejectedResult).reason;
  for (const result of settled)
    if (result.status === 'fulfilled')
      for (const warning of result.value.warnings ?? []) logger.warn(warning);
  return settled.map((result, i) =>
    result.status === 'fulfilled'
      ? result.value
      : unconnected(names[i] ?? 'unknown', result.reason),
  );
}

/** A sink that could not connect: every group sent to it fails, saying why. */
function unconnected(name: string, reason: unknown): ConnectedSink {
  const hint = reason instanceof CollectorError ? reason.hint : undefined;
  return {
    sink: {
      name,
      write: () =>
        Promise.reject(
          new CollectorError(
            `${name} could not be connected: ${reason instanceof Error ? reason.message : String(reason)}`,
            {
              cause: reason,
              ...(hint ? { hint } : {}),
            },
          ),
        ),
    },
  };
}
