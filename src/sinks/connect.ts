import type { Env } from '../config/env';
import type { Deadline } from '../shared/deadline';
import { Deliveries } from './deliveries';
import { SINK_FACTORIES } from './factories';
import { sinkNamesFromEnv } from './names';
import type { ConnectedSink } from './types';

/** The sinks of the environment (SINKS), connected (their secrets are read here). */
export async function connectSinks(env: Env, deadline: Deadline): Promise<Deliveries> {
  return new Deliveries(await connectNamed(env, deadline, () => true));
}

/**
 * The sinks of the environment that keep groups (the Pushgateways), for the janitor: none
 * when SINKS names no such sink, so there is nothing to clean.
 */
export async function connectGroupStores(
  env: Env,
  deadline: Deadline,
): Promise<Deliveries | undefined> {
  const connected = await connectNamed(env, deadline, (keeps) => keeps === 'groups');
  return connected.length > 0 ? new Deliveries(connected) : undefined;
}

async function connectNamed(
  env: Env,
  deadline: Deadline,
  wanted: (keeps: 'groups' | 'samples') => boolean,
): Promise<ConnectedSink[]> {
  const connected: ConnectedSink[] = [];
  for (const name of sinkNamesFromEnv(env)) {
    const factory = SINK_FACTORIES[name];
    if (wanted(factory.keeps)) connected.push(await factory.connect(env, deadline));
  }
  return connected;
}
