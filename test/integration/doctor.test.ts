import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RealPushgateway } from '../../dev/realPushgateway';
import {
  NO_GRANT_CLIENT,
  STANDIN_CLIENT,
  startAkamaiStandin,
} from '../../dev/simulators/akamai/standin';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startRemoteWriteStandin, type RemoteWriteStandin } from '../../dev/simulators/remoteWrite';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { runProcess } from '../helpers/runProcess';

/**
 * `npm run doctor -- --stage prod` against a stage that names its services as a real one does
 * (*.acme.test: test/helpers/acmeDns.cjs resolves them to the stand-ins here), run as users
 * run it: every check passes on a healthy stage, and each fault shows on its own line with
 * its fix. The real Pushgateway and amtool; stand-ins that check what the real services check
 * for Secrets Manager (SigV4), Akamai (EdgeGrid, grants) and remote write.
 */
let pushgateway: RealPushgateway;
let akamai: EstatsSimulator;
let secrets: SecretsManagerStandin;
let remoteWrite: RemoteWriteStandin;
let carbon: Server;
const dir = mkdtempSync(join(tmpdir(), 'doctor-'));

const port = (url: string) => new URL(url).port;
const edgegrid = (client: typeof STANDIN_CLIENT) =>
  JSON.stringify({
    host: akamai.host,
    client_token: client.clientToken,
    client_secret: client.clientSecret,
    access_token: client.accessToken,
  });

beforeAll(async () => {
  pushgateway = await RealPushgateway.start();
  ({ akamai } = await startAkamaiStandin());
  secrets = await startSecretsManagerStandin();
  remoteWrite = await startRemoteWriteStandin();
  carbon = createServer((socket) => socket.resume());
  await new Promise<void>((resolve) => carbon.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await pushgateway.stop();
  await akamai.stop();
  await secrets.stop();
  await remoteWrite.stop();
  await new Promise((resolve) => carbon.close(resolve));
});
beforeEach(() => {
  secrets.secrets.set('cdn/edgegrid', edgegrid(STANDIN_CLIENT));
  secrets.secrets.set('cdn/pushgateway-auth', JSON.stringify({ username: 'cdn', password: 'pw' }));
});

/** The stage file: real-looking names, each service's port the stand-in's. */
function stageFile(ports: { pushgateway?: string; carbon?: string } = {}): string {
  const file = join(dir, `prod-${Math.random().toString(16).slice(2)}.yml`);
  const remote = new URL(remoteWrite.url);
  writeFileSync(
    file,
    [
      'functions:',
      '  sinks: pushgateway,remote-write,graphite',
      `  pushgatewayUrl: http://pushgateway.acme.test:${ports.pushgateway ?? port(pushgateway.url)}`,
      '  pushgatewayAuthSecretName: cdn/pushgateway-auth',
      `  remoteWriteUrl: http://metrics.acme.test:${remote.port}${remote.pathname}`,
      `  graphiteHost: carbon.acme.test:${ports.carbon ?? (carbon.address() as AddressInfo).port}`,
      'akamai:',
      '  clients:',
      '    main: { secret: cdn/edgegrid }',
      'estats:',
      '  - rate: rate(2 minutes)',
      '    client: main',
      '    input:',
      '      name: cdn',
      '      targets:',
      '        - cpCode: 987654',
      '  - rate: rate(10 minutes)',
      '    client: main',
      '    input:',
      '      name: discovered',
      '      targets: { discover: { product: Site_Accel, maxTargets: 5 } }',
      'links:',
      '  grafana: https://grafana.acme.test',
      '  prometheus: https://prometheus.acme.test',
      '  alertmanager: https://alertmanager.acme.test',
      'alerting:',
      '  routing:',
      '    oncall: false',
      '',
    ].join('\n'),
  );
  return file;
}

const ALERTMANAGER_CONFIG = `route:
  receiver: team-email
receivers:
  - name: team-email
    email_configs:
      - to: cdn@acme.test
        from: alertmanager@acme.test
        smarthost: smtp.acme.test:25
`;

function alertmanagerConfig(text = ALERTMANAGER_CONFIG): string {
  const file = join(dir, `alertmanager-${Math.random().toString(16).slice(2)}.yml`);
  writeFileSync(file, text);
  return file;
}

function doctor(file: string, amConfig = alertmanagerConfig()) {
  return runProcess(
    'npx',
    [
      'tsx',
      'scripts/doctor.ts',
      '--stage',
      'prod',
      '--stage-config',
      file,
      '--alertmanager-config',
      amConfig,
    ],
    {
      NODE_OPTIONS: `--require ${join(__dirname, '..', 'helpers', 'acmeDns.cjs')}`,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      AWS_REGION: STANDIN_AWS.region,
    },
  );
}

/** The doctor's line of a subject, and the fix under it when there is one. */
function lineOf(stdout: string, subject: string): string {
  const lines = stdout.split('\n');
  const at = lines.findIndex((line) => line.slice(2).startsWith(subject));
  if (at < 0) throw new Error(`no line for ${subject} in:\n${stdout}`);
  const next = lines[at + 1] ?? '';
  return next.startsWith('    fix: ') ? `${lines[at]}\n${next}` : (lines[at] ?? '');
}

it('passes every check of a healthy stage, spending at most two requests of the Akamai budget', async () => {
  const before = akamai.requests.length;
  const amFile = alertmanagerConfig();
  const run = await doctor(stageFile(), amFile);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const lines = run.stdout.split('\n').filter((l) => /^[✓✗–] /.test(l));
  expect(lines.map((l) => l.split(':')[0])).toEqual([
    '✓ secret cdn/edgegrid (API client main)',
    '✓ secret cdn/pushgateway-auth (Pushgateway auth)',
    '✓ Akamai client main',
    '✓ Akamai client main',
    `✓ Pushgateway http`,
    `✓ remote write http`,
    `✓ Graphite carbon.acme.test`,
    `✓ Alertmanager config ${amFile}`,
  ]);
  expect(lineOf(run.stdout, 'Akamai client main: eStats')).toContain(
    'answered for cpCode 987654 (1 request',
  );
  expect(lineOf(run.stdout, 'Akamai client main: CP-code listing')).toMatch(
    /answered: \d+ CP codes/,
  );
  expect(lineOf(run.stdout, 'Alertmanager config')).toContain('amtool check-config passes');
  expect(run.stdout).toMatch(/^8 passed, 0 failed, 0 not run$/m);
  expect(akamai.requests.length - before).toBe(2);
  // Read-only: the remote-write request held no sample.
  expect(remoteWrite.accepted).toEqual([]);
  // No secret value in what it prints.
  expect(run.stdout).not.toContain(STANDIN_CLIENT.clientSecret);
  expect(run.stdout).not.toContain('"pw"');
});

it("checks the function's own API client (akamaiSecretName) of a schedule that names none", async () => {
  const file = stageFile();
  writeFileSync(
    file,
    readFileSync(file, 'utf8')
      .replace('functions:\n', 'functions:\n  akamaiSecretName: cdn/edgegrid\n')
      .replaceAll('    client: main\n', '')
      .replace('akamai:\n  clients:\n    main: { secret: cdn/edgegrid }\n', ''),
  );
  const run = await doctor(file);
  expect(run.stderr).toBe('');
  expect(lineOf(run.stdout, 'secret cdn/edgegrid')).toMatch(
    /^✓ secret cdn\/edgegrid \(the default API client, akamaiSecretName\): EdgeGrid credentials/,
  );
  expect(lineOf(run.stdout, 'Akamai client default: eStats')).toMatch(
    /^✓ .*answered for cpCode 987654/,
  );
  expect(run.code).toBe(0);
});

it.each([
  {
    fault: 'a missing secret',
    arrange: () => secrets.secrets.delete('cdn/pushgateway-auth'),
    subject: 'secret cdn/pushgateway-auth',
    says: /can't find the specified secret/,
  },
  {
    fault: 'a secret without a field',
    arrange: () =>
      secrets.secrets.set(
        'cdn/edgegrid',
        JSON.stringify({ ...JSON.parse(edgegrid(STANDIN_CLIENT)), client_secret: undefined }),
      ),
    subject: 'secret cdn/edgegrid',
    says: /missing: client_secret/,
  },
  {
    fault: 'an API client without the CP-code listing grant',
    arrange: () => secrets.secrets.set('cdn/edgegrid', edgegrid(NO_GRANT_CLIENT)),
    subject: 'Akamai client main: CP-code listing',
    says: /403/,
  },
  {
    fault: 'eStats refused for the target',
    arrange: () =>
      akamai.queueBehaviour({
        kind: 'status',
        status: 403,
        problem: {
          type: 'https://problems.luna.akamaiapis.net/edge-diagnostics/forbidden',
          title: 'Forbidden',
          status: 403,
        },
      }),
    subject: 'Akamai client main: eStats',
    says: /403/,
  },
  {
    fault: 'a Pushgateway that does not answer',
    ports: { pushgateway: '1' },
    subject: 'Pushgateway',
    says: /ECONNREFUSED/,
  },
  {
    fault: 'remote write refusing the credentials',
    arrange: () => remoteWrite.failNext(401, 1, 'unauthorized'),
    subject: 'remote write',
    says: /401/,
  },
  {
    fault: 'a Carbon that does not listen',
    ports: { carbon: '1' },
    subject: 'Graphite',
    says: /ECONNREFUSED/,
  },
  {
    fault: 'an Alertmanager config amtool refuses as it is',
    amConfig: `${ALERTMANAGER_CONFIG}  - name: team-email\n`,
    subject: 'Alertmanager config',
    says: /amtool refuses your config as it is, before any merge: .*"team-email" is not unique/,
  },
])('names $fault on its own line, with its fix, and fails', async (fault) => {
  fault.arrange?.();
  const run = await doctor(
    stageFile(fault.ports),
    fault.amConfig ? alertmanagerConfig(fault.amConfig) : undefined,
  );
  expect(run.code).toBe(1);
  const line = lineOf(run.stdout, fault.subject);
  expect(line).toMatch(/^✗ /);
  expect(line).toMatch(fault.says);
  expect(line).toMatch(/\n {4}fix: \S/);
  // Only its check fails (a secret also fails the checks that read it).
  const failed = run.stdout.split('\n').filter((l) => l.startsWith('✗ '));
  expect(failed.length).toBeLessThanOrEqual(fault.subject.startsWith('secret') ? 3 : 1);
  expect(run.stdout).toMatch(/^\d passed, [1-3] failed, 0 not run$/m);
  expect(run.stdout).not.toContain(STANDIN_CLIENT.clientSecret);
});

it("asks the Reporting API once for a traffic schedule's CP code, and names a CP code the account cannot read", async () => {
  const withTraffic = (cpCode: number) => {
    const file = stageFile();
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'links:\n',
        `traffic:\n  - rate: rate(5 minutes)\n    client: main\n    input:\n      name: cdn-traffic\n      targets: [{ cpCode: ${cpCode} }]\nlinks:\n`,
      ),
    );
    return file;
  };
  // A CP code of the stand-in's account.
  const before = akamai.requests.length;
  const ok = await doctor(withTraffic(424299));
  expect(ok.stderr).toBe('');
  expect(
    lineOf(ok.stdout, 'Akamai client main: Reporting API traffic report (schedule cdn-traffic)'),
  ).toMatch(
    /^✓ .*: answered for CP code 424299: \d+ edge hits in the bucket ending \d\d:\d\dZ \(1 request\)$/,
  );
  // The eStats checks' two, and this one.
  expect(akamai.requests.length - before).toBe(3);
  // One the account does not have: Akamai's 403 names it, and the fix says what to do.
  const refused = await doctor(withTraffic(990001));
  expect(
    lineOf(
      refused.stdout,
      'Akamai client main: Reporting API traffic report (schedule cdn-traffic)',
    ),
  ).toMatch(/^✗ .*CP codes not authorized.*990001[\s\S]*fix: .*remove them from the schedule/);
  expect(refused.code).not.toBe(0);
});
