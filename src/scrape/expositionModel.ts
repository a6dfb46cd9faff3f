import { CollectorError } from '../shared/errors';

/** What an exposition body holds, as src/scrape/exposition.ts parses it. */
export type ExpositionFormat = 'text' | 'openmetrics';

export const METRIC_TYPES = [
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
  'untyped',
] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

export interface ExposedSample {
  /** The sample's own name (`http_requests_total`, `latency_bucket`). */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** Milliseconds since the epoch, when the body gave one. */
  timestampMs?: number;
}

export interface ExposedFamily {
  /** The family's name: the sample name less its type's suffix (`_total`, `_bucket`, …). */
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: ExposedSample[];
  /** Samples of it were read past the sample limit and not kept (exposition.ts ParseBounds). */
  cutOff?: boolean;
}

/** A body that is not the format it claims: the line and what is wrong with it. */
export class ExpositionError extends CollectorError {
  readonly line: number;
  /** Samples read before the bad line: a scrape reports them as scraped, as Prometheus does. */
  samplesRead = 0;
  constructor(line: number, message: string, text: string) {
    super(
      `line ${line}: ${message}: ${JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text)}`,
      {
        hint: 'the endpoint does not serve the Prometheus text format or OpenMetrics here: check its URL and that it is the exporter itself answering',
      },
    );
    this.name = 'ExpositionError';
    this.line = line;
  }
}
