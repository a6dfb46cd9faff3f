/**
 * `npm start`: the whole pipeline on one machine, no cloud account needed. See --help.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { accelerateAlerting } from './local/alertingScale';
import { parseCommandLine } from './cli';
import { RealCarbon } from './realCarbon';
import { parseSinkNames } from '../src/sinks/names';
import type { SinkName } from '../src/sinks/factories';
import { enabledScheduleNames, loadStageConfig } from '../src/deploy/stage';
import type { AkamaiClient } from '../src/akamai/clients';
import { readScheduledFunctions } from './local/serverlessSchedules';
import { trialStage, withLocalCredentials } from './local/trialStage';
import { startScheduler } from './local/scheduler';
import { type SlackMessage, startSlackSink } from './local/slackSink';
import { startLocalStack } from './local/stack';
import { startLocalScrapeTargets } from './local/scrapeTargets';
import { LOCAL_ACCOUNT } from './simulators/akamai/localAccount';
import { startEstatsSimulator } from './simulators/akamai/server';
import { ensureTestCa } from './simulators/tls';
import { describeError } from '../src/shared/errors';
import {
  ALERTMANAGER,
  BLACKBOX_EXPORTER,
  ensureDebianBinaries,
  GRAPHITE_CARBON,
  PROMETHEUS,
  PUSHGATEWAY,
  type DebianBinary,
} from './debianBinaries';

const HELP = `Usage: npm start -- [options]

Runs the whole pipeline locally: the real Pushgateway, Prometheus (scraping it, with the
shipped alert rules) and Alertmanager (shipped routes), and every scheduled function of
serverless.yml on its schedule, in this process, with the same handler code Lambda runs.

eStats and traffic use the real Akamai API when credentials exist (AKAMAI_EDGERC, or
~/.edgerc); otherwise a built-in simulator (HTTPS, EdgeGrid-checking) with an occasional
incident, which also answers the Reporting API's traffic report from the same traffic.
Alerts go to SLACK_WEBHOOK_URL when set, otherwise they are printed here.

Options (environment variable in brackets):
  --functions <list>       comma-separated functions to run (default: all scheduled ones:
                           estats,synthetic,scrape,traffic,janitor,exportAlerting;
                           scrape fetches simulated switches and a real
                           blackbox_exporter's probe of the Akamai stand-in,
                           on ports 9108 and 9115)                        [PUSHGATE_FUNCTIONS]
  --speed <n>              run schedules and alert timings n times faster (default 10;
                           1 = real time)                                 [PUSHGATE_SPEED]
  --devices <n>            synthetic fleet: number of devices (default from config/local.yml)
  --ports-per-device <n>   synthetic fleet: ports per device
  --link-flaps-per-day <n> synthetic fleet: link-down events per port per day
  --sinks <list>           where the functions deliver: pushgateway (default), remote-write
  (or --sink)              (into this Prometheus, its remote-write receiver on), graphite
                           (a real carbon-cache, Debian's graphite-carbon, its whisper files
                           under --data-dir), or several; the alert rules watch staleness as
                           those sinks need                               [SINKS]
  --pushgateways <n>       run n Pushgateways (default 1, at most 5): every group goes to
                           each, Prometheus scrapes them all; stop one to see the rules
                           and dashboards carry on (docs/guides/sinks.md)
  --pushgateway-port <n>   default 9091, the next ones on the ports after it
                           (a port in use is replaced by a free one)
  --prometheus-port <n>    default 9090
  --alertmanager-port <n>  default 9093
  --slack-sink-port <n>    default 9095
  --akamai-port <n>        eStats simulator, default 9443
  --stage <name>           run your own stage's schedules, config/<name>.yml, before
                           deploying it: groups go to this local stack only, Akamai is
                           read with your .edgerc (each API client from the section of
                           its name, or its edgercSection) or simulated
  --stage-config <file>    the same with any stage file (its name: --stage, else the
                           file's name)
  --data-dir <dir>         data of the local stack (default .local, git-ignored)
  --external-stack         do not start Pushgateway/Prometheus/Alertmanager: push to
                           PUSHGATEWAY_URL (the collectors container of the compose file)
  -h, --help               show this help
  -V, --version            print the version

Environment: SLACK_WEBHOOK_URL (real Slack), AKAMAI_EDGERC / AKAMAI_EDGERC_SECTION (real
Akamai), and every variable of docs/reference/settings.md.
Ctrl-C stops everything it started.
`;

const root = join(__dirname, '..');
const say = (line: string) => process.stdout.write(`${line}\n`);
const fail = (message: string): never => {
  process.stderr.write(`npm start: ${message}\n`);
  process.exit(1);
};

const values = parseCommandLine(HELP, {
  functions: { type: 'string', default: process.env.PUSHGATE_FUNCTIONS ?? '' },
  speed: { type: 'string', default: process.env.PUSHGATE_SPEED ?? '10' },
  devices: { type: 'string' },
  'ports-per-device': { type: 'string' },
  'link-flaps-per-day': { type: 'string' },
  sinks: { type: 'string' },
  sink: { type: 'string' },
  pushgateways: { type: 'string', default: '1' },
  'pushgateway-port': { type: 'string', default: '9091' },
  'prometheus-port': { type: 'string', default: '9090' },
  'alertmanager-port': { type: 'string', default: '9093' },
  'slack-sink-port': { type: 'string', default: '9095' },
  'akamai-port': { type: 'string', default: '9443' },
  stage: { type: 'string' },
  'stage-config': { type: 'string' },
  'data-dir': { type: 'string', default: join(root, '.local') },
  'external-stack': { type: 'boolean', default: false },
});

function number(
  name: string,
  value: string | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max)
    fail(`--${name} must be a number between ${min} and ${max}, got ${JSON.stringify(value)}`);
  return n;
}

const realAkamai = Boolean(process.env.AKAMAI_EDGERC) || existsSync(join(homedir(), '.edgerc'));

/** The .edgerc section an API client of the stage reads here: the simulator's, else its own. */
function edgercSectionOf(client: AkamaiClient): string {
  return realAkamai ? (client.edgercSection ?? client.name) : SIMULATOR_SECTION;
}
const SIMULATOR_SECTION = 'simulator';

// NODE_EXTRA_CA_CERTS is read only when Node starts: the simulator's CA needs a fresh process.
if (!process.env.PUSHGATE_START_CHILD) {
  const binaries: DebianBinary[] = [PUSHGATEWAY, PROMETHEUS, ALERTMANAGER, BLACKBOX_EXPORTER];
  if (sinksWanted().includes('graphite')) binaries.push(GRAPHITE_CARBON);
  try {
    if (!values['external-stack'])
      ensureDebianBinaries(binaries, (line) => say(`npm start: ${line}`));
  } catch (error) {
    fail(
      `${(error as Error).message}\nOr run the stack with Docker: docker compose -f infra/docker-compose.yml up (see docs/getting-started.md).`,
    );
  }
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PUSHGATE_START_CHILD: '1' };
  if (!realAkamai)
    childEnv.NODE_EXTRA_CA_CERTS = ensureTestCa(join(values['data-dir'], 'ca')).bundlePath;
  const child = spawn(
    process.execPath,
    [...process.execArgv, __filename, ...process.argv.slice(2)],
    { stdio: 'inherit', env: childEnv },
  );
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
} else {
  void main().catch((error) => fail(describeError(error)));
}

async function main(): Promise<void> {
  const speed = number('speed', values.speed, 1, 1000) ?? 10;
  const dataDir = values['data-dir'];
  mkdirSync(dataDir, { recursive: true });
  const port = (
    name:
      | 'pushgateway-port'
      | 'prometheus-port'
      | 'alertmanager-port'
      | 'slack-sink-port'
      | 'akamai-port',
  ) => number(name, values[name], 0, 65535) ?? 0;
  const cleanups: Array<() => Promise<void> | void> = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    // Ctrl-C reaches both this process and its parent, which forwards it: stop once.
    if (stopping) return;
    stopping = true;
    say('\nstopping…');
    for (const cleanup of cleanups.reverse())
      await Promise.resolve(cleanup()).catch(() => undefined);
    say('stopped; nothing left running.');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  // Which functions, on which schedules: serverless.yml and the stage's file.
  const trial = trialStage(root, { stage: values.stage, stageConfig: values['stage-config'] });
  const all = readScheduledFunctions(join(root, 'serverless.yml'), trial.file, trial.name).map(
    (f) => (trial.own ? withLocalCredentials(f, (client) => edgercSectionOf(client)) : f),
  );
  const wanted = values.functions
    ? values.functions
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean)
    : [...new Set(all.map((f) => f.name))];
  const unknown = wanted.filter((w) => !all.some((f) => f.name === w));
  if (unknown.length > 0)
    fail(
      `unknown function(s) ${unknown.join(', ')}; scheduled functions: ${[...new Set(all.map((f) => f.name))].join(', ')}`,
    );
  const functions = all
    .filter((f) => wanted.includes(f.name))
    .map((f) => (f.name === 'synthetic' ? withFleetOverrides(f) : f));

  if (values['external-stack']) {
    await runAgainstExternalStack(
      speed,
      functions,
      wanted,
      dataDir,
      port('slack-sink-port'),
      port('akamai-port'),
      cleanups,
    );
    return;
  }
  const sinks = sinksWanted();
  const stage = loadStageConfig(trial.file, trial.name);
  const stack = await startLocalStack({
    dataDir,
    alerting: accelerateAlerting(stage.alerting, speed),
    slos: stage.slos,
    // The rules watch staleness the way these sinks allow (src/alerting/scope.ts).
    scope: { sinks, schedules: enabledScheduleNames(stage) },
    ports: {
      pushgateway: port('pushgateway-port'),
      prometheus: port('prometheus-port'),
      alertmanager: port('alertmanager-port'),
      slackSink: port('slack-sink-port'),
    },
    pushgateways: Math.trunc(number('pushgateways', values.pushgateways, 1, 5) ?? 1),
    remoteWriteReceiver: sinks.includes('remote-write'),
    scrapeInterval: speed >= 10 ? '2s' : '10s',
    evaluationInterval: speed >= 10 ? '2s' : '10s',
    alertResendDelay: '10s',
    ...(process.env.SLACK_WEBHOOK_URL ? { slackWebhookUrl: process.env.SLACK_WEBHOOK_URL } : {}),
    onSlackMessage: printSlack,
    log: (line) => say(`npm start: ${line}`),
  });
  cleanups.push(() => stack.stop());

  const akamai = await setUpAkamai(
    wanted,
    functions,
    dataDir,
    port('akamai-port'),
    speed,
    cleanups,
  );
  say('');
  say(
    `Prometheus     ${stack.prometheus.url}   (alerts: ${await alertsPage(stack.prometheus.url)})`,
  );
  for (const [i, pushgateway] of stack.pushgateways.entries())
    say(
      `Pushgateway    ${pushgateway.url}${stack.pushgateways.length > 1 ? `   (${i + 1} of ${stack.pushgateways.length})` : ''}`,
    );
  say(`Alertmanager   ${stack.alertmanager.url}`);
  say(
    `Slack          ${process.env.SLACK_WEBHOOK_URL ? 'your SLACK_WEBHOOK_URL' : `printed below (local sink ${stack.slackSink?.url})`}`,
  );
  if (wanted.some((name) => AKAMAI_FUNCTIONS.includes(name))) say(`Akamai         ${akamai.note}`);
  let scheduled = functions;
  if (wanted.includes('scrape')) {
    const targets = await startLocalScrapeTargets({
      dataDir,
      caCertPath: ensureTestCa(join(dataDir, 'ca')).caCertPath,
      ...(akamai.host ? { akamaiHost: akamai.host } : {}),
    });
    cleanups.push(() => targets.stop());
    scheduled = functions.flatMap((f) => (f.name === 'scrape' ? (targets.retarget(f) ?? []) : [f]));
    say(
      `Scrape         ${targets.switchesUrl}/metrics (simulated switches, as snmp_exporter's if_mib), ${targets.blackboxUrl} (blackbox_exporter)`,
    );
  }
  say(
    `Schedules      ${[...new Set(functions.map((f) => `${f.name} ${f.schedule.expression}`))].join(', ')}${speed > 1 ? `, ${speed}× faster (alert timings too)` : ''}`,
  );
  say(
    `Stage          ${trial.name} (${trial.file.startsWith(`${root}${sep}`) ? relative(root, trial.file) : trial.file})${trial.own ? ': its schedules and alerting, pushing to this local stack only' : ''}`,
  );
  say(`Data           ${dataDir}`);
  say('Ctrl-C stops everything.\n');

  if (sinks.includes('remote-write'))
    say(`Remote write   ${stack.prometheus.url}/api/v1/write   (SINKS=${sinks.join(',')})`);
  const carbon = sinks.includes('graphite') ? await RealCarbon.start(dataDir) : undefined;
  if (carbon) {
    cleanups.push(() => carbon.stop());
    say(`Graphite       ${carbon.address}   (whisper files: ${carbon.dataDir})`);
  }
  const env = functionEnv(dataDir, {
    SINKS: sinks.join(','),
    PUSHGATEWAY_URL: stack.pushgateways.map((p) => p.url).join(','),
    REMOTE_WRITE_URL: `${stack.prometheus.url}/api/v1/write`,
    ...(carbon ? { GRAPHITE_HOST: carbon.address } : {}),
    ...akamai.env,
  });
  const scheduler = startScheduler({ root, functions: scheduled, speed, env, report: say });
  cleanups.push(() => scheduler.stop());
}

/**
 * What the functions run with: this process's environment (the user's PUSHGATEWAY_*, AKAMAI_*
 * and LOG_LEVEL settings) with the local stack's parts in place. Passed to each run, never
 * written into this process's environment.
 */
function functionEnv(
  dataDir: string,
  local: Record<string, string | undefined>,
): Record<string, string | undefined> {
  return {
    ...process.env,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
    ALERTING_OUT_DIR: join(dataDir, 'alerting-export'),
    // What each traffic schedule delivered: a restart fills what it missed meanwhile.
    TRAFFIC_STATE_DIR: join(dataDir, 'traffic-state'),
    // No AWS here: credentials come from .edgerc (the user's or the simulator's).
    AKAMAI_SECRET_ID: undefined,
    PUSHGATEWAY_AUTH_SECRET_ID: undefined,
    ...local,
  };
}

/** The functions that read Akamai: the simulator runs when one of them does. */
const AKAMAI_FUNCTIONS = ['estats', 'traffic'];

/** Real Akamai when credentials exist, else the simulator (with incidents); says which. */
async function setUpAkamai(
  wanted: string[],
  functions: ReturnType<typeof readScheduledFunctions>,
  dataDir: string,
  akamaiPort: number,
  speed: number,
  cleanups: Array<() => Promise<void> | void>,
): Promise<{ note: string; env: Record<string, string>; host?: string }> {
  if (realAkamai || !wanted.some((name) => AKAMAI_FUNCTIONS.includes(name)))
    return { note: `real Akamai API (${process.env.AKAMAI_EDGERC ?? '~/.edgerc'})`, env: {} };
  {
    const ca = ensureTestCa(join(dataDir, 'ca'));
    const client = {
      clientToken: 'akab-local-client',
      accessToken: 'akab-local-access',
      clientSecret: 'TG9jYWxTaW11bGF0b3JTZWNyZXQwMDAwMDAwMDAwMDA=',
    };
    const options = {
      // The schedules run `speed` times faster: so does the recovery of Akamai's budget.
      rateWindowMs: 60_000 / speed,
      // Every API client of the stage reads the simulator's: it allows what they would together.
      rateLimitPerMinute: simulatedLimit(functions),
      tls: { key: readFileSync(ca.serverKeyPath), cert: readFileSync(ca.serverCertPath) },
      clients: new Map([
        [
          client.clientToken,
          { clientSecret: client.clientSecret, accessToken: client.accessToken },
        ],
      ]),
      // The account's CP codes, which config/local.yml's schedule discovers (with names).
      cprg: { accounts: new Map([['', LOCAL_ACCOUNT]]) },
      // The Reporting API's budget recovers as much faster as the schedules run.
      reporting: { windowMs: 60_000 / speed },
    };
    // The preferred port, or any free one when it is taken.
    const simulator = await startEstatsSimulator({ ...options, port: akamaiPort }).catch(() =>
      startEstatsSimulator(options),
    );
    cleanups.push(() => simulator.stop());
    // The simulator's API client, as an .edgerc section like any other.
    const edgerc = join(dataDir, 'simulator.edgerc');
    writeFileSync(
      edgerc,
      `[${SIMULATOR_SECTION}]\nhost = ${simulator.host}\nclient_token = ${client.clientToken}\nclient_secret = ${client.clientSecret}\naccess_token = ${client.accessToken}\n`,
    );
    cleanups.push(scheduleIncidents(simulator, functions, speed));
    return {
      note: `SIMULATED eStats and traffic data (no .edgerc found) from ${simulator.url}`,
      env: { AKAMAI_EDGERC: edgerc, AKAMAI_EDGERC_SECTION: SIMULATOR_SECTION },
      host: simulator.host,
    };
  }
}

/** What the stage's API clients allow together (40 a minute when it names none). */
function simulatedLimit(functions: ReturnType<typeof readScheduledFunctions>): number {
  const clients = new Map<string, number>();
  for (const fn of functions.filter((f) => f.name === 'estats')) {
    const event = fn.event(new Date()) as { schedule?: { clients?: AkamaiClient[] } };
    for (const client of event.schedule?.clients ?? [])
      clients.set(client.name, client.rateLimitPerMinute);
  }
  return clients.size > 0 ? [...clients.values()].reduce((sum, limit) => sum + limit, 0) : 40;
}

/** The compose file's collectors container: the stack runs elsewhere, we only collect. */
async function runAgainstExternalStack(
  speed: number,
  functionsWanted: ReturnType<typeof readScheduledFunctions>,
  wanted: string[],
  dataDir: string,
  sinkPort: number,
  akamaiPort: number,
  cleanups: Array<() => Promise<void> | void>,
): Promise<void> {
  if (!process.env.PUSHGATEWAY_URL) fail('--external-stack needs PUSHGATEWAY_URL');
  let functions = functionsWanted;
  if (!process.env.SLACK_WEBHOOK_URL) {
    const sink = await startSlackSink({
      port: sinkPort || 9095,
      host: process.env.SLACK_SINK_HOST ?? '127.0.0.1',
      onMessage: printSlack,
    });
    cleanups.push(() => sink.stop());
    say(`Slack sink     ${sink.url}`);
  }
  const akamai = await setUpAkamai(wanted, functions, dataDir, akamaiPort, speed, cleanups);
  say(`Pushgateway    ${process.env.PUSHGATEWAY_URL}`);
  // The local scrape targets (config/local.yml) are this machine's: not the container's.
  if (!values.functions) functions = functions.filter((f) => f.name !== 'scrape');
  if (wanted.some((name) => AKAMAI_FUNCTIONS.includes(name))) say(`Akamai         ${akamai.note}`);
  const env = functionEnv(dataDir, akamai.env);
  const scheduler = startScheduler({ root, functions, speed, env, report: say });
  cleanups.push(() => scheduler.stop());
}

function withFleetOverrides(fn: ReturnType<typeof readScheduledFunctions>[number]) {
  const devices = number('devices', values.devices, 1, 100_000);
  const ports = number('ports-per-device', values['ports-per-device'], 1, 1024);
  const flaps = number('link-flaps-per-day', values['link-flaps-per-day'], 0, 24);
  if (devices === undefined && ports === undefined && flaps === undefined) return fn;
  return {
    ...fn,
    event: (time: Date) => {
      const event = fn.event(time) as { fleet?: Record<string, unknown> };
      const fleet = { ...(event.fleet ?? {}) };
      if (devices !== undefined) fleet.deviceCount = devices;
      if (ports !== undefined) fleet.portsPerDevice = ports;
      if (flaps !== undefined) fleet.linkFlapsPerDay = flaps;
      return { ...event, fleet };
    },
  };
}

/** Every 30 minutes (÷ speed), one CP code of the schedule has a 10-minute 5xx incident. */
function scheduleIncidents(
  simulator: Awaited<ReturnType<typeof startEstatsSimulator>>,
  functions: ReturnType<typeof readScheduledFunctions>,
  speed: number,
): () => void {
  const estats = functions.find((f) => f.name === 'estats');
  type Targets = { targets?: Array<{ cpCode?: number }> };
  const event = estats?.event(new Date()) as (Targets & { schedule?: Targets }) | undefined;
  const targets = (event?.schedule?.targets ?? event?.targets ?? []).filter(
    (t) => t.cpCode !== undefined,
  );
  const cpCode = targets[0]?.cpCode;
  if (cpCode === undefined) return () => {};
  const cycle = (30 * 60_000) / speed;
  const length = (10 * 60_000) / speed;
  const timers: NodeJS.Timeout[] = [];
  const start = () => {
    say(
      `${new Date().toISOString().slice(11, 19)} simulator      incident: CP code ${cpCode} now answers 40 % 5xx (for ${Math.round(length / 1000)} s)`,
    );
    simulator.setBehaviour({ cpCode }, { kind: 'incident', edge5xxRatio: 0.4 });
    timers.push(
      setTimeout(() => {
        say(
          `${new Date().toISOString().slice(11, 19)} simulator      incident over: CP code ${cpCode} is healthy again`,
        );
        simulator.setBehaviour({ cpCode }, { kind: 'normal' });
      }, length),
    );
  };
  // The first incident a little after start, so alerts show up within minutes.
  timers.push(setTimeout(start, Math.min(cycle / 3, 2 * 60_000)));
  timers.push(setInterval(start, cycle));
  return () => timers.forEach((t) => clearTimeout(t));
}

function printSlack(message: SlackMessage): void {
  const firing = message.title.includes('FIRING');
  const lines = [
    `${new Date().toISOString().slice(11, 19)} ${firing ? '🔔 ALERT' : '✅ RESOLVED'} → ${message.channel}: ${message.title}`,
  ];
  for (const line of message.text.split('\n').filter(Boolean)) lines.push(`               ${line}`);
  say(lines.join('\n'));
}

/** --sinks: the local stack can be a Pushgateway sink, a remote-write receiver, or both. */
/** --sinks (or --sink, or SINKS): the sinks npm start runs locally, each of them. */
function sinksWanted(): SinkName[] {
  const raw = values.sinks ?? values.sink ?? process.env.SINKS ?? 'pushgateway';
  try {
    return parseSinkNames(raw, '--sinks');
  } catch (error) {
    return fail(describeError(error));
  }
}

/**
 * The alerts page this Prometheus serves: `/alerts` where the web UI is built in, the
 * classic UI's `/classic/alerts` where it is not (Debian's 2.42), else the API's list.
 */
async function alertsPage(prometheusUrl: string): Promise<string> {
  for (const page of ['/alerts', '/classic/alerts']) {
    const answer = await fetch(`${prometheusUrl}${page}`).catch(() => undefined);
    await answer?.body?.cancel();
    if (answer?.ok) return `${prometheusUrl}${page}`;
  }
  return `${prometheusUrl}/api/v1/alerts`;
}
