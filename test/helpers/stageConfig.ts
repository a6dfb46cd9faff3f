import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './runProcess';

/** Targets that are not the shipped examples, as a real stage would list them. */
export const REAL_LOOKING_TARGETS = { cpCode: 987654, url: 'https://shop.acme.test/cart' };

/**
 * A stage file for `serverless package/print --param=stageConfig=…`: config/local.yml with
 * its example targets replaced (or changed further by `edit`).
 */
export function writeStageConfig(edit: (text: string) => string = (text) => text): string {
  const text = readFileSync(join(REPO_ROOT, 'config', 'local.yml'), 'utf8')
    .replaceAll('cpCode: 424242', `cpCode: ${REAL_LOOKING_TARGETS.cpCode}`)
    .replaceAll('https://www.example.com/index.html?lang=en', REAL_LOOKING_TARGETS.url);
  const file = join(mkdtempSync(join(tmpdir(), 'stage-config-')), 'stage.yml');
  writeFileSync(file, edit(text));
  return file;
}
