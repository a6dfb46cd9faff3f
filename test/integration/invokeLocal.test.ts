import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from '../helpers/tools';
import type { EstatsSimulator } from '../../src/simulators/akamai/server';
import { startAkamaiStandin } from '../helpers/estatsStack';
import { RealPushgateway } from '../helpers/pushgateway';

/**
 * What the README promises: `npx serverless invoke local --stage local -f estats -p
 * examples/estats-event.json` runs the bundled TypeScript handler against the HTTPS stand-in
 * and a real Pushgateway, with no AWS account.
 */
let pushgateway: RealPushgateway;
let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  ({ akamai, edgercPath } = await startAkamaiStandin());
});
afterAll(async () => {
  await pushgateway.stop();
  await akamai.stop();
});

function run(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    // stdin closed: without -p / -d, invoke local would wait for an event on stdin.
    const child = spawn(command, args, {
      cwd: join(__dirname, '..', '..'),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('close', (code) => resolve({ code, output }));
  });
}

it('serverless invoke local runs the estats function against the stand-in and the real Pushgateway', async () => {
  const { code, output } = await run(
    'npx',
    [
      'serverless',
      'invoke',
      'local',
      '--stage',
      'local',
      '-f',
      'estats',
      '-p',
      'examples/estats-event.json',
    ],
    {
      PUSHGATEWAY_URL: pushgateway.url,
      AKAMAI_EDGERC: edgercPath,
      AKAMAI_EDGERC_SECTION: 'standin',
    },
  );
  // On failure, show what the CLI printed.
  expect(code === 0 ? 'exit code 0' : output).toBe('exit code 0');
  expect(output).toContain('"message":"eStats run finished"');

  const url = 'https://www.example.com/shop/cart?id=42&lang=en';
  const urlGroup = await pushgateway.group({
    job: 'akamai_estats',
    url,
    error_type: 'EDGE_ERRORS',
  });
  expect(urlGroup?.families.get('akamai_estats_up')?.metrics[0]?.value).toBe('1');
  const cpGroup = await pushgateway.group({
    job: 'akamai_estats',
    cp_code: '424242',
    delivery: 'STANDARD_TLS',
  });
  expect(cpGroup?.families.get('akamai_estats_up')?.metrics[0]?.value).toBe('1');
  expect(akamai.requests.map((r) => r.status)).toEqual([200, 200]);
}, 120_000);

it('serverless invoke local runs the synthetic function against the real Pushgateway', async () => {
  const { code, output } = await run(
    'npx',
    [
      'serverless',
      'invoke',
      'local',
      '--stage',
      'local',
      '-f',
      'synthetic',
      '-p',
      'examples/synthetic-event.json',
    ],
    {
      PUSHGATEWAY_URL: pushgateway.url,
    },
  );
  // On failure, show what the CLI printed.
  expect(code === 0 ? 'exit code 0' : output).toBe('exit code 0');
  expect(output).toContain('"message":"synthetic run finished"');
  const group = await pushgateway.group({
    job: 'synthetic_telemetry',
    fleet: 'example',
    device: 'switch-02',
  });
  expect(group?.families.get('synthetic_port_receive_packets_total')?.metrics).toHaveLength(4);
}, 120_000);

it('serverless invoke local runs exportAlerting, writing files promtool and amtool accept', async () => {
  const out = join(__dirname, '..', '..', '.tmp', 'alerting-export');
  rmSync(out, { recursive: true, force: true });
  const { code, output } = await run(
    'npx',
    ['serverless', 'invoke', 'local', '--stage', 'local', '-f', 'exportAlerting', '-d', '{}'],
    {},
  );
  // On failure, show what the CLI printed.
  expect(code === 0 ? 'exit code 0' : output).toBe('exit code 0');
  expect(output).toContain('"message":"alerting exported"');
  expect(existsSync(join(out, 'templates', 'slack.tmpl'))).toBe(true);
  expect(runTool('promtool', ['check', 'rules', join(out, 'rules.yml')]).status).toBe(0);
  expect(runTool('amtool', ['check-config', join(out, 'alertmanager.yml')]).status).toBe(0);
  expect(readFileSync(join(out, 'rules.yml'), 'utf8')).toContain('alert: AkamaiEdge5xxRatioHigh');
}, 120_000);
