import { Counter, Gauge, Registry } from 'prom-client';

/**
 * Text exposition → parsed back (HELP and label values unescaped, values read as numbers) →
 * every family registered again as a prom-client Gauge or Counter, every sample set in order →
 * serialized again. A body that comes back byte for byte the same lost nothing on the way: no
 * label value or number that the text format cannot carry, no family out of place.
 */
export function promClientText(text: string): Promise<string> {
  const registry = new Registry();
  for (const family of parseExposition(text)) {
    const labelNames = [...new Set(family.samples.flatMap((s) => Object.keys(s.labels)))];
    const options = { name: family.name, help: family.help, labelNames, registers: [registry] };
    if (family.type === 'counter') {
      const counter = new Counter(options);
      for (const { labels, value } of family.samples) counter.inc(labels, value);
    } else {
      const gauge = new Gauge(options);
      for (const { labels, value } of family.samples) gauge.set(labels, value);
    }
  }
  return registry.metrics();
}

interface ParsedFamily {
  name: string;
  help: string;
  type: string;
  samples: Array<{ labels: Record<string, string>; value: number }>;
}

function parseExposition(text: string): ParsedFamily[] {
  const families: ParsedFamily[] = [];
  let current: ParsedFamily | undefined;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const help = /^# HELP (\S+) (.*)$/.exec(line);
    if (help) {
      current = {
        name: help[1] ?? '',
        help: unescape(help[2] ?? ''),
        type: 'untyped',
        samples: [],
      };
      families.push(current);
      continue;
    }
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      if (!current || current.name !== type[1]) throw new Error(`TYPE without HELP: ${line}`);
      current.type = type[2] ?? '';
      continue;
    }
    if (!current || !line.startsWith(current.name))
      throw new Error(`sample outside its family: ${line}`);
    current.samples.push(parseSample(line.slice(current.name.length), line));
  }
  return families;
}

function parseSample(rest: string, line: string): ParsedFamily['samples'][number] {
  const labels: Record<string, string> = {};
  let i = 0;
  if (rest[i] === '{') {
    i++;
    while (rest[i] !== '}') {
      const eq = rest.indexOf('="', i);
      if (eq < 0) throw new Error(`bad label in: ${line}`);
      const name = rest.slice(i, eq);
      i = eq + 2;
      let value = '';
      while (rest[i] !== '"') {
        if (i >= rest.length) throw new Error(`unterminated label value in: ${line}`);
        if (rest[i] === '\\') {
          const next = rest[i + 1];
          value += next === 'n' ? '\n' : (next ?? '');
          i += 2;
        } else {
          value += rest[i];
          i++;
        }
      }
      labels[name] = value;
      i++;
      if (rest[i] === ',') i++;
    }
    i++;
  }
  if (rest[i] !== ' ') throw new Error(`no value in: ${line}`);
  const raw = rest.slice(i + 1);
  const value =
    raw === 'Nan'
      ? Number.NaN
      : raw === '+Inf'
        ? Infinity
        : raw === '-Inf'
          ? -Infinity
          : Number(raw);
  if (raw === '' || (Number.isNaN(value) && raw !== 'Nan'))
    throw new Error(`bad value in: ${line}`);
  return { labels, value };
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}
