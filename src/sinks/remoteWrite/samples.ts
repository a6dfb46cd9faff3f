import type { GroupingKey } from '../../metrics/groups';
import type { TimeSeries } from '../../metrics/content';

const PUSH_TIME_SECONDS = 'push_time_seconds';

/**
 * What the Pushgateway adds to every group, for remote write too: `push_time_seconds` with the
 * group's labels, at the time of writing. The shipped rules and dashboards read each group
 * through it (queries/freshest.ts), so they work unchanged on remote-written data.
 */
export function pushTimeSeries(key: GroupingKey, atMs: number): TimeSeries {
  const labels = { ...key.labels, job: key.job, __name__: PUSH_TIME_SECONDS };
  return {
    labels: Object.entries(labels).map(([name, value]) => ({ name, value })),
    samples: [{ value: atMs / 1000, timestampMs: atMs }],
  };
}
