import { Counter, Gauge, Registry } from 'prom-client';
import { assertLabelName, assertMetricName } from './names';
import type { MetricDefinition } from './catalogue';
import type { GroupContent, MetricMetadata, TimeSeries } from './content';
import type { GroupingKey } from './groups';

/** Label values of one series. */
export type SeriesLabels<L extends string> = Partial<Record<L, string | number>>;

/** Sets the samples of one metric family of the catalogue. */
export interface FamilyWriter<L extends string> {
  set(value: number): void;
  set(labels: SeriesLabels<L>, value: number): void;
}

/**
 * The metric families of one push, held in a prom-client `Registry` and serialized by it
 * (text exposition format 0.0.4, the one the Pushgateway parses).
 *
 * - A fresh instance (and so a fresh `Registry`) per push: Lambda reuses warm containers, and
 *   a registry kept at module scope would carry series from one run into the next.
 * - A family's `Gauge` or `Counter` is created from its catalogue definition at its first
 *   sample, not before: prom-client writes an unlabelled gauge that was never set as `0`, which
 *   would push a made-up value (e.g. a sample time for an answer without one).
 * - Counters carry absolute values computed by the collector (a device's counters since boot):
 *   a new counter starts at 0, so `inc(value)` sets it.
 */
export class PushMetrics implements GroupContent {
  readonly registry = new Registry();
  /**
   * When the values were sampled (Unix ms): eStats' sample time, a synthetic tick. Sinks that
   * take timestamps (remote write, Graphite) stamp the series with it; the Pushgateway cannot.
   * Absent: the time of delivery.
   */
  readonly sampledAtMs: number | undefined;
  private readonly writers = new Map<string, CatalogueFamily>();
  private series = 0;

  constructor(sampledAtMs?: number) {
    this.sampledAtMs = sampledAtMs;
  }

  /** The writer of a catalogue family; its names are checked (and named if bad) first. */
  family<L extends string>(definition: MetricDefinition<L>): FamilyWriter<L> {
    const existing = this.writers.get(definition.name);
    if (existing) {
      if (existing.definition !== definition)
        throw new Error(`metric ${definition.name} is defined twice with different definitions`);
      return existing;
    }
    assertMetricName(definition.name);
    for (const label of definition.labels) assertLabelName(label, `metric ${definition.name}`);
    const writer = new CatalogueFamily(definition, this.registry, () => this.series++);
    this.writers.set(definition.name, writer);
    return writer;
  }

  /**
   * Samples set so far. Each label set is set once per push (a builder's contract: the
   * Pushgateway refuses a body with a repeated series), so this is the number of series.
   */
  get seriesCount(): number {
    return this.series;
  }

  /** The catalogue definitions of the families set so far, by name. */
  definition(name: string): MetricDefinition | undefined {
    return this.writers.get(name)?.definition;
  }

  /**
   * The body to push: `registry.metrics()`, families in the order of their first sample. Its
   * series never carry the grouping labels: the builders leave them to the key.
   */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Every series with the key's job and grouping labels, one sample at `timestampMs`. */
  async timeSeries(
    key: GroupingKey,
    timestampMs: number,
  ): Promise<{ series: TimeSeries[]; metadata: MetricMetadata[] }> {
    const grouping = { ...key.labels, job: key.job };
    const families = await this.registry.getMetricsAsJSON();
    const series: TimeSeries[] = [];
    const metadata: MetricMetadata[] = [];
    for (const family of families) {
      metadata.push({
        type: this.definition(family.name)?.type ?? 'gauge',
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
}

class CatalogueFamily implements FamilyWriter<string> {
  private metric: Gauge | Counter | undefined;

  constructor(
    readonly definition: MetricDefinition,
    private readonly registry: Registry,
    private readonly onSample: () => void,
  ) {}

  set(labelsOrValue: SeriesLabels<string> | number, maybeValue?: number): void {
    const labels = typeof labelsOrValue === 'number' ? {} : labelsOrValue;
    const value = typeof labelsOrValue === 'number' ? labelsOrValue : maybeValue;
    if (typeof value !== 'number')
      throw new TypeError(`metric ${this.definition.name}: value is not a number: ${value}`);
    const metric = (this.metric ??= this.create());
    if (metric instanceof Counter) metric.inc(labels, value);
    else metric.set(labels, value);
    this.onSample();
  }

  private create(): Gauge | Counter {
    const options = {
      name: this.definition.name,
      help: this.definition.help,
      labelNames: this.definition.labels,
      registers: [this.registry],
    };
    return this.definition.type === 'counter' ? new Counter(options) : new Gauge(options);
  }
}
