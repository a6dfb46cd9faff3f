/**
 * `npm run config:generate`: write what is generated from the configuration's schemas and
 * tables: the stage file's JSON Schema (config/stage.schema.json, named by every stage file's
 * first line so editors validate and complete it) and the settings reference
 * (docs/reference/settings.md). `--check` fails when a committed file differs (CI).
 */
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { writeGenerated } from '../dev/generatedFiles';
import { renderSettingsReference, SETTINGS_REFERENCE_FILE } from '../src/config/settingsReference';
import { renderStageFileJsonSchema, STAGE_SCHEMA_FILE } from '../src/deploy/stage/jsonSchema';

const HELP = `Usage: npm run config:generate [-- --check]

Writes what is generated from the configuration's schemas:
  ${STAGE_SCHEMA_FILE}   the stage file's JSON Schema (editors, other validators)
  ${SETTINGS_REFERENCE_FILE}   every setting, its variable and default

Options:
  --check     do not write; exit 1 if a committed file differs from what would be written (CI)
  -h, --help  show this help
  -V, --version  print the version
`;
const { check } = parseCommandLine(HELP, { check: { type: 'boolean', default: false } });
writeGenerated(
  join(__dirname, '..'),
  {
    [STAGE_SCHEMA_FILE]: renderStageFileJsonSchema(),
    [SETTINGS_REFERENCE_FILE]: renderSettingsReference(),
  },
  { check, command: 'npm run config:generate' },
);
