import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { resetSecretsForTests } from '../../src/aws/secrets';
import { CollectorRunError } from '../../src/collectors/errors';
import type { EstatsRunSummary } from '../../src/collectors/estats';
import { handler as estatsHandler } from '../../src/handlers/estats';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { type RemoteWriteStandin, startRemoteWriteStandin } from '../../dev/simulators/remoteWrite';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../dev/simulators/secretsManager';
import { RealPushgateway } from '../../dev/realPushgateway';
import { captureStdout, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * The sinks' credentials as they live in production: in Secrets Manager (its stand-in, SigV4
 * checked), cached across warm runs, rotated under a running container. The real Pushgateway
 * checks basic auth from its web config, which it reads again at every request, so a rotation
 * takes effect the moment the file changes, as it would behind a real proxy or gateway.
 */
const READER = { user: 'reader', password: 'reader-password-for-tests' };
const OLD_PASSWORD = 'old-collector-password-1';
const NEW_PASSWORD = 'new-collector-password-2';

let pushgateway: RealPushgateway;
let webConfig: string;
let remoteWrite: RemoteWriteStandin;
let secretsManager: SecretsManagerStandin;
let akamai: EstatsSimulator;
let edgercPath: string;

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The Pushgateway's users: the test's reader, and the collector with `password`. */
function writeWebConfig(password: string): void {
  writeFileSync(
    webConfig,
    [
      'basic_auth_users:',
      `  ${READER.user}: ${bcrypt.hashSync(READER.password, 4)}`,
      `  collector: ${bcrypt.hashSync(password, 4)}`,
      '',
    ].join('\n'),
  );
}

beforeAll(async () => {
  webConfig = join(mkdtempSync(join(tmpdir(), 'pgw-rotation-')), 'web.yml');
  writeWebConfig(OLD_PASSWORD);
  pushgateway = await RealPushgateway.start([`--web.config.file=${webConfig}`], {
    authorization: basic(READER.user, READER.password),
  });
  remoteWrite = await startRemoteWriteStandin({ authorization: basic('collector', OLD_PASSWORD) });
  secretsManager = await startSecretsManagerStandin();
  ({ akamai, edgercPath } = await startAkamaiStandin());
});
afterAll(async () => {
  await pushgateway?.stop();
  await remoteWrite?.stop();
  await secretsManager?.stop();
  await akamai?.stop();
});
beforeEach(async () => {
  resetSecretsForTests();
  secretsManager.calls.length = 0;
  secretsManager.secrets.clear();
  remoteWrite.requests.length = 0;
  writeWebConfig(OLD_PASSWORD);
  remoteWrite.requireAuthorization(basic('collector', OLD_PASSWORD));
  await pushgateway.wipe();
});

const env = (sinks: string) => ({
  HOME: mkdtempSync(join(tmpdir(), 'sink-home-')),
  AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: STANDIN_AWS.region,
  AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
  SINKS: sinks,
  PUSHGATEWAY_URL: pushgateway.url,
  PUSHGATEWAY_AUTH_SECRET_ID: 'pgw-auth',
  PUSHGATEWAY_MAX_ATTEMPTS: '1',
  REMOTE_WRITE_URL: remoteWrite.url,
  REMOTE_WRITE_AUTH_SECRET_ID: 'rw-auth',
  REMOTE_WRITE_MAX_ATTEMPTS: '1',
  AKAMAI_EDGERC: edgercPath,
  AKAMAI_EDGERC_SECTION: 'standin',
  AKAMAI_SECRET_ID: undefined,
  ESTATS_MIN_INTERVAL_MS: '0',
  LOG_LEVEL: 'info',
});

const run = (sinks: string, cpCode: number) =>
  withEnv(env(sinks), () =>
    captureStdout(
      () =>
        estatsHandler(
          { name: 'rotation', targets: [{ cpCode }] },
          lambdaContext(),
        ) as Promise<EstatsRunSummary>,
    ),
  );

const reads = (secretId: string) =>
  secretsManager.calls.filter((c) => c.secretId === secretId).map((c) => c.status);

function storeSecrets(password: string): void {
  const value = JSON.stringify({ username: 'collector', password });
  secretsManager.secrets.set('pgw-auth', value);
  secretsManager.secrets.set('rw-auth', value);
}

it('reads a rotated Pushgateway and remote-write password again once, in a warm container, and delivers', async () => {
  storeSecrets(OLD_PASSWORD);
  const first = await run('pushgateway,remote-write', 41);
  expect(first.error).toBeUndefined();
  expect([reads('pgw-auth'), reads('rw-auth')]).toEqual([[200], [200]]);

  // Rotation: the receivers take only the new password, and the secrets hold it.
  writeWebConfig(NEW_PASSWORD);
  remoteWrite.requireAuthorization(basic('collector', NEW_PASSWORD));
  storeSecrets(NEW_PASSWORD);
  const rotated = await run('pushgateway,remote-write', 42);
  expect(rotated.error).toBeUndefined();
  expect(rotated.result?.sinks).toEqual([
    { sink: 'pushgateway', failedGroups: 0 },
    { sink: 'remote-write', failedGroups: 0 },
  ]);
  // Still cached from the first run, refused, read again once each however many groups.
  expect([reads('pgw-auth'), reads('rw-auth')]).toEqual([
    [200, 200],
    [200, 200],
  ]);
  // The target's group was refused once; the health group after it went with the new one.
  expect(remoteWrite.requests.map((r) => r.status)).toEqual([200, 200, 401, 200, 200]);
  expect(await pushgateway.group({ job: 'akamai_estats', cp_code: '42' })).toBeDefined();
  // Each recovery is logged at info, naming the secret, never its value.
  const recovered = rotated.lines
    .map((line) => JSON.parse(line) as { level: string; message: string; secret?: string })
    .filter((line) => line.message.includes('read again, the secret had changed'));
  expect(recovered.map((line) => [line.level, line.secret]).sort()).toEqual([
    ['info', 'pgw-auth'],
    ['info', 'rw-auth'],
  ]);
  expect(rotated.lines.join('\n')).not.toContain(NEW_PASSWORD);
  // Rotated for good: the next run sends the new password at once.
  remoteWrite.requests.length = 0;
  expect((await run('pushgateway,remote-write', 43)).error).toBeUndefined();
  expect(remoteWrite.requests.map((r) => r.status)).toEqual([200, 200]);
});

it('fails with the receiver named when the secret still holds a refused password, reading it once more only', async () => {
  storeSecrets('a-password-nobody-accepts');
  const { error } = await run('remote-write', 44);
  expect(error).toBeInstanceOf(CollectorRunError);
  expect((error as Error).message).toContain('answered HTTP 401');
  expect(reads('rw-auth')).toEqual([200, 200]);
  expect(remoteWrite.requests.every((r) => r.status === 401)).toBe(true);
});

it('never caches a secret of the wrong shape: the fixed one is read at the next run', async () => {
  secretsManager.secrets.set('rw-auth', JSON.stringify({ user: 'collector', pass: OLD_PASSWORD }));
  const broken = await run('remote-write', 45);
  expect(broken.error).toBeInstanceOf(Error);
  expect((broken.error as Error).message).toContain(
    'remote write auth in secret "rw-auth": holds neither "bearerToken" nor "username" and "password"',
  );
  storeSecrets(OLD_PASSWORD);
  const fixed = await run('remote-write', 45);
  expect(fixed.error).toBeUndefined();
  expect(reads('rw-auth')).toEqual([200, 200]);
});

it('lets a sink whose secret cannot be read fail alone: the other sink takes every group', async () => {
  secretsManager.secrets.set(
    'rw-auth',
    JSON.stringify({ username: 'collector', password: OLD_PASSWORD }),
  );
  // No pgw-auth secret: Secrets Manager answers ResourceNotFoundException.
  const { error } = await run('pushgateway,remote-write', 46);
  expect(error).toBeInstanceOf(CollectorRunError);
  const summary = (error as CollectorRunError<EstatsRunSummary>).summary;
  expect(summary.sinks).toEqual([
    {
      sink: 'pushgateway',
      // The target's group (the summary is taken before the health group goes).
      failedGroups: 1,
      error: expect.stringContaining(
        'pushgateway could not be connected: cannot read secret "pgw-auth": ResourceNotFoundException',
      ),
    },
    { sink: 'remote-write', failedGroups: 0 },
  ]);
  // The target's group and the run's health both reached remote write.
  expect(remoteWrite.requests.map((r) => r.status)).toEqual([200, 200]);
  expect(remoteWrite.accepted.some((s) => s.labels.some((l) => l.value === '46'))).toBe(true);
});
