import { CollectorError } from '../shared/errors';

/**
 * The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0, parsed into families of
 * samples as a Prometheus scrape reads them; errors name the line. Hand-written, because what
 * npm offers was measured and fell short (docs/performance.md, "Exposition parsing"):
 * `parse-prometheus-text-format` and `exposition` read 0.0.4 only, know nothing of
 * OpenMetrics (`# EOF`, `_total` counters, units, exemplars, timestamps in seconds), and
 * `exposition` takes a malformed line without a word.
 */
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
}

/** A body that is not the format it claims: the line and what is wrong with it. */
export class ExpositionError extends CollectorError {
  readonly line: number;
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

/** The suffixes a family's samples may carry, by type. */
const SUFFIXES: Record<MetricType, readonly string[]> = {
  counter: ['_total', '_created', ''],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created', ''],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
  untyped: [''],
};

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
/** A label name where the parser stands (sticky: no substring per label). */
const LABEL_AT = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The format a Content-Type announces (OpenMetrics only when it says so). */
export function formatOf(contentType: string | undefined): ExpositionFormat {
  return /application\/openmetrics-text/i.test(contentType ?? '') ? 'openmetrics' : 'text';
}

/** Parse a whole body. Throws an ExpositionError naming the first bad line. */
export function parseExposition(body: string, format: ExpositionFormat): ExposedFamily[] {
  const families = new Map<string, ExposedFamily>();
  const seen = new Set<string>();
  const lines = body.split('\n');
  let last: ExposedFamily | undefined;
  let ended = false;
  const familyOf = (name: string, line: number, text: string): ExposedFamily => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: format === 'openmetrics' ? 'unknown' : 'untyped', samples: [] };
      families.set(name, family);
    } else if (format === 'openmetrics' && family !== last && family.samples.length > 0)
      throw new ExpositionError(line, `the samples of ${name} are not together`, text);
    last = family;
    return family;
  };
  for (let i = 0; i < lines.length; i++) {
    const number = i + 1;
    const text = lines[i] ?? '';
    if (ended) {
      if (text !== '' || i !== lines.length - 1)
        throw new ExpositionError(number, 'content after # EOF', text);
      continue;
    }
    if (text === '') {
      if (format === 'openmetrics' && i !== lines.length - 1)
        throw new ExpositionError(number, 'an empty line (OpenMetrics has none)', text);
      continue;
    }
    if (text.startsWith('#')) {
      const meta = /^#\s+(HELP|TYPE|UNIT)\s+(\S+)(?:\s(.*))?$/.exec(text);
      if (format === 'openmetrics' && text === '# EOF') {
        ended = true;
        continue;
      }
      if (!meta) {
        if (format === 'openmetrics') throw new ExpositionError(number, 'an unknown comment', text);
        continue; // 0.0.4: any other comment is ignored
      }
      const [, keyword, name = '', rest = ''] = meta;
      if (!NAME.test(name)) throw new ExpositionError(number, `${name} is not a metric name`, text);
      const family = familyOf(name, number, text);
      if (keyword === 'TYPE') {
        const type = rest.trim() as MetricType;
        if (
          !(METRIC_TYPES as readonly string[]).includes(type) ||
          (format === 'text' && ['info', 'stateset', 'gaugehistogram', 'unknown'].includes(type))
        )
          throw new ExpositionError(
            number,
            `${JSON.stringify(rest.trim())} is not a metric type`,
            text,
          );
        if (family.samples.length > 0)
          throw new ExpositionError(number, `the TYPE of ${name} comes after its samples`, text);
        family.type = type;
      } else if (keyword === 'HELP') family.help = unescapeHelp(rest);
      else family.unit = rest.trim();
      continue;
    }
    const { sample, series } = parseSampleLine(text, number, format);
    const family = familyOf(familyName(sample.name, families, last), number, text);
    const suffix = sample.name.startsWith(family.name)
      ? sample.name.slice(family.name.length)
      : undefined;
    if (suffix === undefined || !SUFFIXES[family.type].includes(suffix))
      throw new ExpositionError(
        number,
        `${sample.name} is not a sample of the ${family.type} ${family.name}`,
        text,
      );
    const identity = series ?? identityOf(sample);
    if (seen.has(identity))
      throw new ExpositionError(number, `${sample.name} appears twice with the same labels`, text);
    seen.add(identity);
    family.samples.push(sample);
  }
  if (format === 'openmetrics' && !ended)
    throw new ExpositionError(
      lines.length,
      'the body ends without # EOF (cut short?)',
      lines.at(-1) ?? '',
    );
  return [...families.values()];
}

/**
 * A sample's name and labels as one string, for spotting a series given twice: written the
 * one way a line spells them when its labels are in order (so a line's own text is its key
 * when it is written so, see parseSampleLine).
 */
function identityOf(sample: ExposedSample): string {
  const keys = Object.keys(sample.labels).sort();
  if (keys.length === 0) return sample.name;
  const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  return `${sample.name}{${keys.map((k) => `${k}="${escape(sample.labels[k] ?? '')}"`).join(',')}}`;
}

/** The family a sample belongs to: the one its suffix names, declared or the last one. */
function familyName(
  sampleName: string,
  families: ReadonlyMap<string, ExposedFamily>,
  last: ExposedFamily | undefined,
): string {
  if (families.has(sampleName)) return sampleName;
  if (last && SUFFIXES[last.type].some((s) => s !== '' && sampleName === `${last.name}${s}`))
    return last.name;
  for (const suffix of [
    '_total',
    '_created',
    '_bucket',
    '_sum',
    '_count',
    '_gsum',
    '_gcount',
    '_info',
  ]) {
    if (!sampleName.endsWith(suffix)) continue;
    const base = sampleName.slice(0, -suffix.length);
    const declared = families.get(base);
    if (declared && SUFFIXES[declared.type].includes(suffix)) return base;
  }
  return sampleName;
}

/**
 * One sample line; `series` is its name and labels as written when that spelling is the only
 * one of its label set (labels in order, no blanks, no trailing comma), a cheap key for
 * spotting a series given twice. Exporters write them so; otherwise identityOf makes the key.
 */
function parseSampleLine(
  text: string,
  line: number,
  format: ExpositionFormat,
): { sample: ExposedSample; series?: string } {
  let at = 0;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text);
  if (!nameMatch) throw new ExpositionError(line, 'a sample needs a metric name first', text);
  const name = nameMatch[0];
  at = name.length;
  const labels: Record<string, string> = {};
  // Most lines hold no backslash: their label values are taken as they stand.
  const hasEscapes = text.includes('\\');
  let canonical = true;
  let previous = '';
  if (text[at] === '{') {
    at++;
    for (;;) {
      while (text[at] === ' ' || text[at] === '\t') {
        at++;
        canonical = false;
      }
      if (text[at] === '}') {
        // After a comma (a trailing one), or no labels at all ("{}"): not the one spelling.
        canonical = false;
        at++;
        break;
      }
      LABEL_AT.lastIndex = at;
      const labelMatch = LABEL_AT.exec(text);
      if (!labelMatch) throw new ExpositionError(line, 'a label name is missing or invalid', text);
      const label = labelMatch[0];
      at += label.length;
      while (text[at] === ' ' || text[at] === '\t') {
        at++;
        canonical = false;
      }
      if (text[at] !== '=') throw new ExpositionError(line, `label ${label} has no "="`, text);
      at++;
      while (text[at] === ' ' || text[at] === '\t') {
        at++;
        canonical = false;
      }
      if (text[at] !== '"')
        throw new ExpositionError(line, `the value of label ${label} is not quoted`, text);
      at++;
      // The common case: no escape before the closing quote, one slice. Else char by char.
      const close = text.indexOf('"', at);
      const escapeAt = hasEscapes ? text.indexOf('\\', at) : -1;
      let value: string;
      if (close !== -1 && (escapeAt === -1 || escapeAt > close)) {
        value = text.slice(at, close);
        at = close + 1;
      } else {
        value = '';
        for (;;) {
          const char = text[at];
          if (char === undefined)
            throw new ExpositionError(line, `the value of label ${label} is not closed`, text);
          at++;
          if (char === '"') break;
          if (char === '\\') {
            const escaped = text[at++];
            if (escaped === 'n') value += '\n';
            else if (escaped === '\\' || escaped === '"') value += escaped;
            else
              throw new ExpositionError(
                line,
                `label ${label} holds an unknown escape \\${escaped ?? ''}`,
                text,
              );
          } else value += char;
        }
      }
      if (label in labels) throw new ExpositionError(line, `label ${label} appears twice`, text);
      if (!LABEL_NAME.test(label) || label.startsWith('__'))
        throw new ExpositionError(line, `${label} is a reserved label name`, text);
      labels[label] = value;
      if (label < previous) canonical = false;
      previous = label;
      while (text[at] === ' ' || text[at] === '\t') {
        at++;
        canonical = false;
      }
      if (text[at] === ',') {
        at++;
        continue;
      }
      if (text[at] === '}') {
        at++;
        break;
      }
      throw new ExpositionError(line, 'labels must be separated by ","', text);
    }
  }
  const seriesEnd = at;
  if (text[at] !== ' ' && text[at] !== '\t')
    throw new ExpositionError(line, 'no value after the name and labels', text);
  // OpenMetrics exemplars (` # {…} value [ts]`) are not stored by a scrape: they are dropped.
  const exemplar = format === 'openmetrics' ? text.indexOf(' # ', at) : -1;
  const rest = text.slice(at, exemplar === -1 ? undefined : exemplar).trim();
  const parts = rest.split(/[ \t]+/);
  if (parts.length < 1 || parts.length > 2 || parts[0] === '')
    throw new ExpositionError(line, 'a sample is a value and an optional timestamp', text);
  const value = parseValue(parts[0] ?? '');
  if (value === undefined) throw new ExpositionError(line, `${parts[0]} is not a number`, text);
  const sample: ExposedSample = { name, labels, value };
  if (parts[1] !== undefined) {
    const ts = Number(parts[1]);
    if (!Number.isFinite(ts) || (format === 'text' && !Number.isInteger(ts)))
      throw new ExpositionError(line, `${parts[1]} is not a timestamp`, text);
    // 0.0.4 gives milliseconds; OpenMetrics gives seconds.
    sample.timestampMs = format === 'openmetrics' ? Math.round(ts * 1000) : ts;
  }
  return canonical ? { sample, series: text.slice(0, seriesEnd) } : { sample };
}

function parseValue(text: string): number | undefined {
  // A decimal number, or Inf and NaN in any case (as Go's ParseFloat reads them); Number()
  // alone would also take "", "0b1" and "0x1f", which a scrape refuses.
  if (DECIMAL.test(text)) return Number(text);
  if (/^[+]?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  if (/^nan$/i.test(text)) return Number.NaN;
  return undefined;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function unescapeHelp(text: string): string {
  return text.replace(/\\(n|\\|")/g, (_all, c: string) => (c === 'n' ? '\n' : c));
}
