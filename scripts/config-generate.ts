/**
 * `npm run config:generate`: write what is generated from the code's schemas and tables: the
 * stage file's JSON Schema (config/stage.schema.json, named by every stage file's first line
 * so editors validate and complete it) and the reference pages of docs/reference/ (settings,
 * the stage file, metrics, alerts, the command-line tools). `--check` fails when a committed
 * file differs (CI).
 */
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { writeGenerated } from '../dev/generatedFiles';
import { renderSettingsReference, SETTINGS_REFERENCE_FILE } from '../src/config/settingsReference';
import { renderStageFileJsonSchema, STAGE_SCHEMA_FILE } from '../src/deploy/stage/jsonSchema';
import { ALERTS_REFERENCE_FILE, renderAlertsReference } from '../dev/reference/alerts';
import { BINARIES_REFERENCE_FILE, renderBinariesReference } from '../dev/reference/binaries';
import { CLI_REFERENCE_FILE, renderCliReference } from '../dev/reference/cli';
import { METRICS_REFERENCE_FILE, renderMetricsReference } from '../dev/reference/metrics';
import { renderStageFileReference, STAGE_FILE_REFERENCE_FILE } from '../dev/reference/stageFile';

const HELP = `Usage: npm run config:generate [-- --check]

Writes what is generated from the code's schemas and tables:
  ${STAGE_SCHEMA_FILE}   the stage file's JSON Schema (editors, other validators)
  ${SETTINGS_REFERENCE_FILE}   every setting, its variable and default
  ${STAGE_FILE_REFERENCE_FILE}   every key of a stage file
  ${METRICS_REFERENCE_FILE}   every metric pushed and series recorded
  ${ALERTS_REFERENCE_FILE}   every alert, with its runbook
  ${CLI_REFERENCE_FILE}   every command-line tool's --help
  ${BINARIES_REFERENCE_FILE}   the real programs the tools run, and their packages

Options:
  --check     do not write; exit 1 if a committed file differs from what would be written (CI)
  -h, --help  show this help
  -V, --version  print the version
`;
const { check } = parseCommandLine(HELP, { check: { type: 'boolean', default: false } });
const root = join(__dirname, '..');
writeGenerated(
  root,
  {
    [STAGE_SCHEMA_FILE]: renderStageFileJsonSchema(),
    [SETTINGS_REFERENCE_FILE]: renderSettingsReference(),
    [STAGE_FILE_REFERENCE_FILE]: renderStageFileReference(),
    [METRICS_REFERENCE_FILE]: renderMetricsReference(root),
    [ALERTS_REFERENCE_FILE]: renderAlertsReference(root),
    [CLI_REFERENCE_FILE]: renderCliReference(root),
    [BINARIES_REFERENCE_FILE]: renderBinariesReference(),
  },
  { check, command: 'npm run config:generate' },
);
