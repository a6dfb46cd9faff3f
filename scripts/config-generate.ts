/**
 * `npm run config:generate`: write what is generated from the configuration's schemas and
 * tables: the stage file's JSON Schema (config/stage.schema.json, named by every stage file's
 * first line so editors validate and complete it) and the settings reference
 * (docs/reference/settings.md). `--check` fails when a committed file differs (CI).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { renderSettingsReference, SETTINGS_REFERENCE_FILE } from '../src/config/settingsReference';
import { renderStageFileJsonSchema, STAGE_SCHEMA_FILE } from '../src/deploy/stage/jsonSchema';

const HELP = `Usage: npm run config:generate [-- --check]

Writes what is generated from the configuration's schemas:
  ${STAGE_SCHEMA_FILE}   the stage file's JSON Schema (editors, other validators)
  ${SETTINGS_REFERENCE_FILE}   every setting, its variable and default

Options:
  --check     do not write; exit 1 if a committed file differs from what would be written (CI)
  -h, --help  show this help
`;
const { check } = parseCommandLine(HELP, { check: { type: 'boolean', default: false } });
const root = join(__dirname, '..');
const generated: Record<string, string> = {
  [STAGE_SCHEMA_FILE]: renderStageFileJsonSchema(),
  [SETTINGS_REFERENCE_FILE]: renderSettingsReference(),
};
const stale: string[] = [];
for (const [file, text] of Object.entries(generated)) {
  const path = join(root, file);
  if (check) {
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote ${file}\n`);
  }
}
if (stale.length > 0) {
  process.stderr.write(
    `out of date: ${stale.join(', ')}. Run "npm run config:generate" and commit the result.\n`,
  );
  process.exit(1);
}
if (check) process.stdout.write(`up to date: ${Object.keys(generated).join(', ')}\n`);
