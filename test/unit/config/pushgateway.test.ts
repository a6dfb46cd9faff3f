import { resetSecretsForTests } from '../../../src/aws/secrets';
import { pushgatewayFromEnv } from '../../../src/config/pushgateway';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../helpers/secretsManagerStandin';

let secretsManager: SecretsManagerStandin;
beforeAll(async () => {
  secretsManager = await startSecretsManagerStandin();
});
afterAll(() => secretsManager.stop());
beforeEach(() => {
  secretsManager.secrets.clear();
  resetSecretsForTests();
});

/** The auth the client would send, read back through its private options. */
async function authOf(env: Record<string, string>) {
  const client = await pushgatewayFromEnv(env);
  return (client as unknown as { options: { auth: unknown } }).options.auth;
}

describe('Pushgateway settings from the environment', () => {
  it('defaults to a local Pushgateway without auth', async () => {
    expect(await authOf({})).toEqual({ kind: 'none' });
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
    secretsManager.secrets.set('pgw', JSON.stringify({ username: 'svc', password: 'pw-123456' }));
    expect(
      await authOf({
        PUSHGATEWAY_AUTH_SECRET_ID: 'pgw',
        // The env given to pushgatewayFromEnv is the one the Secrets Manager client reads.
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
        AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
        AWS_SESSION_TOKEN: 'a-session-token-that-is-signed-too',
        AWS_REGION: STANDIN_AWS.region,
      }),
    ).toEqual({
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
    [{ PUSHGATEWAY_URL: 'http://u:p@x' }, 'PUSHGATEWAY_URL must not hold credentials'],
    [{ PUSHGATEWAY_TIMEOUT_MS: 'soon' }, 'PUSHGATEWAY_TIMEOUT_MS="soon" must be an integer'],
  ])('refuses %j, naming the variable', async (env, message) => {
    await expect(pushgatewayFromEnv(env)).rejects.toThrow(message);
  });
});
