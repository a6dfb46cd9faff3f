/**
 * `npm run alerting:export -- --out DIR`: render the alert rules, the Alertmanager config and
 * its templates into DIR. `--check` compares with what DIR holds and fails on any difference
 * (CI uses it on infra/alerting, so a stale copy fails the build). With the default DIR it
 * also writes src/alerting/rendered.gen.ts, the same files as the exportAlerting function
 * ships them: rendered and validated here, at build time, not in the function.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { alertmanagerSnippet } from '../src/alerting/formats';
import { mergeAlertmanagerSnippet } from '../src/alerting/merge';
import { routingReference } from '../src/alerting/routingTable';
import { renderedModule, stageAlertingFiles } from '../src/deploy/alertingFiles';
import { EXAMPLE_STAGE } from '../src/deploy/stage';
import { parseSinkNames } from '../src/sinks/names';
import { ConfigurationError, describeError } from '../src/shared/errors';

const HELP = `Usage: npm run alerting:export -- [--out DIR] [--stage NAME] [--sinks LIST] [--templates-dir PATH] [--merge-into FILE] [--check]

Renders Prometheus alert rules and Alertmanager routes from src/alerting, and the SLOs of a
stage file (config/<stage>.yml, "slos:"), into DIR, in the stage's formats
(alerting.export.formats; docs/guides/alerting.md, "Use your own Prometheus"):
  prometheus            rules.yml, alertmanager.yml, templates/slack.tmpl (the default)
  alertmanager-snippet  rules.yml, alertmanager-snippet.yml, templates/slack.tmpl
  prometheus-operator   prometheus-operator/prometheusrule.yaml
  mimir                 mimir/<namespace>.yml (mimirtool rules load)
  amp                   amp/rules.yml, amp/alertmanager-definition.yml

Options:
  --out DIR             where to write (default infra/alerting)
  --stage NAME          whose SLOs and schedules: config/NAME.yml (default local; infra/alerting
                        is local's)
  --stage-config FILE   read them from FILE instead of config/<stage>.yml
  --sinks LIST          the stage's SINKS (default pushgateway). With remote-write, staleness
                        is read from sample times and from the stage's schedules
                        (CollectorSuccessStale, CollectorSilent, AkamaiEstatsSampleStale)
                        instead of the Pushgateway's push times (CollectorGroupStale)
  --templates-dir PATH  where Alertmanager will find the templates (default /etc/alertmanager/templates)
  --merge-into FILE     also write DIR/alertmanager.merged.yml: your Alertmanager config FILE
                        with our route, receivers, inhibit rules and time intervals merged in
                        (comments kept; merging a merged file again replaces ours)
  --check               do not write; exit 1 if DIR differs from what would be written
  -h, --help            show this help
  -V, --version         print the version
`;

const root = join(__dirname, '..');
const values = parseCommandLine(HELP, {
  out: { type: 'string', default: join(root, 'infra', 'alerting') },
  stage: { type: 'string', default: EXAMPLE_STAGE },
  'stage-config': { type: 'string' },
  sinks: { type: 'string', default: 'pushgateway' },
  'templates-dir': { type: 'string', default: '/etc/alertmanager/templates' },
  'merge-into': { type: 'string' },
  check: { type: 'boolean', default: false },
});

try {
  const stageFile = values['stage-config'] ?? join(root, 'config', `${values.stage}.yml`);
  const rendered = stageAlertingFiles(stageFile, values.stage, {
    templatesDir: values['templates-dir'],
    runbooksDir: join(root, 'docs', 'runbooks'),
    sinks: parseSinkNames(values.sinks, '--sinks'),
  });
  const out = resolve(values.out);
  // infra/alerting and the module the exportAlerting bundle carries are the local stage's.
  const shipped = out === resolve(root, 'infra', 'alerting');
  if (
    shipped &&
    (values.stage !== EXAMPLE_STAGE ||
      values['stage-config'] ||
      values.sinks !== 'pushgateway' ||
      values['merge-into'])
  ) {
    throw new ConfigurationError(
      `infra/alerting holds the ${EXAMPLE_STAGE} stage's files for the Pushgateway: write stage "${values.stage}" with sinks ${values.sinks}${values['merge-into'] ? ' and a merged config' : ''} elsewhere`,
      {
        hint: 'add --out DIR; "serverless package --stage NAME" renders that stage\'s files itself',
      },
    );
  }
  const outputs: Array<[string, string]> = Object.entries(rendered.files).map(([name, content]) => [
    join(out, name),
    content,
  ]);
  if (shipped) {
    outputs.push([join(root, 'src', 'alerting', 'rendered.gen.ts'), renderedModule(rendered)]);
    outputs.push([
      join(root, 'docs', 'reference', 'routing.md'),
      routingReference(rendered.alertmanager, rendered.rules),
    ]);
  }
  const mergeInto = values['merge-into'];
  if (mergeInto) {
    if (!existsSync(mergeInto))
      throw new ConfigurationError(`--merge-into ${mergeInto}: no such file`, {
        hint: 'give the path of the Alertmanager config to merge our routes into',
      });
    const snippet = alertmanagerSnippet(rendered.alertmanager, rendered.export.namespace);
    outputs.push([
      join(out, 'alertmanager.merged.yml'),
      mergeAlertmanagerSnippet(readFileSync(mergeInto, 'utf8'), snippet, mergeInto),
    ]);
  }
  const stale: string[] = [];
  for (const [path, content] of outputs) {
    const name = path.startsWith(out) ? path.slice(out.length + 1) : path.slice(root.length + 1);
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
