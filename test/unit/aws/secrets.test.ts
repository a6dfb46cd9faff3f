import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { getJsonSecret, invalidateSecret, resetSecretsForTests } from '../../../src/aws/secrets';
import { deadlineIn, NO_DEADLINE } from '../../../src/shared/deadline';
import { scrubSecrets } from '../../../src/shared/redaction';

/** The cache and error handling around the SDK's GetSecretValue, the wire faked. */
const secretsManager = mockClient(SecretsManagerClient);

beforeEach(() => {
  secretsManager.reset();
  resetSecretsForTests();
});

const read = (now = () => 0) => getJsonSecret('pgw', { ttlMs: 60_000, deadline: NO_DEADLINE, now });

describe('JSON secrets through the AWS SDK', () => {
  it('asks for the secret by id, then serves it from the cache until the TTL ends', async () => {
    secretsManager
      .on(GetSecretValueCommand, { SecretId: 'pgw' })
      .resolves({ SecretString: '{"username":"svc","password":"pw-123456"}' });
    let clock = 0;
    expect(await read(() => clock)).toEqual({ username: 'svc', password: 'pw-123456' });
    clock = 59_999;
    await read(() => clock);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    clock = 60_000;
    await read(() => clock);
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('reads again after invalidateSecret (a rotated secret refused by the service)', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"a":"b"}' });
    await read();
    invalidateSecret('pgw');
    await read();
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('registers the credential fields for redaction in logs, not the username', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({
      SecretString: '{"username":"collector","password":"pw\\"q","bearerToken":"tok-1"}',
    });
    await read();
    expect(scrubSecrets('x tok-1 y pw\\"q z')).toBe('x [REDACTED] y [REDACTED] z');
    expect(scrubSecrets('pushgate-collector')).toBe('pushgate-collector');
  });

  it.each([
    [{ SecretString: 'not json' }, 'secret "pgw" is not JSON'],
    [{ SecretString: '[1]' }, 'secret "pgw" is JSON but not an object'],
    [{ SecretBinary: new Uint8Array([1]) }, 'secret "pgw" has no SecretString'],
  ])('refuses %j with a clear message', async (answer, message) => {
    secretsManager.on(GetSecretValueCommand).resolves(answer);
    await expect(read()).rejects.toThrow(message);
  });

  it("puts the service's error, its request id and the attempts in the message", async () => {
    secretsManager.on(GetSecretValueCommand).rejects(
      new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: { requestId: 'req-123', attempts: 1 },
      }),
    );
    const error = (await read().catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).toBe(
      'cannot read secret "pgw": ResourceNotFoundException: Secrets Manager can\'t find the specified secret. (request id req-123)',
    );
    expect(error.hint).toContain('create the secret');
  });

  it('never caches a value its shape refuses', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"user":"svc"}' });
    const shape = (value: Record<string, unknown>) => {
      if (typeof value.username !== 'string') throw new Error('no username');
      return value.username;
    };
    const options = { ttlMs: 60_000, deadline: NO_DEADLINE, shape };
    await expect(getJsonSecret('pgw', options)).rejects.toThrow('no username');
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: '{"username":"svc"}' });
    expect(await getJsonSecret('pgw', options)).toBe('svc');
    expect(await getJsonSecret('pgw', options)).toBe('svc');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  const KEY = 'arn:aws:kms:eu-central-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
  const failure = (name: string, message: string) =>
    Object.assign(new Error(message), { name, $metadata: {} });

  it.each([
    [
      'DecryptionFailure, no key configured',
      failure('DecryptionFailure', "Secrets Manager can't decrypt the protected secret text."),
      undefined,
      'grant kms:Decrypt on the customer-managed KMS key that encrypts the secret: set functions.secretsKmsKeyArn in the stage file to its ARN',
    ],
    [
      'DecryptionFailure with the key configured',
      failure('DecryptionFailure', "Secrets Manager can't decrypt the protected secret text."),
      KEY,
      `the role may kms:Decrypt only ${KEY} (the secretsKmsKeyArn setting), through Secrets Manager`,
    ],
    [
      'AccessDenied from KMS, naming the key',
      failure(
        'AccessDeniedException',
        `User: arn:aws:sts::123456789012:assumed-role/r/f is not authorized to perform: kms:Decrypt on resource: ${KEY}`,
      ),
      undefined,
      `grant kms:Decrypt on the KMS key ${KEY}: set functions.secretsKmsKeyArn in the stage file`,
    ],
    [
      'AccessDenied on the secret itself',
      failure('AccessDeniedException', 'not authorized to perform: secretsmanager:GetSecretValue'),
      undefined,
      "grant secretsmanager:GetSecretValue on this secret to the function role (the stage file's secret settings name it); if the secret uses a customer-managed KMS key, also set the secretsKmsKeyArn setting",
    ],
  ])('says what to do on %s', async (_case, error, kmsKeyArn, hint) => {
    secretsManager.on(GetSecretValueCommand).rejects(error);
    const thrown = (await getJsonSecret('pgw', {
      ttlMs: 0,
      deadline: NO_DEADLINE,
      ...(kmsKeyArn ? { kmsKeyArn } : {}),
    }).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(thrown.hint).toContain(hint);
  });

  it('ends a call that does not answer within the deadline', async () => {
    secretsManager.on(GetSecretValueCommand).callsFake(() => new Promise(() => {}));
    const error = (await getJsonSecret('pgw', {
      ttlMs: 0,
      deadline: { remainingMs: () => 100 },
    }).catch((e: unknown) => e)) as Error & { hint?: string };
    expect(error.message).toBe(
      'cannot read secret "pgw": no answer within 100 ms (the time this invocation had left for it)',
    );
    expect(error.hint).toContain('VPC endpoint');
  });

  it('does not call at all when the deadline has passed', async () => {
    await expect(getJsonSecret('pgw', { ttlMs: 0, deadline: deadlineIn(0) })).rejects.toThrow(
      'no answer within 0 ms',
    );
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });
});
