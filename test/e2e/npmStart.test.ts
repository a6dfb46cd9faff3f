import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REAL_LOOKING_TARGETS, writeStageConfig } from '../helpers/stageConfig';

/** The incident's alert as the terminal shows it (the incident fires several: this one is awaited). */
const AWAITED = /🔔 ALERT → #cdn-alerts: \[FIRING:1\] AkamaiEdge5xxRatioHigh/;

/**
 * `npm start -- <args>` as a user runs it, in its own process group, every port free, its data
 * in a fresh folder; returns once the awaited alert was printed (or 150 s passed, or it exited).
 */
function npmStartUntilAlert(args: string[]) {
  return npmStartUntil(args, AWAITED);
}

/** `npm start -- <args>` until its output matches `awaited` (or 150 s passed, or it exited). */
async function npmStartUntil(args: string[], awaited: RegExp) {
  const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  const ports = ['pushgateway', 'prometheus', 'alertmanager', 'slack-sink', 'akamai'].flatMap(
    (name) => [`--${name}-port`, '0'],
  );
  const child = spawn(
    'npm',
    ['start', '--', '--speed', '60', ...args, '--data-dir', dataDir, ...ports],
    {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, SLACK_WEBHOOK_URL: '', AKAMAI_EDGERC: '', HOME: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const end = Date.now() + 150_000;
  while (!awaited.test(output) && Date.now() < end && child.exitCode === null)
    await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    dataDir,
    output: () => output,
    /** Ctrl-C, as a terminal sends it: to the whole process group. */
    interrupt: async () => {
      process.kill(-(child.pid as number), 'SIGINT');
      await exited;
    },
  };
}

/** The groups a Pushgateway holds, each as its sorted labels. */
async function groupsOf(url: string): Promise<string[]> {
  const { data } = (await (await fetch(`${url}/api/v1/metrics`)).json()) as {
    data: Array<{ labels: Record<string, string> }>;
  };
  return data.map((g) => JSON.stringify(Object.entries(g.labels).sort())).sort();
}

/**
 * `npm start` with two Pushgateways: the stack comes up, both hold every group, the
 * simulator's incident reaches the terminal as a Slack alert (once), and Ctrl-C leaves no
 * process behind.
 */
it('npm start shows alerts within minutes and Ctrl-C stops every process it started', async () => {
  const run = await npmStartUntilAlert(['--functions', 'estats,synthetic', '--pushgateways', '2']);
  const output = run.output();
  expect(output).toContain('Prometheus     http://127.0.0.1:');
  expect(output).toContain('SIMULATED eStats and traffic data');
  // The CP code and URL config/local.yml lists, and two CP codes it discovers in the simulator.
  expect(output).toMatch(/estats +4\/4 targets, \d+ series pushed/);
  expect(output).toMatch(AWAITED);
  // The alerts page it names is one this Prometheus serves.
  const alerts = /\(alerts: (http:\/\/\S+)\)/.exec(output)?.[1] ?? '';
  expect([alerts, (await fetch(alerts)).status]).toEqual([alerts, 200]);
  // Progress is a line a minute per function, not one per run (synthetic runs every second
  // at --speed 60): the alerts stand out. The run lasts at most 150 s.
  const progress = output.split('\n').filter((line) => /^\S+ synthetic +\d+ devices/.test(line));
  expect(progress.length).toBeGreaterThanOrEqual(1);
  expect(progress.length).toBeLessThanOrEqual(3);

  // Both Pushgateways hold the same groups.
  const pushgateways = [
    ...output.matchAll(/Pushgateway +(http:\/\/127\.0\.0\.1:\d+) +\(\d of 2\)/g),
  ].map((m) => m[1] as string);
  expect(pushgateways).toHaveLength(2);
  const [first, second] = await Promise.all(pushgateways.map(groupsOf));
  expect(first?.length).toBeGreaterThan(5);
  expect(second).toEqual(first);
  // The discovered CP codes carry their names from the simulated account.
  const named = (
    (await (await fetch(`${pushgateways[0]}/api/v1/metrics`)).json()) as {
      data: Array<{
        labels: Record<string, string>;
        akamai_estats_target_info?: { metrics: Array<{ labels: Record<string, string> }> };
      }>;
    }
  ).data
    .filter((g) => g.akamai_estats_target_info)
    .map((g) => [g.labels.cp_code, g.akamai_estats_target_info?.metrics[0]?.labels.name])
    .sort();
  expect(named).toEqual([
    ['424242', 'example-images'],
    ['424243', 'example-video'],
    ['424244', 'example-downloads'],
  ]);

  await run.interrupt();
  expect(run.output()).toContain('stopped; nothing left running.');
  const leftovers = spawnSync('pgrep', ['-f', run.dataDir], { encoding: 'utf8' }).stdout.trim();
  expect(leftovers).toBe('');
}, 200_000);

/**
 * `npm start -- --sink remote-write`: the functions write into this Prometheus through its
 * remote-write receiver instead of pushing; the same rules raise the same alert.
 */
it('npm start -- --sink remote-write raises the same alert from remote-written data', async () => {
  const run = await npmStartUntilAlert(['--functions', 'estats', '--sink', 'remote-write']);
  const output = run.output();
  expect(output).toMatch(
    /Remote write +http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write +\(SINKS=remote-write\)/,
  );
  expect(output).toMatch(AWAITED);
  // Nothing was pushed to the Pushgateway.
  const pushgateway = /Pushgateway +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
  expect(await groupsOf(pushgateway)).toEqual([]);
  await run.interrupt();
  expect(run.output()).toContain('stopped; nothing left running.');
}, 200_000);

/**
 * `npm start` scrapes by default (config/local.yml, "scrape:"): the simulator's switches, as
 * snmp_exporter's if_mib names them, and a real blackbox_exporter probing the Akamai stand-in
 * over HTTPS, whatever ports were free.
 */
it('npm start fetches the simulated switches and a blackbox_exporter probe of the Akamai stand-in', async () => {
  const run = await npmStartUntil(
    ['--functions', 'estats,scrape'],
    /probes \(job blackbox\): 1\/1 targets up[\s\S]*switches \(job snmp\): 2\/2 targets up|switches \(job snmp\): 2\/2 targets up[\s\S]*probes \(job blackbox\): 1\/1 targets up/,
  );
  try {
    const output = run.output();
    expect(output).toMatch(/Scrape +http:\/\/127\.0\.0\.1:\d+\/metrics \(simulated switches/);
    expect(output).toMatch(/switches \(job snmp\): 2\/2 targets up/);
    expect(output).toMatch(/probes \(job blackbox\): 1\/1 targets up/);
    const pushgateway = /Pushgateway +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
    const { data } = (await (await fetch(`${pushgateway}/api/v1/metrics`)).json()) as {
      data: Array<{
        labels: Record<string, string>;
        probe_success?: { metrics: Array<{ value: string }> };
        ifOperStatus?: { metrics: unknown[] };
      }>;
    };
    const probe = data.find((g) => g.labels.job === 'blackbox');
    // The probed URL is the stand-in's, on the port it got.
    expect(probe?.labels.instance).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(probe?.probe_success?.metrics[0]?.value).toBe('1');
    const switches = data.filter((g) => g.labels.job === 'snmp').map((g) => g.labels.instance);
    expect(switches.sort()).toEqual(['switch-01', 'switch-02']);
    expect(data.find((g) => g.labels.instance === 'switch-01')?.ifOperStatus?.metrics).toHaveLength(
      8,
    );
  } finally {
    await run.interrupt();
  }
  const leftovers = spawnSync('pgrep', ['-f', run.dataDir], { encoding: 'utf8' }).stdout.trim();
  expect(leftovers).toBe('');
}, 200_000);

/**
 * `npm start -- --stage-config FILE`: a deployable stage's own schedules run here before it is
 * deployed. Its API client reads a Secrets Manager secret when deployed; here it reads the
 * simulator's .edgerc section, and every group goes to the local Pushgateway only.
 */
it('npm start -- --stage-config runs your own stage against the local stack only', async () => {
  const file = writeStageConfig((text) =>
    text
      .replace(
        /^estats:\n/m,
        'akamai:\n  clients:\n    retail: { secret: pushgate/retail-edgegrid }\nestats:\n',
      )
      .replace(
        '  - rate: rate(2 minutes)\n    input:',
        '  - rate: rate(2 minutes)\n    client: retail\n    input:',
      )
      // A stage with API clients names one on every Akamai schedule: the traffic one too.
      .replace(/( {2}- rate: rate\(5 minutes\)[^\n]*\n)( {4}input:)/, '$1    client: retail\n$2')
      .replaceAll(`cpCode: ${REAL_LOOKING_TARGETS.cpCode}`, 'cpCode: 700001'),
  );
  const trial = join(dirname(file), 'trial.yml');
  renameSync(file, trial);
  const run = await npmStartUntil(
    ['--stage-config', trial, '--functions', 'estats'],
    /estats +2\/2 targets, \d+ series pushed/,
  );
  try {
    const output = run.output();
    expect(output).toContain(
      `Stage          trial (${trial}): its schedules and alerting, pushing to this local stack only`,
    );
    expect(output).toContain('SIMULATED eStats and traffic data');
    expect(output).toMatch(/estats +2\/2 targets, \d+ series pushed/);
    const pushgateway = /Pushgateway +(http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
    const groups = await groupsOf(pushgateway);
    // The stage's own CP codes, in the local Pushgateway.
    const cpCodes = groups.flatMap((g) => /"cp_code","(\d+)"/.exec(g)?.[1] ?? []);
    expect(cpCodes).toContain('700001');
  } finally {
    await run.interrupt();
  }
  expect(run.output()).toContain('stopped; nothing left running.');
}, 200_000);

it('npm start -- --stage names the missing stage file and how to make one', () => {
  const run = spawnSync('npm', ['start', '--', '--stage', 'nosuchstage'], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
    env: { ...process.env, AKAMAI_EDGERC: '' },
  });
  expect(run.status).not.toBe(0);
  expect(`${run.stdout}${run.stderr}`).toContain(
    '--stage nosuchstage reads config/nosuchstage.yml: create it (cp config/prod.example.yml config/nosuchstage.yml), or give --stage-config FILE',
  );
});
