import type { GroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';

export interface Label {
  name: string;
  value: string;
}

/** One series: its labels (`__name__` included) and its samples, oldest first. */
export interface TimeSeries {
  labels: Label[];
  samples: Array<{ value: number; timestampMs: number }>;
}

export interface MetricMetadata {
  type: 'counter' | 'gauge';
  metricFamilyName: string;
  help: string;
}

/**
 * A group's series as the sinks without groups carry them (remote write, Graphite): each with
 * the labels the Pushgateway would have given it (its job and grouping labels, as
 * `honor_labels: true` keeps them) and one sample at `timestampMs` (eStats: Akamai's sample
 * time; synthetic: the tick), which the Pushgateway cannot take.
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
