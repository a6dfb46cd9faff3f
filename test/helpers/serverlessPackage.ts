import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './runProcess';

/**
 * `npx serverless package --stage STAGE ARGS` (offline) into a folder of its own: whether it
 * packaged, everything it printed, and the folder that holds the template and bundles.
 */
export function serverlessPackage(
  stage: string,
  args: string[],
): { status: number | null; output: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sls-package-'));
  const result = spawnSync(
    'npx',
    ['serverless', 'package', '--stage', stage, ...args, '--package', dir],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  return { status: result.status, output: `${result.stdout}${result.stderr}`, dir };
}
