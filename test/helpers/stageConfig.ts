import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './runProcess';

/** Targets that are not the shipped examples, as a real stage would list them. */
export const REAL_LOOKING_TARGETS = { cpCode: 987654, url: 'https://shop.acme.test/cart' };

/**
 * Params a stage other than `local` needs to package: a Pushgateway that is not loopback
 * (src/deploy/guards.ts), as `--param=…` arguments.
 */
export const REAL_LOOKING_PARAMS = ['--param=pushgatewayUrl=https://pushgateway.acme.test:9091'];

/**
 * The sections a minimal stage file of a test needs on a stage but `local`: the default
 * on-call webhook is made up, so a deployed stage must name its own or turn it off; the
 * default Pushgateway is loopback, so it must name a real one.
 */
export const DEPLOYABLE_ALERTING = '\nalerting: { routing: { oncall: false } }\n';
export const DEPLOYABLE_FUNCTIONS =
  '\nfunctions: { pushgatewayUrl: https://pushgateway.acme.test:9091 }\n';
export const DEPLOYABLE_SECTIONS = `${DEPLOYABLE_ALERTING}${DEPLOYABLE_FUNCTIONS}`;

/** The links and on-call webhook of a real stage (the local ones are refused elsewhere). */
const REAL_LOOKING_LINKS = {
  'http://localhost:3000': 'https://grafana.acme.test',
  'http://localhost:9090': 'https://prometheus.acme.test',
  'http://localhost:9093': 'https://alertmanager.acme.test',
};

/**
 * A stage file for `serverless package/print --param=stageConfig=…`: config/local.yml with
 * its example targets, links and on-call webhook replaced (or changed further by `edit`).
 */
export function writeStageConfig(edit: (text: string) => string = (text) => text): string {
  const text = readFileSync(join(REPO_ROOT, 'config', 'local.yml'), 'utf8')
    .replaceAll('cpCode: 424242', `cpCode: ${REAL_LOOKING_TARGETS.cpCode}`)
    // The simulated account's other CP codes (the traffic schedule's).
    .replaceAll('cpCode: 424243', `cpCode: ${REAL_LOOKING_TARGETS.cpCode + 1}`)
    .replaceAll('cpCode: 424244', `cpCode: ${REAL_LOOKING_TARGETS.cpCode + 2}`)
    .replaceAll('https://www.example.com/index.html?lang=en', REAL_LOOKING_TARGETS.url)
    .replace("match: '^example-'", "match: '^shop-'")
    .replaceAll('http://127.0.0.1:9108/', 'http://switch-metrics.acme.test:9108/')
    .replaceAll('http://127.0.0.1:9115/', 'http://blackbox.acme.test:9115/')
    .replace(
      /http:\/\/localhost:\d+/g,
      (link) => REAL_LOOKING_LINKS[link as keyof typeof REAL_LOOKING_LINKS] ?? link,
    )
    .concat(
      '\nalerting:\n  routing:\n    oncall: { webhookUrl: https://oncall.acme.test/alertmanager }\n',
    )
    .replace(/^/, `functions:\n  pushgatewayUrl: https://pushgateway.acme.test:9091\n`);
  const file = join(mkdtempSync(join(tmpdir(), 'stage-config-')), 'stage.yml');
  writeFileSync(file, edit(text));
  return file;
}
