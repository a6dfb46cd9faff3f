import type { SinkLogger } from '../types';
import { describeGroup } from '../../metrics/groups';
import type { Env } from '../../config/env';
import { REMOTE_WRITE_AUTH, remoteWriteOptionsFromEnv } from './settings';
import { secretAuthSource } from '../secretAuth';
import { clearTextCredentialsWarning, isAuthSource } from '../../shared/httpAuth';
import type { Deadline } from '../../shared/deadline';
import { RemoteWriteClient } from './client';
import { pushTimeSeries } from './samples';
import type { ConnectedSink, MetricsSink } from '../types';

/**
 * Prometheus remote write: the group's series with its job and grouping labels, stamped with
 * the time they were sampled (eStats' sample time, the synthetic tick), else now; and the
 * group's `push_time_seconds`, now, as the Pushgateway would add it. Series the receiver
 * refuses as too old or out of order are dropped, the rest lands, and a warning counts them.
 */
export function remoteWriteSink(
  client: Pick<RemoteWriteClient, 'write'>,
  options: { logger?: SinkLogger; now?: () => number } = {},
): MetricsSink {
  const now = options.now ?? Date.now;
  return {
    name: 'remote-write',
    async write({ key, metrics }, deadline) {
      const at = now();
      const data = await metrics.timeSeries(key, metrics.sampledAtMs ?? at);
      data.series.push(pushTimeSeries(key, at));
      const { dropped } = await client.write(data, deadline);
      if (dropped)
        options.logger?.warn(
          'remote write refused some series of a group as too old or out of order: dropped them, the rest landed',
          { group: describeGroup(key), droppedSeries: dropped.series, reason: dropped.reason },
        );
    },
  };
}

/** The remote-write sink the environment describes (REMOTE_WRITE_*), its secret read. */
export async function connectRemoteWriteSink(
  env: Env,
  deadline: Deadline,
  logger?: SinkLogger,
): Promise<ConnectedSink> {
  const { authSecret, ...options } = remoteWriteOptionsFromEnv(env);
  const auth = isAuthSource(options.auth) ? options.auth.current() : options.auth;
  const hasAuth = authSecret !== undefined || (auth !== undefined && auth.kind !== 'none');
  const warning = clearTextCredentialsWarning('remote write', options.url, hasAuth);
  const warnings = warning ? [warning] : [];
  const sinkOptions = logger ? { logger } : {};
  if (!authSecret)
    return { sink: remoteWriteSink(new RemoteWriteClient(options), sinkOptions), warnings };
  const fromSecret = await secretAuthSource(authSecret, REMOTE_WRITE_AUTH, deadline, logger);
  return {
    sink: remoteWriteSink(new RemoteWriteClient({ ...options, auth: fromSecret }), sinkOptions),
    warnings,
  };
}
