import type { RemoteWriteClient } from '../remoteWrite/client';
import { groupSeries } from '../remoteWrite/samples';
import type { MetricsSink } from './types';

/**
 * Prometheus remote write: the group's series with its job and grouping labels, stamped with
 * the time they were sampled (eStats' sample time, the synthetic tick), else now.
 */
export function remoteWriteSink(
  client: Pick<RemoteWriteClient, 'write'>,
  now: () => number = Date.now,
): MetricsSink {
  return {
    name: 'remote-write',
    async write({ key, metrics }, deadline) {
      const data = await groupSeries(metrics, key, metrics.sampledAtMs ?? now());
      await client.write(data, deadline);
    },
  };
}
