import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { forgetCredentials, loadCredentials } from '../../../src/akamai/credentials';
import { resetSecretsForTests } from '../../../src/aws/secrets';
import { scrubSecrets } from '../../../src/shared/logger';

const secretsManager = mockClient(SecretsManagerClient);
const source = { kind: 'secretsManager', secretId: 'akamai', cacheTtlMs: 60_000 } as const;
const fields = {
  host: 'akab-h.luna.akamaiapis.net',
  client_token: 'akab-ct-123456',
  client_secret: 'cs-secret-123456',
  access_token: 'akab-at-123456',
};

beforeEach(() => {
  secretsManager.reset();
  resetSecretsForTests();
});

describe('EdgeGrid credentials from Secrets Manager', () => {
  it('maps the four .edgerc fields and caches them', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'akamai' })
      .resolves({ SecretString: JSON.stringify(fields) });
    const first = await loadCredentials(source);
    await loadCredentials(source);
    expect(first).toEqual({
      host: fields.host,
      clientToken: fields.client_token,
      clientSecret: fields.client_secret,
      accessToken: fields.access_token,
    });
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('reads the secret again after forgetCredentials (rotation)', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(fields) });
    await loadCredentials(source);
    forgetCredentials(source);
    await loadCredentials(source);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('registers every credential for redaction in logs', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(fields) });
    await loadCredentials(source);
    expect(scrubSecrets(`a ${fields.client_secret} b ${fields.access_token}`)).toBe(
      'a [REDACTED] b [REDACTED]',
    );
  });

  it.each([
    [{ SecretString: 'not json' }, 'secret "akamai" is not JSON'],
    [{ SecretString: '[1]' }, 'secret "akamai" is JSON but not an object'],
    [{ SecretBinary: new Uint8Array([1]) }, 'secret "akamai" has no SecretString'],
    [
      { SecretString: JSON.stringify({ host: 'h', client_token: '' }) },
      'are missing: client_token, client_secret, access_token',
    ],
  ])('refuses %j with a clear message', async (answer, message) => {
    secretsManager.on(GetSecretValueCommand).resolves(answer);
    await expect(loadCredentials(source)).rejects.toThrow(message);
  });

  it('explains a missing secret', async () => {
    const notFound = new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: {},
    });
    secretsManager.on(GetSecretValueCommand).rejects(notFound);
    const error = (await loadCredentials(source).catch((e: unknown) => e)) as Error & {
      hint?: string;
    };
    expect(error.message).toBe(
      'cannot read secret "akamai": ResourceNotFoundException: Secrets Manager can\'t find the specified secret.',
    );
    expect(error.hint).toContain('create the secret');
  });
});
