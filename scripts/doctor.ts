/**
 * `npm run doctor -- --stage NAME`: a read-only preflight of a stage against the real account
 * and the real sinks, with your own credentials (src/deploy/doctor/): its secrets, its Akamai
 * API clients' grants, its sinks, and its Alertmanager routes merged into your config. One
 * line per check; exit 1 when one fails.
 */
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { AMTOOL, findBinary } from '../dev/debianBinaries';
import { parseCommandLine } from '../dev/cli';
import { loadStageConfig, stageFunctionEnvironments } from '../src/deploy/stage';
import { commandLineParams } from '../src/deploy/stageSettings';
import { alertmanagerCheck } from '../src/deploy/doctor/alertmanager';
import { formatOutcome, once, runChecks } from '../src/deploy/doctor/checks';
import { sinkSecretChecks } from '../src/deploy/doctor/secrets';
import { sinkChecks } from '../src/deploy/doctor/sinks';
import { STAGE_COLLECTORS } from '../src/deploy/stage/collectors';
import { sinkNamesFromEnv } from '../src/sinks/names';
import { describeError } from '../src/shared/errors';

const HELP = `Usage: npm run doctor -- --stage NAME [options]

A read-only preflight of a stage before (or after) deploying it, against the real account and
sinks, with your own credentials: AWS's default chain (AWS_PROFILE, SSO, …) for Secrets
Manager, and for Akamai the stage's secrets, or your .edgerc for clients that name a section.
Prints one line per check, ✓ or ✗ with its fix (– when it could not run here), and exits 1
when a check fails. It writes nothing anywhere:

  secrets        every secret the functions read exists and has its shape (by name or ARN;
                 an ARN is read in its own region)
  Akamai         each API client answers one eStats request for a target of its schedules
                 (its Edge Diagnostics grant), and lists CP codes where a schedule discovers
                 (its CPRG grant): no more than 2 requests of its budget, no retry
  sinks          each Pushgateway lists its groups, remote write takes a request with no
                 sample, Carbon accepts a connection
  Alertmanager   with --alertmanager-config, our routes merged into your config pass
                 amtool check-config (merged in a temporary folder)

Options:
  --stage NAME                 config/NAME.yml (required)
  --stage-config FILE          that file instead
  --param NAME=VALUE           a setting, as packaging takes it (repeatable)
  --region REGION              the region of secrets given by name (default: AWS_REGION, your
                               profile's)
  --alertmanager-config FILE   the config file your Alertmanager loads
  -h, --help                   show this help
  -V, --version                print the version
`;

const values = parseCommandLine(HELP, {
  stage: { type: 'string' },
  'stage-config': { type: 'string' },
  param: { type: 'string', multiple: true },
  region: { type: 'string' },
  'alertmanager-config': { type: 'string' },
});

async function main(): Promise<number> {
  if (!values.stage) {
    process.stderr.write(`error: --stage is required\n\n${HELP}`);
    return 2;
  }
  const stage = values.stage;
  if (values.region) process.env.AWS_REGION = values.region;
  const file = values['stage-config'] ?? join(__dirname, '..', 'config', `${stage}.yml`);
  const params = commandLineParams(values.param ?? []);
  const config = loadStageConfig(file, stage, { params, env: process.env });
  const environments = stageFunctionEnvironments(config.settings, stage);
  // Your .edgerc (AKAMAI_EDGERC) for the clients that name a section, as on the local stage.
  const local = { AKAMAI_EDGERC: process.env.AKAMAI_EDGERC };
  // Each collector's function as it runs: every function's variables, then its own.
  const envOf = (kind: string) => ({ ...environments.provider, ...environments[kind], ...local });
  const collectors = { ...environments.provider, ...local };
  const preflights = STAGE_COLLECTORS.map((collector) =>
    collector.preflight(config, envOf(collector.kind)),
  );
  const checks = once([
    ...preflights.flatMap((p) => p.secrets),
    ...sinkSecretChecks(collectors),
    ...preflights.flatMap((p) => p.services),
    ...sinkChecks(STAGE_COLLECTORS.map((collector) => envOf(collector.kind))),
    alertmanagerCheck({
      stageFile: file,
      stage,
      sinks: sinkNamesFromEnv(collectors),
      params,
      configFile: values['alertmanager-config'],
      checkConfig: amtoolCheckConfig,
    }),
  ]);
  process.stdout.write(
    `Doctor of stage ${stage} (${relative(process.cwd(), file) || file}): ${checks.length} checks, read-only\n`,
  );
  const outcomes = await runChecks(checks, (outcome) =>
    process.stdout.write(`${formatOutcome(outcome)}\n`),
  );
  const count = (status: string) => outcomes.filter((o) => o.status === status).length;
  const failed = count('failed');
  process.stdout.write(`${count('ok')} passed, ${failed} failed, ${count('skipped')} not run\n`);
  return failed > 0 ? 1 : 0;
}

function amtoolCheckConfig(file: string): { ok: boolean; output: string } | undefined {
  const amtool = findBinary(AMTOOL);
  if (!amtool) return undefined;
  const run = spawnSync(amtool, ['check-config', file], { encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor failed: ${describeError(error)}\n`);
    process.exit(1);
  },
);
