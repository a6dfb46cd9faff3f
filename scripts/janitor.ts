/**
 * `npm run janitor -- [--dry-run] [--stage NAME] [--pushgateway URL]`: one janitor run against a
 * Pushgateway, with the policy the stage file gives it (as deployed), from this machine.
 */
import { join } from 'node:path';
import { parseCommandLine } from '../dev/cli';
import { localLambdaContext } from '../dev/local/lambdaContext';
import { loadStageConfig, scheduleEvents } from '../src/deploy/stage';
import { handler } from '../src/handlers/janitor';
import { describeError } from '../src/shared/errors';

const HELP = `Usage: npm run janitor -- [--dry-run] [--stage NAME] [--pushgateway URL]

Deletes the groups of akamai_estats and synthetic_telemetry that nobody pushed for longer than
their TTL (config/<stage>.yml, "janitor:"), keeping the run-health groups of the schedules the
stage deploys. Never touches another job's groups.

Options:
  --dry-run          list what would be deleted, delete nothing
  --stage NAME       whose policy: config/NAME.yml (default local)
  --pushgateway URL  default: PUSHGATEWAY_URL, else the stage's functions.pushgatewayUrl;
                     several URLs separated by commas clean each of those Pushgateways
  -h, --help         show this help
  -V, --version      print the version
`;

const values = parseCommandLine(HELP, {
  'dry-run': { type: 'boolean', default: false },
  stage: { type: 'string', default: 'local' },
  pushgateway: { type: 'string' },
});

async function main(): Promise<void> {
  // The Pushgateway given here is checked as a --param of packaging would be.
  const given = values.pushgateway ?? process.env.PUSHGATEWAY_URL;
  const config = loadStageConfig(
    join(__dirname, '..', 'config', `${values.stage}.yml`),
    values.stage,
    { params: given ? { pushgatewayUrl: given } : {}, env: process.env },
  );
  const [event] = scheduleEvents(config, (fn, name) => `${fn}-${name}`).janitor;
  const input = { ...(event?.schedule.input as object), dryRun: values['dry-run'] };
  const url = config.settings.pushgatewayUrl ?? '';
  await handler.withEnv({ ...process.env, PUSHGATEWAY_URL: url })(
    input,
    localLambdaContext('janitor', 60_000),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`janitor failed: ${describeError(error)}\n`);
  process.exit(1);
});
