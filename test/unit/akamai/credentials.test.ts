import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetSigner, loadSigner } from '../../../src/akamai/credentials';
import { resetSecretsForTests } from '../../../src/aws/secrets';
import { deadlineIn, NO_DEADLINE } from '../../../src/shared/deadline';
import { scrubSecrets } from '../../../src/shared/redaction';
import { setEnv } from '../../helpers/env';
import {
  type SecretsManagerStandin,
  STANDIN_AWS,
  startSecretsManagerStandin,
} from '../../../dev/simulators/secretsManager';

const source = { kind: 'secretsManager', secretId: 'akamai', cacheTtlMs: 60_000 } as const;
const fields = {
  host: 'akab-h.luna.akamaiapis.net',
  client_token: 'akab-ct-123456',
  client_secret: 'cs-secret-123456',
  access_token: 'akab-at-123456',
};

/** The AWS SDK's client, with the environment's credentials, against the SigV4-checking stand-in. */
let secretsManager: SecretsManagerStandin;
let restoreEnv: () => void;
beforeAll(async () => {
  secretsManager = await startSecretsManagerStandin();
  restoreEnv = setEnv({
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.endpoint,
    AWS_PROFILE: undefined,
    // No instance metadata service here: without this the SDK's chain waits for it to time out.
    AWS_EC2_METADATA_DISABLED: 'true',
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
    const first = await loadSigner(source, NO_DEADLINE);
    expect(await loadSigner(source, NO_DEADLINE)).toBe(first);
    expect(first.origin).toBe(`https://${fields.host}`);
    expect(first.signJsonPost('/x', '{}').headers.Authorization).toContain(
      `client_token=${fields.client_token};access_token=${fields.access_token};`,
    );
    expect(secretsManager.calls).toEqual([
      { secretId: 'akamai', status: 200, accessKeyId: STANDIN_AWS.accessKeyId },
    ]);
  });

  it('reads the secret again after forgetSigner (rotation)', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    await loadSigner(source, NO_DEADLINE);
    forgetSigner(source);
    await loadSigner(source, NO_DEADLINE);
    expect(secretsManager.calls).toHaveLength(2);
  });

  it('registers every credential for redaction in logs', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    await loadSigner(source, NO_DEADLINE);
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
    await expect(loadSigner(source, NO_DEADLINE)).rejects.toThrow(message);
  });

  it('explains a missing secret', async () => {
    const error = (await loadSigner(source, NO_DEADLINE).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error.message).toMatch(
      /^cannot read secret "akamai": ResourceNotFoundException: Secrets Manager can't find the specified secret\. \(request id [\w-]+\)$/,
    );
    expect(error.hint).toContain('create the secret');
  });

  it('retries through throttling, and explains it when it does not stop', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    secretsManager.throttleNext(2);
    await expect(loadSigner(source, NO_DEADLINE)).resolves.toMatchObject({
      origin: `https://${fields.host}`,
    });
    expect(secretsManager.calls.map((c) => c.status)).toEqual([400, 400, 200]);

    resetSecretsForTests();
    secretsManager.calls.length = 0;
    secretsManager.throttleNext(5);
    const error = (await loadSigner(source, NO_DEADLINE).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error.message).toMatch(
      /^cannot read secret "akamai": ThrottlingException: Rate exceeded \(request id [\w-]+, after 3 attempts\)$/,
    );
    expect(error.hint).toContain('throttl');
    expect(secretsManager.calls).toHaveLength(3);
  });

  it('does not retry access denied, and says which permission is missing', async () => {
    secretsManager.failNext('AccessDeniedException', 400, 'User is not authorized');
    const error = (await loadSigner(source, NO_DEADLINE).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error.message).toContain('AccessDeniedException: User is not authorized');
    expect(error.hint).toContain('secretsmanager:GetSecretValue');
    expect(secretsManager.calls).toHaveLength(1);
  });

  it('refuses wrong AWS credentials (the stand-in checks the signature)', async () => {
    const restore = setEnv({ AWS_SECRET_ACCESS_KEY: 'not-the-right-secret-key-00000000000000' });
    resetSecretsForTests();
    try {
      const error = (await loadSigner(source, NO_DEADLINE).catch((e: unknown) => e)) as Error & {
        hint?: string;
      };
      expect(error.message).toContain('InvalidSignatureException');
      expect(error.hint).toContain('AWS credentials');
    } finally {
      restore();
    }
  });

  it('says what to do when no AWS credentials or region can be found', async () => {
    const emptyHome = mkdtempSync(join(tmpdir(), 'no-aws-'));
    for (const [env, message, hint] of [
      [
        { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
        'CredentialsProviderError',
        'AWS_PROFILE',
      ],
      [{ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined }, 'Region is missing', 'AWS_REGION'],
    ] as const) {
      const restore = setEnv({ ...env, HOME: emptyHome, AWS_SDK_LOAD_CONFIG: undefined });
      resetSecretsForTests();
      try {
        const error = (await loadSigner(source, NO_DEADLINE).catch((e: unknown) => e)) as Error & {
          hint?: string;
        };
        expect(error.message).toContain(message);
        expect(error.hint).toContain(hint);
      } finally {
        restore();
        resetSecretsForTests();
      }
    }
    expect(secretsManager.calls).toHaveLength(0);
  });

  it('ends a read that would outlast the invocation, with a clear message', async () => {
    secretsManager.secrets.set('akamai', JSON.stringify(fields));
    secretsManager.stallNext(1);
    const error = (await loadSigner(source, deadlineIn(300)).catch((e: unknown) => e)) as Error;
    // The budget is what the deadline had left when the read started: at most 300 ms.
    const budget =
      /^cannot read secret "akamai": no answer within (\d+) ms \(the time this invocation had left for it\)$/.exec(
        error.message,
      );
    expect(Number(budget?.[1])).toBeGreaterThan(0);
    expect(Number(budget?.[1])).toBeLessThanOrEqual(300);
    // One request, never answered, and no retry after the deadline ended it.
    expect(secretsManager.calls).toEqual([
      { secretId: 'akamai', status: 0, accessKeyId: STANDIN_AWS.accessKeyId },
    ]);
  });
});
