import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { resetSecretsForTests } from '../../../../src/aws/secrets';
import { pushgatewaySettingsFromEnv } from '../../../../src/sinks/pushgateway/settings';
import { connectPushgateway } from '../../../../src/sinks/pushgateway/connect';
import { NO_DEADLINE } from '../../../../src/shared/deadline';

const secretsManager = mockClient(SecretsManagerClient);
beforeEach(() => {
  secretsManager.reset();
  resetSecretsForTests();
});

/** The auth the client would send, read back through its private options. */
async function authOf(env: Record<string, string>) {
  const pushgateways = await connectPushgateway(pushgatewaySettingsFromEnv(env), NO_DEADLINE);
  return (
    pushgateways.members[0]?.client as unknown as { options: { auth: { current(): unknown } } }
  ).options.auth.current();
}

describe('Pushgateway settings from the environment', () => {
  it('defaults to a local Pushgateway without auth', async () => {
    expect(await authOf({})).toEqual({ kind: 'none' });
  });

  it('reads a list of Pushgateways and the quorum, each named by its URL', async () => {
    const pushgateways = await connectPushgateway(
      pushgatewaySettingsFromEnv({
        PUSHGATEWAY_URL: 'http://pg-a:9091/, https://pg-b/prefix/',
        PUSHGATEWAY_QUORUM: '2',
      }),
      NO_DEADLINE,
    );
    expect(pushgateways.members.map((m) => m.name)).toEqual([
      'http://pg-a:9091',
      'https://pg-b/prefix',
    ]);
    expect(pushgateways.quorum).toBe(2);
    expect((await connectPushgateway(pushgatewaySettingsFromEnv({}), NO_DEADLINE)).quorum).toBe(1);
  });

  it('reads basic auth and bearer tokens from env', async () => {
    expect(await authOf({ PUSHGATEWAY_USERNAME: 'u', PUSHGATEWAY_PASSWORD: 'p' })).toEqual({
      kind: 'basic',
      username: 'u',
      password: 'p',
    });
    expect(await authOf({ PUSHGATEWAY_BEARER_TOKEN: 't' })).toEqual({ kind: 'bearer', token: 't' });
  });

  it('reads credentials from a Secrets Manager secret', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'pgw' })
      .resolves({ SecretString: JSON.stringify({ username: 'svc', password: 'pw-123456' }) });
    expect(await authOf({ PUSHGATEWAY_AUTH_SECRET_ID: 'pgw' })).toEqual({
      kind: 'basic',
      username: 'svc',
      password: 'pw-123456',
    });
  });

  it.each([
    [{ PUSHGATEWAY_USERNAME: 'u' }, 'password is missing'],
    [
      { PUSHGATEWAY_BEARER_TOKEN: 't', PUSHGATEWAY_USERNAME: 'u' },
      'either a bearer token or a username and password',
    ],
    [
      { PUSHGATEWAY_URL: 'ftp://x' },
      'PUSHGATEWAY_URL="ftp://x" must be an absolute http:// or https:// URL',
    ],
    [
      { PUSHGATEWAY_URL: 'http://u:hunter2@x' },
      'PUSHGATEWAY_URL http://***:***@x/ must not hold credentials',
    ],
    [
      { PUSHGATEWAY_URL: 'http://a, http://u:hunter2@b' },
      'PUSHGATEWAY_URL http://***:***@b/ must not hold credentials',
    ],
    [
      { PUSHGATEWAY_URL: 'http://a,http://a/' },
      'PUSHGATEWAY_URL lists one Pushgateway twice: http://a and http://a/',
    ],
    [
      { PUSHGATEWAY_URL: 'https://PGW.example.net:443/,https://pgw.example.net' },
      'lists one Pushgateway twice: https://PGW.example.net:443/ and https://pgw.example.net',
    ],
    [
      { PUSHGATEWAY_URL: 'http://u:hunter2@a,http://u:hunter2@a/' },
      'lists one Pushgateway twice: http://***:***@a and http://***:***@a/',
    ],
    [{ PUSHGATEWAY_URL: 'http://u:hunter2@a b:1' }, 'PUSHGATEWAY_URL="b:1" must be an absolute'],
    [
      { PUSHGATEWAY_URL: 'htp://u:hunter2@a' },
      'PUSHGATEWAY_URL="htp://***:***@a" must be an absolute http:// or https:// URL',
    ],
    [
      { PUSHGATEWAY_URL: 'http://a,b:9091' },
      'PUSHGATEWAY_URL="b:9091" must be an absolute http:// or https:// URL',
    ],
    [
      { PUSHGATEWAY_URL: 'http://a,http://b', PUSHGATEWAY_QUORUM: '3' },
      'PUSHGATEWAY_QUORUM="3" must be an integer between 1 and 2',
    ],
    [{ PUSHGATEWAY_TIMEOUT_MS: 'soon' }, 'PUSHGATEWAY_TIMEOUT_MS="soon" must be an integer'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => pushgatewaySettingsFromEnv(env)).toThrow(message);
    // Whatever is wrong, the password never appears in the message.
    expect(() => pushgatewaySettingsFromEnv(env)).not.toThrow('hunter2');
  });

  it('reads no secret while reading the settings (that is for connectPushgateway)', () => {
    expect(pushgatewaySettingsFromEnv({ PUSHGATEWAY_AUTH_SECRET_ID: 'pgw' }).auth).toEqual({
      kind: 'secret',
      secretId: 'pgw',
      cacheTtlMs: 300_000,
    });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
