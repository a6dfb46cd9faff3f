import type { GroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import type { MetricMetadata, TimeSeries } from './writeRequest';

/**
 * A group's series as remote write carries them: each with the labels the Pushgateway would
 * have given it (its job and grouping labels, as `honor_labels: true` keeps them) and one
 * sample at `timestampMs` (eStats: Akamai's sample time; synthetic: the tick), which the
 * Pushgateway cannot take.
 */
export async function groupSeries(
  metrics: PushMetrics,
  key: GroupingKey,
  timestampMs: number,
): Promise<{ series: TimeSeries[]; metadata: MetricMetadata[] }> {
  const grouping = { ...key.labels, job: key.job };
  const families = await metrics.registry.getMetricsAsJSON();
  const series: TimeSeries[] = [];
  const metadata: MetricMetadata[] = [];
  for (const family of families) {
    const definition = metrics.definition(family.name);
    metadata.push({
      type: definition?.type ?? 'gauge',
      metricFamilyName: family.name,
      help: family.help,
    });
    for (const { labels, value } of family.values) {
      const all: Record<string, string> = { __name__: family.name };
      for (const [name, labelValue] of Object.entries(labels)) all[name] = String(labelValue);
      Object.assign(all, grouping);
      series.push({
        labels: Object.entries(all).map(([name, labelValue]) => ({ name, value: labelValue })),
        samples: [{ value, timestampMs }],
      });
    }
  }
  return { series, metadata };
}

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
