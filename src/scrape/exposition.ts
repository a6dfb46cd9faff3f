/**
 * The Prometheus text exposition format (0.0.4) and OpenMetrics 1.0, parsed into families of
 * samples as a Prometheus scrape reads them; errors name the line. Hand-written, because what
 * npm offers was measured and fell short (docs/performance.md, "Exposition parsing"):
 * `parse-prometheus-text-format` and `exposition` read 0.0.4 only, know nothing of
 * OpenMetrics (`# EOF`, `_total` counters, units, exemplars, timestamps in seconds), and
 * `exposition` takes a malformed line without a word.
 */
import {
  type ExposedFamily,
  type ExpositionFormat,
  ExpositionError,
  METRIC_TYPES,
  type MetricType,
} from './expositionModel';
import { parseSampleLine } from './sampleLine';

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

/** The format a Content-Type announces (OpenMetrics only when it says so). */
export function formatOf(contentType: string | undefined): ExpositionFormat {
  return /application\/openmetrics-text/i.test(contentType ?? '') ? 'openmetrics' : 'text';
}

/** How much of a body a parse keeps: the scrape's sample limit, counted as it reads. */
export interface ParseBounds {
  /**
   * Once more samples than this count, no more are kept, so a runaway body costs its bytes
   * and not a copy of every sample (0 or absent: no limit). Reading goes on, to count them
   * all and to find a bad line, as Prometheus does.
   */
  sampleLimit?: number;
  /** Which samples count toward the limit (those the scrape's lists keep); default: all. */
  counts?: (sampleName: string) => boolean;
}

export interface BoundedParse {
  /** The body's families; their samples cut off at the limit when `overLimit`. */
  families: ExposedFamily[];
  /** Every sample the body holds (scrape_samples_scraped). */
  samplesRead: number;
  /** Those that count toward the limit. */
  samplesCounted: number;
  overLimit: boolean;
}

/**
 * Parse a whole body. Throws an ExpositionError naming the first bad line, with the number of
 * samples read before it.
 */
export function parseExposition(body: string, format: ExpositionFormat): ExposedFamily[] {
  return parseExpositionBounded(body, format).families;
}

/** parseExposition, keeping no more samples than `bounds` allows. */
export function parseExpositionBounded(
  body: string,
  format: ExpositionFormat,
  bounds: ParseBounds = {},
): BoundedParse {
  const families = new Map<string, ExposedFamily>();
  const tally = { samplesRead: 0, samplesCounted: 0, overLimit: false };
  try {
    return { families: parseInto(families, body, format, bounds, tally), ...tally };
  } catch (error) {
    if (error instanceof ExpositionError) error.samplesRead = tally.samplesRead;
    throw error;
  }
}

function parseInto(
  families: Map<string, ExposedFamily>,
  body: string,
  format: ExpositionFormat,
  bounds: ParseBounds,
  tally: { samplesRead: number; samplesCounted: number; overLimit: boolean },
): ExposedFamily[] {
  const limit = bounds.sampleLimit ?? 0;
  let last: ExposedFamily | undefined;
  let ended = false;
  const familyOf = (name: string, line: number, text: string): ExposedFamily => {
    let family = families.get(name);
    if (!family) {
      family = { name, type: format === 'openmetrics' ? 'unknown' : 'untyped', samples: [] };
      families.set(name, family);
    } else if (
      format === 'openmetrics' &&
      family !== last &&
      (family.samples.length > 0 || family.cutOff)
    )
      throw new ExpositionError(line, `the samples of ${name} are not together`, text);
    last = family;
    return family;
  };
  // Line by line without splitting the body: a split copies out every line at once.
  let number = 0;
  let lastText = '';
  for (let start = 0, atEnd = false; !atEnd;) {
    const newline = body.indexOf('\n', start);
    atEnd = newline === -1;
    const end = atEnd ? body.length : newline;
    number++;
    if (tally.overLimit) {
      // Past the limit the scrape fails whatever follows: the rest is only counted, by its
      // sample names, without a copy of each line (a bad line there is not looked for).
      if (end > start && body.charCodeAt(start) !== HASH) {
        tally.samplesRead++;
        if (!bounds.counts || bounds.counts(sampleNameAt(body, start, end))) tally.samplesCounted++;
      } else if (format === 'openmetrics' && end - start === 5 && body.startsWith('# EOF', start))
        ended = true;
      if (atEnd) lastText = body.slice(start, end);
      start = newline + 1;
      continue;
    }
    const text = body.slice(start, end);
    start = newline + 1;
    lastText = text;
    if (ended) {
      if (text !== '' || !atEnd) throw new ExpositionError(number, 'content after # EOF', text);
      continue;
    }
    if (text === '') {
      if (format === 'openmetrics' && !atEnd)
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
        if (family.samples.length > 0 || family.cutOff) {
          // The text format lets it pass (its samples stay as they were read); OpenMetrics not.
          if (format === 'openmetrics')
            throw new ExpositionError(number, `the TYPE of ${name} comes after its samples`, text);
          continue;
        }
        family.type = type;
      } else if (keyword === 'HELP') family.help = unescapeHelp(rest);
      else {
        family.unit = rest.trim();
        // OpenMetrics: a family with a unit is named after it (Prometheus refuses it otherwise).
        if (family.unit !== '' && !name.endsWith(`_${family.unit}`))
          throw new ExpositionError(
            number,
            `the unit ${family.unit} is not a suffix of ${name}`,
            text,
          );
      }
      continue;
    }
    const sample = parseSampleLine(text, number, format);
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
    tally.samplesRead++;
    if (!bounds.counts || bounds.counts(sample.name)) tally.samplesCounted++;
    if (limit > 0 && tally.samplesCounted > limit) tally.overLimit = true;
    // Past the limit the scrape fails: its samples are counted, never kept.
    if (tally.overLimit) family.cutOff = true;
    // A series given twice is kept: the scrape stores its first sample (scrape/semantics.ts).
    else family.samples.push(sample);
  }
  if (format === 'openmetrics' && !ended)
    throw new ExpositionError(number, 'the body ends without # EOF (cut short?)', lastText);
  return [...families.values()];
}

const HASH = '#'.charCodeAt(0);

/** The sample name a line starts with: up to its labels or its value. */
function sampleNameAt(body: string, start: number, end: number): string {
  let at = start;
  while (at < end) {
    const c = body.charCodeAt(at);
    if (c === 123 /* { */ || c === 32 /* space */ || c === 9 /* tab */) break;
    at++;
  }
  return body.slice(start, at);
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

function unescapeHelp(text: string): string {
  return text.replace(/\\(n|\\|")/g, (_all, c: string) => (c === 'n' ? '\n' : c));
}
