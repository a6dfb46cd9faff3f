import { LABEL, type MetricDefinition, TRAFFIC } from '../metrics/catalogue';
import type { GroupContent, MetricMetadata, TimeSeries } from '../metrics/content';
import type { GroupingKey } from '../metrics/groups';
import { PushMetrics } from '../metrics/registry';
import { offload, type TrafficBucket } from './buckets';
import { BUCKET_SECONDS } from './report';

interface Sample {
  definition: MetricDefinition;
  labels: Record<string, string>;
  value: number;
}

/**
 * One CP code's traffic on its way to the sinks, each in its own time:
 * - the Pushgateway (which refuses timestamps) gets the newest bucket, with its end time as
 *   `akamai_traffic_bucket_end_timestamp_seconds`, so dashboards and alerts see the lag;
 * - remote write and Graphite get every bucket at its end time, oldest first: the newest and
 *   those an outage missed.
 */
export class TrafficGroup implements GroupContent {
  constructor(
    /** Oldest first; at least one. */
    readonly buckets: readonly TrafficBucket[],
    private readonly name: string | undefined,
  ) {
    if (buckets.length === 0) throw new Error('TrafficGroup needs at least one bucket');
  }

  private get newest(): TrafficBucket {
    return this.buckets[this.buckets.length - 1] as TrafficBucket;
  }

  get sampledAtMs(): number {
    return this.newest.endSec * 1000;
  }

  get seriesCount(): number {
    return samplesOf(this.newest, this.name).length;
  }

  text(): Promise<string> {
    const metrics = new PushMetrics(this.sampledAtMs);
    for (const { definition, labels, value } of samplesOf(this.newest, this.name))
      metrics.family(definition).set(labels, value);
    return metrics.text();
  }

  timeSeries(key: GroupingKey): Promise<{ series: TimeSeries[]; metadata: MetricMetadata[] }> {
    const grouping = { ...key.labels, job: key.job };
    const series = new Map<string, TimeSeries>();
    const families = new Map<string, MetricDefinition>();
    for (const bucket of this.buckets)
      for (const { definition, labels, value } of samplesOf(bucket, this.name)) {
        families.set(definition.name, definition);
        const all = { __name__: definition.name, ...labels, ...grouping };
        const id = JSON.stringify(all);
        const existing = series.get(id);
        const sample = { value, timestampMs: bucket.endSec * 1000 };
        if (existing) existing.samples.push(sample);
        else
          series.set(id, {
            labels: Object.entries(all).map(([name, labelValue]) => ({ name, value: labelValue })),
            samples: [sample],
          });
      }
    const metadata = [...families.values()].map((definition) => ({
      type: definition.type,
      metricFamilyName: definition.name,
      help: definition.help,
    }));
    return Promise.resolve({ series: [...series.values()], metadata });
  }
}

/** The series of one bucket. */
function samplesOf(bucket: TrafficBucket, name: string | undefined): Sample[] {
  const samples: Sample[] = [
    { definition: TRAFFIC.up, labels: {}, value: 1 },
    { definition: TRAFFIC.hits, labels: { [LABEL.direction]: 'edge' }, value: bucket.edgeHits },
    { definition: TRAFFIC.hits, labels: { [LABEL.direction]: 'origin' }, value: bucket.originHits },
    { definition: TRAFFIC.bytes, labels: { [LABEL.direction]: 'edge' }, value: bucket.edgeBytes },
    {
      definition: TRAFFIC.bytes,
      labels: { [LABEL.direction]: 'origin' },
      value: bucket.originBytes,
    },
    { definition: TRAFFIC.bucketEnd, labels: {}, value: bucket.endSec },
    { definition: TRAFFIC.bucketSeconds, labels: {}, value: BUCKET_SECONDS },
  ];
  const hitOffload = offload(bucket.edgeHits, bucket.originHits);
  if (hitOffload !== undefined)
    samples.push({ definition: TRAFFIC.hitOffloadRatio, labels: {}, value: hitOffload });
  const byteOffload = offload(bucket.edgeBytes, bucket.originBytes);
  if (byteOffload !== undefined)
    samples.push({ definition: TRAFFIC.byteOffloadRatio, labels: {}, value: byteOffload });
  if (name)
    samples.push({
      definition: TRAFFIC.targetInfo,
      labels: { [LABEL.targetName]: name },
      value: 1,
    });
  return samples;
}

/** A CP code's failure, in its group instead of its buckets: up 0 and the reason. */
export function trafficFailureMetrics(reason: string, name: string | undefined): PushMetrics {
  const metrics = new PushMetrics();
  metrics.family(TRAFFIC.up).set(0);
  metrics.family(TRAFFIC.failureInfo).set({ [LABEL.reason]: reason }, 1);
  if (name) metrics.family(TRAFFIC.targetInfo).set({ [LABEL.targetName]: name }, 1);
  return metrics;
}
