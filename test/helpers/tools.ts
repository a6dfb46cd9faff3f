import { spawnSync } from 'node:child_process';
import { AMTOOL, binaryPath, PROMTOOL } from '../../dev/debianBinaries';

/** Run promtool / amtool (their Debian packages and other names: dev/debianBinaries.ts). */
export function runTool(
  binary: 'promtool' | 'amtool',
  args: string[],
  input?: string,
): { status: number | null; output: string; stdout: string } {
  const result = spawnSync(binaryPath(binary === 'promtool' ? PROMTOOL : AMTOOL), args, {
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
