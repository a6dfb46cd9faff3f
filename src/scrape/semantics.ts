import { SCRAPE_REPORT } from '../metrics/catalogue';
import type { ExposedFamily, ExposedSample } from './expositionModel';

/**
 * What a Prometheus scrape stores of a target's body, so that our pushed series match what a
 * real scrape of the same endpoint would hold (issue 27): the target's labels (`job`,
 * `instance` = the URL's host:port, and those configured) on every sample, with
 * `honor_labels` deciding a conflict; labels with empty values dropped; the metric allow and
 * deny lists applied (`metric_relabel_configs` keep/drop on `__name__`); the sample limit,
 * which fails the whole scrape; and the report series `up`, `scrape_duration_seconds`,
 * `scrape_samples_scraped` and `scrape_samples_post_metric_relabeling`.
 */
export interface ScrapeTargetLabels {
  job: string;
  /** The target's URL: its host:port is `instance` (the scheme's port when it has none)… */
  url: string;
  /** …unless it is given (scrape/schedule.ts). */
  instance?: string;
  /** More target labels (the stage file's `labels`). */
  labels?: Record<string, string>;
}

export interface ScrapeRules {
  /** Scraped labels win over the target's (Prometheus `honor_labels: true`). */
  honorLabels?: boolean;
  /** Keep only samples whose name matches (anchored, like relabeling regexes). */
  allow?: string;
  /** Drop samples whose name matches (anchored), after `allow`. */
  deny?: string;
  /** More samples than this after the lists fail the scrape (0: no limit). */
  sampleLimit?: number;
  /** The target's timeout, reported as scrape_timeout_seconds (Prometheus's default 10 s). */
  timeoutSeconds?: number;
  /**
   * Metric-name prefixes dropped as a `metric_relabel_configs` drop rule would, after the
   * lists: the names this product pushes itself (metrics/catalogue.ts).
   */
  reservedPrefixes?: readonly string[];
  /**
   * Jobs a body's `job` label may never take, even with `honorLabels`: this product's own, or
   * a scraped series could pass for a collector's (and keep its staleness alert quiet).
   */
  reservedJobs?: readonly string[];
}

export interface StoredSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface ScrapeOutcome {
  /** What the scrape stores: nothing when it failed. */
  samples: StoredSample[];
  /** up, scrape_duration_seconds, scrape_samples_scraped, …: stored whatever happened. */
  report: StoredSample[];
  /** Why the scrape failed (up 0), for the log and the failure series. */
  failure?: string;
  /** The names of the body dropped as reserved, each once. */
  reserved: string[];
}

/** Prometheus's `instance` of a URL: host:port, the port of its scheme when it names none. */
export function instanceOf(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === 'https:' ? '443' : '80');
  // URL keeps an IPv6 host in brackets already, as Prometheus writes it.
  return `${parsed.hostname}:${port}`;
}

/** The target labels every stored sample carries. */
export function targetLabelsOf(target: ScrapeTargetLabels): Record<string, string> {
  return {
    job: target.job,
    instance: target.instance ?? instanceOf(target.url),
    ...(target.labels ?? {}),
  };
}

/** What one fetch of a target gave. */
export interface ScrapeResult {
  /** The body's families; absent when the fetch or the parse failed. */
  families?: readonly ExposedFamily[];
  durationSeconds: number;
  /** The body's size, unpacked (scrape_body_size_bytes): what was read, a bad body's too. */
  bodyBytes?: number;
  /** Samples read before a parse failure: reported as scraped, as Prometheus does. */
  samplesRead?: number;
  /**
   * The parse stopped keeping samples past the sample limit (exposition.ts ParseBounds):
   * what the whole body held, for the report; `families` are then cut off.
   */
  overLimit?: { samplesRead: number; samplesCounted: number };
  /** Why the fetch or the parse failed. */
  failure?: string;
}

/** A body's families as the scrape stores them, or its failure when the limit is passed. */
export function storeScrape(
  target: ScrapeTargetLabels,
  rules: ScrapeRules,
  {
    families,
    durationSeconds,
    bodyBytes = 0,
    samplesRead = 0,
    overLimit,
    failure: fetchFailure,
  }: ScrapeResult,
): ScrapeOutcome {
  const targetLabels = targetLabelsOf(target);
  const scraped = families?.flatMap((f) => f.samples) ?? [];
  const { listed, reservedName } = metricLists(rules);
  const listedSamples = scraped.filter((s) => listed(s.name));
  const kept = listedSamples.filter((s) => !reservedName(s.name));
  const reserved = [
    ...new Set(listedSamples.filter((s) => reservedName(s.name)).map((s) => s.name)),
  ];
  const scrapedCount = overLimit ? overLimit.samplesRead : scraped.length;
  const keptCount = overLimit ? overLimit.samplesCounted : kept.length;
  let failure = fetchFailure;
  if (!failure && rules.sampleLimit && keptCount > rules.sampleLimit)
    failure = `${keptCount} samples, more than the sample limit ${rules.sampleLimit}`;
  const report = (name: string, value: number): StoredSample => ({
    name,
    labels: { ...targetLabels },
    value,
  });
  const reported = [
    report(SCRAPE_REPORT.up, failure ? 0 : 1),
    report(SCRAPE_REPORT.duration, durationSeconds),
    report(SCRAPE_REPORT.samplesScraped, families ? scrapedCount : samplesRead),
    report(SCRAPE_REPORT.samplesKept, families ? keptCount : samplesRead),
    report(SCRAPE_REPORT.timeout, rules.timeoutSeconds ?? 10),
    report(SCRAPE_REPORT.sampleLimit, rules.sampleLimit ?? 0),
    report(SCRAPE_REPORT.bodyBytes, bodyBytes),
  ];
  const samples = failure
    ? []
    : stored(
        kept.map((s) =>
          withTargetLabels(s, targetLabels, rules.honorLabels, rules.reservedJobs ?? []),
        ),
      );
  // A report series the body gave itself (`up`, `scrape_*` with the target's labels) is the
  // body's: Prometheus appends the body first, and its own report of the same series is the
  // duplicate it drops.
  const reportNames = new Set(reported.map((r) => r.name));
  const given = new Set(samples.filter((s) => reportNames.has(s.name)).map((s) => seriesKey(s)));
  return {
    samples,
    report: reported.filter((r) => !given.has(seriesKey(r))),
    ...(failure ? { failure } : {}),
    reserved,
  };
}

/**
 * Which sample names the schedule's lists keep (`metric_relabel_configs` keep/drop on
 * `__name__`), and which of those are this product's own (dropped, reported as reserved).
 */
function metricLists(rules: ScrapeRules): {
  listed: (name: string) => boolean;
  reservedName: (name: string) => boolean;
} {
  const allow = rules.allow ? anchored(rules.allow) : undefined;
  const deny = rules.deny ? anchored(rules.deny) : undefined;
  const prefixes = rules.reservedPrefixes ?? [];
  return {
    listed: (name) => (!allow || allow.test(name)) && (!deny || !deny.test(name)),
    reservedName: (name) => prefixes.some((prefix) => name.startsWith(prefix)),
  };
}

/** Whether a sample counts toward the sample limit: the ones the scrape would store. */
export function countsTowardLimit(rules: ScrapeRules): (sampleName: string) => boolean {
  const { listed, reservedName } = metricLists(rules);
  return (name) => listed(name) && !reservedName(name);
}

/**
 * The samples a scrape stores: a series given twice (or twice once empty labels are gone)
 * keeps its first sample, as Prometheus's storage drops the second.
 */
function stored(samples: StoredSample[]): StoredSample[] {
  const seen = new Set<string>();
  return samples.filter((sample) => {
    const key = seriesKey(sample);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * A series' identity, whatever the order of its labels: each value prefixed by its length, so
 * no value, whatever it holds, can pass for another label. Built by hand: a scrape computes
 * one for every sample, and JSON.stringify made the store of 10k series twice as slow
 * (docs/performance.md, "What storing as Prometheus stores costs").
 */
function seriesKey({ name, labels }: StoredSample): string {
  const names = Object.keys(labels);
  for (let i = 1; i < names.length; i++)
    if ((names[i - 1] as string) > (names[i] as string)) {
      names.sort();
      break;
    }
  let key = name;
  for (const label of names) {
    const value = labels[label] ?? '';
    key += `\u0000${label}\u0001${value.length}:${value}`;
  }
  return key;
}

/** Prometheus's label merge: a conflict keeps the target's label and renames the scraped one. */
function withTargetLabels(
  sample: ExposedSample,
  target: Record<string, string>,
  honorLabels: boolean | undefined,
  reservedJobs: readonly string[],
): StoredSample {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(sample.labels)) {
    // One of our jobs from a body is a conflict even with honor_labels: the target's job wins.
    const honored = honorLabels && !(name === 'job' && reservedJobs.includes(value));
    if (!honored && name in target) {
      // exported_<name>, or exported_exported_<name> when that is taken too, as Prometheus does.
      let renamed = `exported_${name}`;
      while (renamed in sample.labels || renamed in labels) renamed = `exported_${renamed}`;
      labels[renamed] = value;
    } else labels[name] = value;
  }
  // honor_labels: a label the body gives (even empty, which then drops it) stays its own.
  for (const [name, value] of Object.entries(target))
    if (!honorLabels || !(name in labels)) labels[name] = value;
  return {
    name: sample.name,
    // An empty label value is no label at all.
    labels: Object.fromEntries(Object.entries(labels).filter(([, value]) => value !== '')),
    value: sample.value,
    ...(sample.timestampMs === undefined ? {} : { timestampMs: sample.timestampMs }),
  };
}

function anchored(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}
