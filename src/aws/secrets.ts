import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CollectorError } from '../shared/errors';
import { redact } from '../shared/logger';

/** A secret that could not be read or is not what we expect. Never retried by the collector. */
export class SecretError extends CollectorError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options);
    this.name = 'SecretError';
  }
}

interface CacheEntry {
  value: Record<string, unknown>;
  fetchedAt: number;
}

// Warm Lambda containers reuse this cache; it is bounded by the few secret ids configured.
const cache = new Map<string, CacheEntry>();
let client: SecretsManagerClient | undefined;

/**
 * Read a JSON secret from AWS Secrets Manager, cached for `ttlMs` across warm invocations.
 * The endpoint follows the SDK's own settings (AWS_REGION,
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, ...).
 */
export async function getJsonSecret(
  secretId: string,
  options: { ttlMs: number; now?: () => number },
): Promise<Record<string, unknown>> {
  const now = options.now ?? Date.now;
  const cached = cache.get(secretId);
  if (cached && now() - cached.fetchedAt < options.ttlMs) return cached.value;

  // Loaded here, not at module scope: the SDK is the largest part of the bundle and only
  // functions with a secret configured need it. (A lazy require, because a dynamic import()
  // stays an ESM import in our CommonJS output.)
  type SecretsManagerSdk = typeof import('@aws-sdk/client-secrets-manager');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-secrets-manager') as SecretsManagerSdk;
  client ??= new sdk.SecretsManagerClient({});
  let secretString: string | undefined;
  try {
    const answer = await client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }));
    secretString = answer.SecretString;
  } catch (error) {
    throw new SecretError(
      `cannot read secret ${JSON.stringify(secretId)}: ${awsErrorText(error)}`,
      {
        cause: error,
        hint: secretHint(error),
      },
    );
  }
  if (secretString === undefined) {
    throw new SecretError(`secret ${JSON.stringify(secretId)} has no SecretString`, {
      hint: 'store the value as a JSON text secret, not binary',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(secretString);
  } catch {
    throw new SecretError(`secret ${JSON.stringify(secretId)} is not JSON`, {
      hint: 'store a JSON object, see the README ("Credentials")',
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SecretError(`secret ${JSON.stringify(secretId)} is JSON but not an object`, {
      hint: 'store a JSON object, see the README ("Credentials")',
    });
  }
  const record = value as Record<string, unknown>;
  for (const field of Object.values(record)) if (typeof field === 'string') redact(field);
  cache.set(secretId, { value: record, fetchedAt: now() });
  return record;
}

/** Forget a cached secret, e.g. after the service refused it (it may have been rotated). */
export function invalidateSecret(secretId: string): void {
  cache.delete(secretId);
}

/** For tests: forget the cache and the client (e.g. after changing the endpoint). */
export function resetSecretsForTests(): void {
  cache.clear();
  client = undefined;
}

function awsErrorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function secretHint(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'ResourceNotFoundException':
      return 'create the secret, or fix the secret id in the environment (and the region)';
    case 'AccessDeniedException':
      return 'grant secretsmanager:GetSecretValue on this secret to the function role';
    case 'ThrottlingException':
      return 'Secrets Manager throttled the request; the value is cached after the first success, so this passes';
    case 'DecryptionFailure':
      return 'grant kms:Decrypt on the key that encrypts the secret';
    default:
      return 'check the secret id, the region and the function role';
  }
}
