import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { GROUPING_LABELS } from '../../src/metrics/groups';
import { runTool } from './tools';

/** `promtool check metrics` on exposition text: returns its complaints ('' when clean). */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const { status, output } = runTool('promtool', ['check', 'metrics'], text);
  return { status, output };
}

/** `promtool test rules` of these unit tests (promtool's format) against a rule file. */
export function promtoolTest(
  rulesYaml: string,
  tests: unknown[],
): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rules-test-'));
  writeFileSync(join(dir, 'rules.yml'), rulesYaml);
  writeFileSync(
    join(dir, 'tests.yml'),
    stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }),
  );
  return runTool('promtool', ['test', 'rules', join(dir, 'tests.yml')]);
}

/** promtool's input_series from `series → values` (its expanding notation, e.g. "1x60"). */
export const inputSeries = (series: Record<string, string>) =>
  Object.entries(series).map(([s, values]) => ({ series: s, values }));

/**
 * A history of pushed series as Prometheus scrapes it from these Pushgateways with our scrape
 * configuration (alerting/prometheusConfig.ts): every series on each of them, its `instance`
 * set to that Pushgateway, and each group with its `push_time_seconds` (pushed every minute
 * for as long as the history runs, as the Pushgateway exposes it for every group) unless the
 * history gives it. A series with an `instance` of its own keeps it (`honor_labels`). Series
 * of the Pushgateway's scrape job itself (`up`) are kept as they are.
 */
export function scrapedFrom(
  instances: readonly string[],
  history: Record<string, string>,
): Record<string, string> {
  const scraped: Record<string, string> = {};
  const pushTimes = new Map<string, Record<string, string>>();
  const given = new Set<string>();
  for (const [selector, values] of Object.entries(history)) {
    const { name, labels } = parseSelector(selector);
    if (labels.job === 'pushgateway') {
      scraped[selector] = values;
      continue;
    }
    const group = Object.fromEntries(
      Object.entries(labels).filter(([label]) =>
        (GROUPING_LABELS as readonly string[]).includes(label),
      ),
    );
    const groupId = JSON.stringify(Object.entries(group).sort());
    if (name === 'push_time_seconds') given.add(groupId);
    else pushTimes.set(groupId, group);
    // honor_labels: a series pushed with an instance of its own (a scraped target's) keeps
    // it, so each Pushgateway's copy is the same series; the others get the Pushgateway's.
    for (const instance of instances)
      scraped[selectorOf(name, { ...labels, instance: labels.instance || instance })] = values;
  }
  const samples = Math.max(...Object.values(history).map(sampleCount));
  for (const [groupId, group] of pushTimes) {
    if (given.has(groupId)) continue;
    for (const instance of instances)
      scraped[selectorOf('push_time_seconds', { ...group, instance })] = `0+60x${samples}`;
  }
  return scraped;
}

/** How many samples promtool's expanding notation gives ("1 0x5 _x2 3+1x10" → 20). */
function sampleCount(values: string): number {
  return values
    .trim()
    .split(/\s+/)
    .reduce((sum, token) => {
      const times = /x(\d+)$/.exec(token);
      return sum + (times ? Number(times[1]) + 1 : 1);
    }, 0);
}

function parseSelector(selector: string): { name: string; labels: Record<string, string> } {
  const name = selector.slice(0, selector.indexOf('{'));
  const labels: Record<string, string> = {};
  for (const match of selector.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
    labels[match[1] as string] = match[2] as string;
  return { name, labels };
}

function selectorOf(name: string, labels: Record<string, string>): string {
  const pairs = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  return `${name}{${pairs.join(',')}}`;
}
