import type { Env } from '../config/env';
import { remoteWriteOptionsFromEnv } from '../config/remoteWrite';
import { RemoteWriteClient } from '../remoteWrite/client';
import { groupSeries, pushTimeSeries } from '../remoteWrite/samples';
import type { MetricsSink } from './types';

/**
 * Prometheus remote write: the group's series with its job and grouping labels, stamped with
 * the time they were sampled (eStats' sample time, the synthetic tick), else now; and the
 * group's `push_time_seconds`, now, as the Pushgateway would add it.
 */
export function remoteWriteSink(
  client: Pick<RemoteWriteClient, 'write'>,
  now: () => number = Date.now,
): MetricsSink {
  return {
    name: 'remote-write',
    async write({ key, metrics }, deadline) {
      const at = now();
      const data = await groupSeries(metrics, key, metrics.sampledAtMs ?? at);
      data.series.push(pushTimeSeries(key, at));
      await client.write(data, deadline);
    },
  };
}

/** The remote-write sink the environment describes (REMOTE_WRITE_*). */
export function remoteWriteSinkFromEnv(env: Env): MetricsSink {
  return remoteWriteSink(new RemoteWriteClient(remoteWriteOptionsFromEnv(env)));
}
