import type { TimeSeries } from '../../metrics/content';

/**
 * Graphite's plaintext protocol with tags (graphite.readthedocs.io, "Tags"): one line per
 * series, `name;tag=value;… value timestamp`. Graphite forbids `;!^=` in tag names and `;` in
 * values (and a value starting with `~`), and a space ends a field of the line: those become
 * `_`. Tags are sorted, as Graphite stores them. Series whose value Graphite cannot hold (NaN,
 * ±Inf) are left out.
 */
export function plaintextLines(series: readonly TimeSeries[]): string[] {
  const lines: string[] = [];
  for (const { labels, samples } of series) {
    const name = labels.find((l) => l.name === '__name__')?.value ?? '';
    const tags = labels
      .filter((l) => l.name !== '__name__' && l.value !== '')
      .map((l) => `${tagName(l.name)}=${tagValue(l.value)}`)
      .sort();
    const path = [fieldSafe(name), ...tags].join(';');
    for (const { value, timestampMs } of samples) {
      if (!Number.isFinite(value)) continue;
      lines.push(`${path} ${value} ${Math.floor(timestampMs / 1000)}`);
    }
  }
  return lines;
}

function fieldSafe(text: string): string {
  return text.replace(/\s/g, '_');
}

function tagName(name: string): string {
  return fieldSafe(name).replace(/[;!^=]/g, '_');
}

function tagValue(value: string): string {
  return fieldSafe(value).replace(/;/g, '_').replace(/^~+/, '_');
}
