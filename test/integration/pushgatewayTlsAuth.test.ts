import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { PushgatewayClient } from '../../src/sinks/pushgateway/client';
import { PushError } from '../../src/sinks/pushgateway/errors';
import { RealPushgateway } from '../../dev/realPushgateway';

/**
 * The real Pushgateway behind TLS and basic auth (its --web.config.file), with a certificate
 * from the test CA that this process trusts through NODE_EXTRA_CA_CERTS, as a real CA would be.
 */
const USER = 'collector';
const PASSWORD = 'correct-horse-battery-staple';
let pushgateway: RealPushgateway;

beforeAll(async () => {
  const caDir = process.env.TEST_CA_DIR;
  if (!caDir) throw new Error('TEST_CA_DIR is not set: run the tests with "npm test"');
  const dir = mkdtempSync(join(tmpdir(), 'pgw-web-'));
  const webConfig = join(dir, 'web.yml');
  writeFileSync(
    webConfig,
    [
      'tls_server_config:',
      `  cert_file: ${join(caDir, 'server.pem')}`,
      `  key_file: ${join(caDir, 'server-key.pem')}`,
      'basic_auth_users:',
      `  ${USER}: ${bcrypt.hashSync(PASSWORD, 10)}`,
      '',
    ].join('\n'),
  );
  pushgateway = await RealPushgateway.start([`--web.config.file=${webConfig}`], {
    scheme: 'https',
    authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`,
  });
});
afterAll(() => pushgateway?.stop());

const body = '# TYPE demo gauge\ndemo 1\n';

describe('Pushgateway with TLS and basic auth', () => {
  it('accepts pushes with the right credentials over verified TLS', async () => {
    const client = new PushgatewayClient({
      url: new URL(pushgateway.url),
      auth: { kind: 'basic', username: USER, password: PASSWORD },
    });
    await expect(client.put({ job: 'tls' }, body)).resolves.toMatchObject({ attempts: 1 });
  });

  it.each([
    ['no credentials', undefined],
    ['a wrong password', { kind: 'basic' as const, username: USER, password: 'wrong' }],
  ])('refuses %s with a clear message and no retry', async (_case, auth) => {
    const client = new PushgatewayClient({
      url: new URL(pushgateway.url),
      ...(auth ? { auth } : {}),
    });
    const error = (await client.put({ job: 'tls' }, body).catch((e: unknown) => e)) as PushError;
    expect(error).toBeInstanceOf(PushError);
    expect(error.status).toBe(401);
    expect(error.message).toContain('Pushgateway answered HTTP 401');
    expect(error.hint).toContain('PUSHGATEWAY_USERNAME');
    expect(error.message).not.toContain('after');
  });
});
