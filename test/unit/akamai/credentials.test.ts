import { forgetSigner, loadSigner } from '../../../src/akamai/credentials';
import { resetSecretsForTests } from '../../../src/aws/secrets';
import { scrubSecrets } from '../../../src/shared/logger';
import { setEnv } from '../../helpers/estatsStack';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../helpers/secretsManagerStandin';

const source = { kind: 'secretsManager', secretId: 'akamai', cacheTtlMs: 60_000 } as const;
const fields = {
  host: 'akab-h.luna.akamaiapis.net',
  client_token: 'akab-ct-123456',
  client_secret: 'cs-secret-123456',
  access_token: 'akab-at-123456',
};

let secretsManager: SecretsManagerStandin;
let restoreEnv: () => void;
beforeAll(async () => {
  secretsManager = await startSecretsManagerStandin();
  restoreEnv = setEnv({
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_ACCESS_KEY_ID: STANDIN_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: STANDIN_AWS.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_REGION: STANDIN_AWS.region,
  });
});
afterAll(async () => {
  restoreEnv();
  await secretsManager.stop();
});
beforeEach(() => {
  secretsManager.secrets.clear();
  secretsManager.calls.length = 0;
  resetSecretsForTests();
});

describe('EdgeGrid credentials from Secrets Manager (SigV4-checking stand-in)', () => {
  it('maps the four .edgerc fields and caches them', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    const first = await loadSigner(source);
    expect(await loadSigner(source)).toBe(first);
    expect(first.origin).toBe(`https://${fields.host}`);
    expect(first.signJsonPost('/x', '{}').headers.Authorization).toContain(
      `client_token=${fields.client_token};access_token=${fields.access_token};`,
    );
    expect(secretsManager.calls).toEqual([{ secretId: 'akamai', status: 200 }]);
  });

  it('reads the secret again after forgetSigner (rotation)', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    await loadSigner(source);
    forgetSigner(source);
    await loadSigner(source);
    expect(secretsManager.calls).toHaveLength(2);
  });

  it('registers every credential for redaction in logs', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    await loadSigner(source);
    expect(scrubSecrets(`a ${fields.client_secret} b ${fields.access_token}`)).toBe(
      'a [REDACTED] b [REDACTED]',
    );
  });

  it.each([
    ['not json', 'secret "akamai" is not JSON'],
    ['[1]', 'secret "akamai" is JSON but not an object'],
    [new Uint8Array([1]), 'secret "akamai" has no SecretString'],
    [
      JSON.stringify({ host: 'h', client_token: '' }),
      'are missing: client_token, client_secret, access_token',
    ],
  ])('refuses %j with a clear message', async (value, message) => {
    secretsManager.secrets.set('akamai', value);
    await expect(loadSigner(source)).rejects.toThrow(message);
  });

  it('explains a missing secret', async () => {
    const error = (await loadSigner(source).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error.message).toBe(
      'cannot read secret "akamai": ResourceNotFoundException: Secrets Manager can\'t find the specified secret.',
    );
    expect(error.hint).toContain('create the secret');
  });

  it('retries through throttling, and explains it when it does not stop', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    secretsManager.throttleNext(2);
    await expect(loadSigner(source)).resolves.toMatchObject({ origin: `https://${fields.host}` });
    expect(secretsManager.calls.map((c) => c.status)).toEqual([400, 400, 200]);

    resetSecretsForTests();
    secretsManager.calls.length = 0;
    secretsManager.throttleNext(5);
    const error = (await loadSigner(source).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error.message).toBe(
      'cannot read secret "akamai": ThrottlingException: Rate exceeded (after 3 attempts)',
    );
    expect(error.hint).toContain('throttl');
    expect(secretsManager.calls).toHaveLength(3);
  });

  it('does not retry access denied, and says which permission is missing', async () => {
    secretsManager.failNext('AccessDeniedException', 400, 'User is not authorized');
    const error = (await loadSigner(source).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error.message).toContain('AccessDeniedException: User is not authorized');
    expect(error.hint).toContain('secretsmanager:GetSecretValue');
    expect(secretsManager.calls).toHaveLength(1);
  });

  it('refuses wrong AWS credentials (the stand-in checks the signature)', async () => {
    const restore = setEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-right-secret-key-00000000000000' });
    try {
      const error = (await loadSigner(source).catch((e: unknown) => e)) as Error & {
        hint?: string;
      };
      expect(error.message).toContain('InvalidSignatureException');
      expect(error.hint).toContain('AWS credentials');
    } finally {
      restore();
    }
  });

  it('says what to do when the environment has no AWS credentials or region', async () => {
    for (const [env, message] of [
      [{ AWS_ACCESS_KEY_ID: undefined }, 'no AWS credentials in the environment'],
      [{ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }, 'no AWS region'],
    ] as const) {
      const restore = setEnv(env);
      try {
        await expect(loadSigner(source)).rejects.toThrow(message);
      } finally {
        restore();
      }
    }
    expect(secretsManager.calls).toHaveLength(0);
  });
});
