import type { Env } from '../../config/env';
import { carbonOptionsFromEnv } from './settings';
import { CarbonClient } from './client';
import { plaintextLines } from './lines';
import type { ConnectedSink, MetricsSink } from '../types';

/**
 * Graphite (Carbon's plaintext protocol, tagged series): the group's series with the same
 * labels as remote write gives them, as tags, stamped with the time they were sampled.
 */
export function graphiteSink(
  client: Pick<CarbonClient, 'send'>,
  now: () => number = Date.now,
): MetricsSink {
  return {
    name: 'graphite',
    async write({ key, metrics }, deadline) {
      const { series } = await metrics.timeSeries(key, metrics.sampledAtMs ?? now());
      await client.send(plaintextLines(series), deadline);
    },
  };
}

/** The Graphite sink the environment describes (GRAPHITE_*). */
export function connectGraphiteSink(env: Env): ConnectedSink {
  return { sink: graphiteSink(new CarbonClient(carbonOptionsFromEnv(env))) };
}
