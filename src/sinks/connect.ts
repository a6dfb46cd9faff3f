import type { Env } from '../config/env';
import { pushgatewaySettingsFromEnv } from '../config/pushgateway';
import { sinkNamesFromEnv } from '../config/sinks';
import { connectPushgateway } from '../pushgateway/connect';
import type { PushgatewaySet } from '../pushgateway/pushgatewaySet';
import type { Deadline } from '../shared/deadline';
import { Deliveries } from './deliveries';
import { pushgatewaySink } from './pushgatewaySink';
import type { MetricsSink } from './types';

/*
 * The other sinks are loaded when SINKS names them, not with the bundle: a Pushgateway-only
 * stage does not evaluate protobufjs, snappyjs or the Graphite client at a cold start. Plain
 * requires: esbuild keeps them lazy (a dynamic import() would stay ESM in our CommonJS output).
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const remoteWrite = () => require('./remoteWriteSink') as typeof import('./remoteWriteSink');
const graphite = () => require('./graphiteSink') as typeof import('./graphiteSink');
/* eslint-enable @typescript-eslint/no-require-imports */

/** The sinks of the environment, connected (their secrets are read here). */
export async function connectSinks(env: Env, deadline: Deadline): Promise<Deliveries> {
  const sinks: MetricsSink[] = [];
  let pushgateways: PushgatewaySet | undefined;
  for (const name of sinkNamesFromEnv(env)) {
    if (name === 'pushgateway') {
      pushgateways = await connectPushgateway(pushgatewaySettingsFromEnv(env), deadline);
      sinks.push(pushgatewaySink(pushgateways));
    } else if (name === 'remote-write') {
      sinks.push(await remoteWrite().remoteWriteSinkFromEnv(env, deadline));
    } else {
      sinks.push(graphite().graphiteSinkFromEnv(env));
    }
  }
  return new Deliveries(sinks, pushgateways);
}
