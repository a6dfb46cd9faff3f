import { spawnSync } from 'node:child_process';

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
