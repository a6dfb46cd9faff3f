import type { GroupContent, MetricMetadata, TimeSeries } from '../metrics/content';
import type { GroupingKey } from '../metrics/groups';
import type { ExposedFamily, MetricType } from './expositionModel';
import type { StoredSample } from './semantics';

/**
 * One target's scrape as a group on its way to the sinks: the stored samples (and the report
 * series) with their families' types and help. The Pushgateway gets text exposition 0.0.4
 * without timestamps, which it refuses; remote write gets every sample at its own time (the
 * body's timestamp, else the scrape's).
 */
export class ScrapedGroup implements GroupContent {
  constructor(
    readonly samples: readonly StoredSample[],
    private readonly families: readonly ExposedFamily[],
    /** When the target answered: the samples' time where the body gave none. */
    readonly sampledAtMs: number,
  ) {}

  get seriesCount(): number {
    return this.samples.length;
  }

  /**
   * The series for remote write: every label (job and instance included), each sample at the
   * body's timestamp for it, else the scrape's time, as a Prometheus scrape stores it.
   */
  timeSeries(): Promise<{ series: TimeSeries[]; metadata: MetricMetadata[] }> {
    return Promise.resolve(this.series());
  }

  private series(): { series: TimeSeries[]; metadata: MetricMetadata[] } {
    const series = this.samples.map((sample) => ({
      labels: [
        { name: '__name__', value: sample.name },
        ...Object.entries(sample.labels).map(([name, value]) => ({ name, value })),
      ],
      samples: [{ value: sample.value, timestampMs: sample.timestampMs ?? this.sampledAtMs }],
    }));
    const metadata = this.families.map((family) => ({
      type: family.type === 'counter' ? ('counter' as const) : ('gauge' as const),
      metricFamilyName: family.name,
      help: family.help ?? '',
    }));
    return { series, metadata };
  }

  /** The 0.0.4 body for the Pushgateway, less the labels its grouping key sets. */
  text(key: GroupingKey): Promise<string> {
    return Promise.resolve(this.exposition(['job', ...Object.keys(key.labels ?? {})]));
  }

  private exposition(groupingLabels: readonly string[]): string {
    const meta = new Map<string, { type: string; help?: string }>();
    for (const family of this.families)
      for (const sample of family.samples) {
        const own = familyOfSample(family, sample.name);
        if (!meta.has(own.name)) meta.set(own.name, own);
      }
    const lines: string[] = [];
    const written = new Set<string>();
    const byFamily = new Map<string, StoredSample[]>();
    for (const sample of this.samples) {
      const name = familyNameOf(sample.name, meta);
      // Appended in place: copying the list per sample made a family of n series cost n².
      const samples = byFamily.get(name);
      if (samples) samples.push(sample);
      else byFamily.set(name, [sample]);
    }
    for (const [name, samples] of byFamily) {
      const m = meta.get(name) ?? { type: 'untyped' };
      if (!written.has(name)) {
        if (m.help) lines.push(`# HELP ${name} ${escapeHelp(m.help)}`);
        lines.push(`# TYPE ${name} ${m.type}`);
        written.add(name);
      }
      for (const sample of samples) {
        const labels = Object.entries(sample.labels)
          .filter(([label]) => !groupingLabels.includes(label))
          .map(([label, value]) => `${label}="${escapeLabel(value)}"`)
          .join(',');
        lines.push(`${sample.name}${labels ? `{${labels}}` : ''} ${formatValue(sample.value)}`);
      }
    }
    return `${lines.join('\n')}\n`;
  }
}

/**
 * The 0.0.4 family a sample is written under: 0.0.4 knows counters, gauges, histograms and
 * summaries, named by their samples. An OpenMetrics counter `foo` becomes the counter
 * `foo_total`; `_created` samples, info and stateset families become gauges; the rest untyped.
 */
function familyOfSample(
  family: ExposedFamily,
  sampleName: string,
): { name: string; type: string; help?: string } {
  const help = family.help;
  const as = (name: string, type: string) => ({ name, type, ...(help ? { help } : {}) });
  if (sampleName.endsWith('_created') && sampleName !== family.name) return as(sampleName, 'gauge');
  const type: MetricType = family.type;
  switch (type) {
    case 'counter':
      return as(sampleName, 'counter');
    case 'gauge':
      return as(family.name, 'gauge');
    case 'histogram':
    case 'summary':
      return as(family.name, type);
    case 'info':
    case 'stateset':
      return as(sampleName, 'gauge');
    default:
      return as(sampleName, 'untyped');
  }
}

function familyNameOf(sampleName: string, meta: ReadonlyMap<string, { type: string }>): string {
  if (meta.has(sampleName)) return sampleName;
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = sampleName.endsWith(suffix) ? sampleName.slice(0, -suffix.length) : undefined;
    const type = base ? meta.get(base)?.type : undefined;
    if (base && (type === 'histogram' || type === 'summary')) return base;
  }
  return sampleName;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
