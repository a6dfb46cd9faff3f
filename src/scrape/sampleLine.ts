import { type ExposedSample, type ExpositionFormat, ExpositionError } from './expositionModel';

/** A label name where the parser stands (sticky: no substring per label). */
const LABEL_AT = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** One sample line: its name, labels, value and timestamp (exemplars dropped). */
export function parseSampleLine(
  text: string,
  line: number,
  format: ExpositionFormat,
): ExposedSample {
  let at = 0;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text);
  if (!nameMatch) throw new ExpositionError(line, 'a sample needs a metric name first', text);
  const name = nameMatch[0];
  at = name.length;
  const labels: Record<string, string> = {};
  // Most lines hold no backslash: their label values are taken as they stand.
  const hasEscapes = text.includes('\\');
  if (text[at] === '{') {
    at++;
    for (;;) {
      while (text[at] === ' ' || text[at] === '\t') at++;
      if (text[at] === '}') {
        at++;
        break;
      }
      LABEL_AT.lastIndex = at;
      const labelMatch = LABEL_AT.exec(text);
      if (!labelMatch) throw new ExpositionError(line, 'a label name is missing or invalid', text);
      const label = labelMatch[0];
      at += label.length;
      while (text[at] === ' ' || text[at] === '\t') at++;
      if (text[at] !== '=') throw new ExpositionError(line, `label ${label} has no "="`, text);
      at++;
      while (text[at] === ' ' || text[at] === '\t') at++;
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
      while (text[at] === ' ' || text[at] === '\t') at++;
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
  return sample;
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
