import { pushgatewaySettingsFromEnv } from '../config/pushgateway';
import { carbonOptionsFromEnv } from '../config/graphite';
import { remoteWriteOptionsFromEnv } from '../config/remoteWrite';
import { CarbonClient } from '../graphite/client';
import type { Env } from '../config/env';
import { connectPushgateway } from '../pushgateway/connect';
import type { PushgatewaySet } from '../pushgateway/pushgatewaySet';
import { RemoteWriteClient } from '../remoteWrite/client';
import type { Deadline } from '../shared/deadline';
import { ConfigurationError } from '../shared/errors';
import { Deliveries } from './deliveries';
import { graphiteSink } from './graphiteSink';
import { pushgatewaySink } from './pushgatewaySink';
import { remoteWriteSink } from './remoteWriteSink';
import { type MetricsSink, SINK_NAMES, type SinkName } from './types';

/** SINKS: where the groups go; several at once (e.g. while moving from one to another). */
export function sinkNamesFromEnv(env: Env): SinkName[] {
  const raw = (env.SINKS ?? '').trim() || 'pushgateway';
  const names = raw.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !(SINK_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new ConfigurationError(
      `environment variable SINKS=${JSON.stringify(raw)} names unknown sink(s) ${unknown.join(', ')}`,
      { hint: `choose from ${SINK_NAMES.join(', ')}` },
    );
  return [...new Set(names)] as SinkName[];
}

/** The sinks of the environment, connected (a Pushgateway secret is read here). */
export async function connectSinks(env: Env, deadline: Deadline): Promise<Deliveries> {
  const sinks: MetricsSink[] = [];
  let pushgateways: PushgatewaySet | undefined;
  for (const name of sinkNamesFromEnv(env)) {
    if (name === 'pushgateway') {
      pushgateways = await connectPushgateway(pushgatewaySettingsFromEnv(env), deadline);
      sinks.push(pushgatewaySink(pushgateways));
    } else if (name === 'remote-write') {
      sinks.push(remoteWriteSink(new RemoteWriteClient(remoteWriteOptionsFromEnv(env))));
    } else {
      sinks.push(graphiteSink(new CarbonClient(carbonOptionsFromEnv(env))));
    }
  }
  return new Deliveries(sinks, pushgateways);
}
