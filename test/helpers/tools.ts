import { spawnSync } from 'node:child_process';
import { AMTOOL, PROMTOOL } from '../../dev/debianBinaries';

/** Run promtool / amtool (their Debian packages: dev/debianBinaries.ts). */
export function runTool(
  binary: 'promtool' | 'amtool',
  args: string[],
  input?: string,
): { status: number | null; output: string; stdout: string } {
  const result = spawnSync(binary, args, {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  if (result.error) {
    const pkg = (binary === 'promtool' ? PROMTOOL : AMTOOL).debianPackage;
    throw new Error(
      `cannot run ${binary} (Debian package "${pkg}"; "npm test" installs it): ${result.error.message}`,
    );
  }
  return {
    status: result.status,
    output: `${result.stdout}${result.stderr}`.trim(),
    stdout: result.stdout.trim(),
  };
}
