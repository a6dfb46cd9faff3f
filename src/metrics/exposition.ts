import { assertLabelName, assertMetricName } from '../pushgateway/names';
import type { MetricDefinition } from './catalogue';

/** Label values of one series; keys in the order they are written. */
export type SeriesLabels<L extends string> = Partial<Record<L, string | number>>;

/**
 * A label set rendered once, for writing the same labels into several families (a port's
 * dozen families): rendering is most of the cost of a sample. Immutable, unlike a plain object.
 */
export class LabelSet<L extends string = string> {
  readonly rendered: string;
  /** Only here so a LabelSet of other label names is a type error. */
  declare private readonly names?: L;

  constructor(labels: SeriesLabels<L>) {
    this.rendered = renderLabels(labels);
  }
}

/**
 * Writes the samples of one metric family. Each label set must be written once per body: the
 * Pushgateway refuses a body with a repeated series (HTTP 400, nothing stored), and checking
 * for repeats here would cost more than the rest of a sample.
 */
export interface FamilyWriter<L extends string> {
  set(value: number): void;
  set(labels: SeriesLabels<L> | LabelSet<L>, value: number): void;
}

/**
 * The metric families of one push, written straight to the text exposition format 0.0.4.
 *
 * This replaces prom-client's Registry on the push path: prom-client keeps a hash map of label
 * objects per metric and formats everything again on `metrics()`, which costs ~5 µs and
 * ~1 KB per series; rendering each sample line once as it is set costs a fraction of that
 * (docs/performance.md). The output is byte-for-byte what prom-client writes for the same
 * samples (test/unit/metrics/exposition.test.ts and the eStats fuzz test), except that a family
 * with no samples is left out instead of written as a bare HELP/TYPE header (or, for an
 * unlabelled gauge, as `0`).
 *
 * A fresh instance per push: Lambda reuses warm containers, and families kept at module scope
 * would carry series from one run into the next.
 */
export class MetricsBody {
  private readonly families: FamilyBuffer[] = [];
  private readonly byName = new Map<string, FamilyBuffer>();

  /** The writer of a catalogue family; its names are checked (and named if bad) first. */
  family<L extends string>(definition: MetricDefinition<L>): FamilyWriter<L> {
    const existing = this.byName.get(definition.name);
    if (existing) {
      if (existing.definition !== definition)
        throw new Error(`metric ${definition.name} is defined twice with different definitions`);
      return existing;
    }
    assertMetricName(definition.name);
    for (const label of definition.labels) assertLabelName(label, `metric ${definition.name}`);
    const buffer = new FamilyBuffer(definition);
    this.families.push(buffer);
    this.byName.set(definition.name, buffer);
    return buffer;
  }

  /** Number of samples (series) written so far. */
  get seriesCount(): number {
    let count = 0;
    for (const family of this.families) count += family.lines.length;
    return count;
  }

  /** The body to push: families in the order they were first asked for. */
  text(): string {
    // One join over every piece: joining each family first would hold the whole body twice.
    const pieces: string[] = [];
    for (const family of this.families) {
      if (family.lines.length === 0) continue;
      if (pieces.length > 0) pieces.push('');
      pieces.push(family.header.slice(0, -1));
      for (const line of family.lines) pieces.push(line);
    }
    if (pieces.length === 0) return '';
    pieces.push(''); // the final newline
    return pieces.join('\n');
  }
}

class FamilyBuffer implements FamilyWriter<string> {
  readonly header: string;
  readonly lines: string[] = [];

  constructor(readonly definition: MetricDefinition) {
    const name = escapeText(definition.name);
    this.header = `# HELP ${name} ${escapeText(definition.help)}\n# TYPE ${name} ${definition.type}\n`;
  }

  set(labelsOrValue: SeriesLabels<string> | LabelSet | number, maybeValue?: number): void {
    let rendered: string;
    let value: number | undefined;
    if (typeof labelsOrValue === 'number') {
      rendered = '';
      value = labelsOrValue;
    } else if (labelsOrValue instanceof LabelSet) {
      rendered = labelsOrValue.rendered;
      value = maybeValue;
    } else {
      rendered = renderLabels(labelsOrValue);
      value = maybeValue;
    }
    if (typeof value !== 'number')
      throw new TypeError(`metric ${this.definition.name}: value is not a number: ${value}`);
    this.lines.push(`${this.definition.name}${rendered} ${formatValue(value)}`);
  }
}

function renderLabels(labels: Readonly<SeriesLabels<string>>): string {
  let out = '';
  for (const name in labels) {
    const value = labels[name];
    if (value === undefined) continue;
    const text = typeof value === 'string' ? escapeLabelValue(value) : String(value);
    out += out === '' ? `{${name}="${text}"` : `,${name}="${text}"`;
  }
  return out === '' ? '' : `${out}}`;
}

/** Sample values as the text format writes them (Go's ParseFloat reads `Nan`, `+Inf`, `-Inf`). */
export function formatValue(value: number): string {
  if (Number.isFinite(value)) return String(value);
  if (Number.isNaN(value)) return 'Nan';
  return value < 0 ? '-Inf' : '+Inf';
}

const NEEDS_ESCAPE = /[\\\n"]/;

/** Label values: backslash, newline and double quote escaped. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** HELP text and names: backslash and newline escaped. */
function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
