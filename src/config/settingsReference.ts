import { SETTING_GROUPS, SETTINGS, type Setting, VARIABLE_PREFIXES } from './settings';

/** Where the generated reference lives (npm run config:generate, checked in CI). */
export const SETTINGS_REFERENCE_FILE = 'docs/reference/settings.md';

const code = (text: string) => (text === '' ? '—' : `\`${text.replace(/\|/g, '\\|')}\``);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function whereSet(setting: Setting): string {
  if (setting.paramOnly) return `\`--param=${setting.key}=…\` only`;
  if (setting.key) return `\`functions.${setting.key}\``;
  return 'environment of local runs';
}

function variableOf(setting: Setting): string {
  if (!setting.variable) return '— (packaging)';
  const scope = setting.function ? `, ${setting.function} function only` : '';
  const deployed = setting.deployedOnly ? ', deployed stages only' : '';
  return `${code(setting.variable)}${scope}${deployed}`;
}

/** docs/reference/settings.md: every setting of src/config/settings.ts, by group. */
export function renderSettingsReference(): string {
  const lines = [
    // The docs site's wide layout for its tables (docs/.vitepress/theme/wideTables.css).
    '---',
    'pageClass: wide-tables',
    '---',
    '',
    '<!-- Generated from src/config/settings.ts by `npm run config:generate`: edit that table, not this file. -->',
    '',
    '# Settings',
    '',
    'Every setting of pushgate-collector. A deployed stage takes each from its stage file,',
    '`config/<stage>.yml`, under `functions:` (the editor completes the names: the file names',
    '[its JSON Schema](../../config/stage.schema.json) on its first line). `--param="name=value"`',
    'overrides one for one deploy; a name that is no setting is refused, naming the nearest one.',
    'Packaging checks every value with the readers the functions use, and reports each problem',
    'at its line of the stage file.',
    '',
    'Each setting with a variable becomes that environment variable of the functions when its',
    'value is not the default. Local runs (`npm start`, `serverless invoke local`, the tests) may',
    'set the variables directly. A variable under one of our prefixes',
    `(${VARIABLE_PREFIXES.map((prefix) => `\`${prefix}\``).join(', ')}) that no setting names`,
    'is refused as a typo.',
    '',
  ];
  for (const group of SETTING_GROUPS) {
    const rows = SETTINGS.filter((s) => s.group === group);
    if (rows.length === 0) continue;
    lines.push(
      `## ${group}`,
      '',
      '| setting | variable | default | example | what it does |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map(
        (s) =>
          `| ${whereSet(s)} | ${variableOf(s)} | ${code(s.default)} | ${code(s.example)} | ${cell(s.description)} |`,
      ),
      '',
    );
  }
  lines.push(
    '## AWS',
    '',
    "`AWS_REGION`, `AWS_PROFILE`, `AWS_ENDPOINT_URL_SECRETS_MANAGER` and the rest of the AWS SDK's own",
    'variables and credential chain (env, `AWS_PROFILE` and `~/.aws`, SSO, `credential_process`, web',
    'identity, container credentials, IMDS) work as everywhere; the endpoints only for tests or VPC',
    "endpoints. akamai-edgegrid's `AKAMAI_[SECTION_]HOST`, `…_CLIENT_TOKEN`, `…_CLIENT_SECRET` and",
    '`…_ACCESS_TOKEN` win over the `.edgerc` file when all four are set. Lambda sets',
    '`AWS_LAMBDA_LOG_LEVEL` (from the ApplicationLogLevel, which the logger honours) and',
    '`AWS_LAMBDA_INITIALIZATION_TYPE` (a start for provisioned concurrency is not logged as cold).',
    '',
  );
  return lines.join('\n');
}
