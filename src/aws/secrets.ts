import { CollectorError } from '../shared/errors';
import { AwsServiceError, getSecretValue } from './secretsManager';
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

/**
 * Read a JSON secret from AWS Secrets Manager, cached for `ttlMs` across warm invocations.
 * Region, endpoint and credentials come from the environment as the AWS SDK reads them
 * (src/aws/secretsManager.ts).
 */
export async function getJsonSecret(
  secretId: string,
  options: { ttlMs: number; now?: () => number; env?: NodeJS.ProcessEnv },
): Promise<Record<string, unknown>> {
  const now = options.now ?? Date.now;
  const cached = cache.get(secretId);
  if (cached && now() - cached.fetchedAt < options.ttlMs) return cached.value;

  let secretString: string | undefined;
  try {
    secretString = (await getSecretValue(secretId, options.env ?? process.env)).SecretString;
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

/** For tests: forget every cached secret. */
export function resetSecretsForTests(): void {
  cache.clear();
}

function awsErrorText(error: unknown): string {
  if (error instanceof AwsServiceError) return `${error.errorType}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function secretHint(error: unknown): string {
  if (error instanceof CollectorError && error.hint) return error.hint;
  const name = error instanceof AwsServiceError ? error.errorType : '';
  switch (name) {
    case 'ResourceNotFoundException':
      return 'create the secret, or fix the secret id in the environment (and the region)';
    case 'AccessDeniedException':
      return 'grant secretsmanager:GetSecretValue on this secret to the function role';
    case 'ThrottlingException':
      return 'Secrets Manager kept throttling after retries; the value is cached after the first success, so this passes';
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return 'the AWS credentials in the environment are not valid for this region (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)';
    case 'DecryptionFailure':
      return 'grant kms:Decrypt on the key that encrypts the secret';
    default:
      return 'check the secret id, the region and the function role';
  }
}
