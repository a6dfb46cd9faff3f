/**
 * `npm run alerting:export -- --out DIR`: render the alert rules, the Alertmanager config and
 * its templates into DIR. `--check` compares with what DIR holds and fails on any difference
 * (CI uses it on infra/alerting, so a stale copy fails the build).
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAlertingFiles } from '../src/alerting';
import { describeError } from '../src/shared/errors';

const HELP = `Usage: npm run alerting:export -- [--out DIR] [--templates-dir PATH] [--check]

Renders Prometheus alert rules and Alertmanager routes from src/alerting into DIR:
  rules.yml, alertmanager.yml, templates/slack.tmpl

Options:
  --out DIR             where to write (default infra/alerting)
  --templates-dir PATH  where Alertmanager will find the templates (default /etc/alertmanager/templates)
  --check               do not write; exit 1 if DIR differs from what would be written
  -h, --help            show this help
`;

const root = join(__dirname, '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'infra', 'alerting') },
    'templates-dir': { type: 'string', default: '/etc/alertmanager/templates' },
    check: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

try {
  const { files } = buildAlertingFiles(undefined, {
    templatesDir: values['templates-dir'],
    runbooksDir: join(root, 'docs', 'runbooks'),
  });
  const out = resolve(values.out);
  const stale: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const path = join(out, name);
    if (values.check) {
      if (!existsSync(path) || readFileSync(path, 'utf8') !== content) stale.push(name);
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    process.stdout.write(`wrote ${path}\n`);
  }
  if (stale.length > 0) {
    process.stderr.write(
      `${out} is out of date: ${stale.join(', ')}. Run "npm run alerting:export" and commit the result.\n`,
    );
    process.exit(1);
  }
  if (values.check) process.stdout.write(`${out} is up to date\n`);
} catch (error) {
  process.stderr.write(`alerting export failed: ${describeError(error)}\n`);
  process.exit(1);
}
