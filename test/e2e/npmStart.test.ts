import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `npm start` as a user runs it: the stack comes up, the simulator's incident reaches the
 * terminal as a Slack alert, and Ctrl-C leaves no process behind.
 */
it('npm start shows alerts within minutes and Ctrl-C stops every process it started', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  const ports = [
    '--pushgateway-port',
    '0',
    '--prometheus-port',
    '0',
    '--alertmanager-port',
    '0',
    '--slack-sink-port',
    '0',
    '--akamai-port',
    '0',
  ];
  const child = spawn(
    'npm',
    [
      'start',
      '--',
      '--speed',
      '60',
      '--functions',
      'estats,synthetic',
      '--data-dir',
      dataDir,
      ...ports,
    ],
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
  // The incident fires more than one alert; which reaches Slack first is a race: wait for the
  // one asserted below.
  const awaited = /🔔 ALERT → #cdn-alerts: \[FIRING:1\] AkamaiEdge5xxRatioHigh/;
  while (!awaited.test(output) && Date.now() < end && child.exitCode === null) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  expect(output).toContain('Prometheus     http://127.0.0.1:');
  expect(output).toContain('SIMULATED eStats data');
  expect(output).toMatch(/estats +2\/2 targets, \d+ series pushed/);
  expect(output).toMatch(awaited);

  // Ctrl-C, as a terminal sends it: to the whole process group.
  process.kill(-(child.pid as number), 'SIGINT');
  await exited;
  expect(output).toContain('stopped; nothing left running.');
  const leftovers = spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout.trim();
  expect(leftovers).toBe('');
}, 200_000);
