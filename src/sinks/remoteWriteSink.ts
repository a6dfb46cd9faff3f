import type { Env } from '../config/env';
import { REMOTE_WRITE_AUTH, remoteWriteOptionsFromEnv } from '../config/remoteWrite';
import { getJsonSecret } from '../aws/secrets';
import { authFromFields } from '../pushgateway/auth';
import type { Deadline } from '../shared/deadline';
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

/** The remote-write sink the environment describes (REMOTE_WRITE_*), its secret read. */
export async function remoteWriteSinkFromEnv(env: Env, deadline: Deadline): Promise<MetricsSink> {
  const { authSecret, ...options } = remoteWriteOptionsFromEnv(env);
  if (!authSecret) return remoteWriteSink(new RemoteWriteClient(options));
  const fields = await getJsonSecret(authSecret.secretId, {
    ttlMs: authSecret.cacheTtlMs,
    deadline,
  });
  const auth = authFromFields(fields, authSecret.secretId, REMOTE_WRITE_AUTH);
  return remoteWriteSink(new RemoteWriteClient({ ...options, auth }));
}
