import type { GroupingKey } from './groups';

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
 * What a group holds, in the two forms the sinks take: a collector's own series (PushMetrics)
 * or a target's scrape (scrape/scrapedGroup.ts).
 */
export interface GroupContent {
  /** The series it holds. */
  readonly seriesCount: number;
  /**
   * When the values were sampled (Unix ms): eStats' sample time, a synthetic tick, a scrape.
   * Absent: the time of delivery.
   */
  readonly sampledAtMs: number | undefined;
  /**
   * The Pushgateway's body: text exposition 0.0.4 without timestamps (it refuses them) and
   * without the labels of the grouping key, which the URL carries.
   */
  text(key: GroupingKey): Promise<string>;
  /**
   * The series of the sinks without groups (remote write, Graphite): each with the labels the
   * Pushgateway would give it (the job and grouping labels, as `honor_labels: true` keeps
   * them), stamped with its own time where it has one, else `timestampMs`.
   */
  timeSeries(
    key: GroupingKey,
    timestampMs: number,
  ): Promise<{ series: TimeSeries[]; metadata: MetricMetadata[] }>;
}
