import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runTool } from './tools';

/** `promtool check metrics` on exposition text: returns its complaints ('' when clean). */
export function promtoolCheckMetrics(text: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `cannot run promtool (Debian package "prometheus"; "npm test" installs it): ${result.error.message}`,
    );
  }
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
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
