import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretRegion } from '../shared/arns';
import type { Deadline } from '../shared/deadline';
import { SECRET_READ_TIMEOUT_MS } from '../constants';
import { CollectorError } from '../shared/errors';
import { SecretError, SecretReadTimeoutError } from './errors';
import { redact } from '../shared/redaction';
import { transportAgents } from '../shared/http';

/**
 * The fields of a secret that are credentials (password, bearerToken, client_secret,
 * access_token, a TLS key): only they are scrubbed from logs and errors. A username or host
 * is not, or `collector` would scrub `pushgate-collector` from every line.
 */
const CREDENTIAL_FIELD = /password|secret|token|key/i;

/** How a secret is read: its id, how long a warm container keeps it, the key that encrypts it. */
export interface SecretSettings {
  secretId: string;
  cacheTtlMs: number;
  /** The customer-managed KMS key(s) of the stage (secretsKmsKeyArn), named in hints. */
  kmsKeyArn?: string;
}

interface CacheEntry {
  value: Record<string, unknown>;
  fetchedAt: number;
}

/**
 * Our own cache rather than Powertools Parameters' `getSecret({ maxAge })`: a secret must be
 * dropped at once when Akamai refuses it (rotation), and every read must be bounded by the
 * function's remaining time through an abort signal, which `getSecret` does not take. Warm
 * containers reuse it; it is bounded by the few secret ids configured.
 */
const cache = new Map<string, CacheEntry>();
/** One client per region: a secret given by ARN is read in the ARN's region. */
const clients = new Map<string, SecretsManagerClient>();

/**
 * Read a JSON secret from AWS Secrets Manager with the AWS SDK, cached for `ttlMs` across warm
 * invocations. Region, endpoint and credentials come from the SDK's default chain: Lambda's
 * environment, or locally `AWS_PROFILE` and `~/.aws`, SSO, `credential_process`, web identity,
 * container credentials, IMDS (`AWS_ENDPOINT_URL_SECRETS_MANAGER` points it elsewhere).
 * `shape` turns the JSON object into what the caller uses, or throws saying what is missing:
 * a secret of the wrong shape is never cached, so a fixed one is read at the next run.
 */
export async function getJsonSecret<T = Record<string, unknown>>(
  secretId: string,
  options: {
    ttlMs: number;
    deadline: Deadline;
    now?: () => number;
    /** The stage's KMS key, named when the secret cannot be decrypted. */
    kmsKeyArn?: string;
    /** Where its id is set, named when it does not exist (default: the environment). */
    configuredAt?: string;
    shape?: (value: Record<string, unknown>) => T;
  },
): Promise<T> {
  const now = options.now ?? Date.now;
  const shape = options.shape ?? ((value: Record<string, unknown>) => value as T);
  const cached = cache.get(secretId);
  if (cached && now() - cached.fetchedAt < options.ttlMs) return shape(cached.value);

  let secretString: string | undefined;
  try {
    secretString = await readSecretString(secretId, options.deadline);
  } catch (error) {
    throw new SecretError(
      `cannot read secret ${JSON.stringify(secretId)}: ${awsErrorText(error)}`,
      {
        cause: error,
        hint: secretHint(error, options.kmsKeyArn, options.configuredAt),
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
      hint: 'store a JSON object, see docs/deploy.md ("Credentials")',
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SecretError(`secret ${JSON.stringify(secretId)} is JSON but not an object`, {
      hint: 'store a JSON object, see docs/deploy.md ("Credentials")',
    });
  }
  const record = value as Record<string, unknown>;
  for (const [name, field] of Object.entries(record))
    if (typeof field === 'string' && CREDENTIAL_FIELD.test(name)) redact(field);
  const shaped = shape(record);
  cache.set(secretId, { value: record, fetchedAt: now() });
  return shaped;
}

async function readSecretString(secretId: string, deadline: Deadline): Promise<string | undefined> {
  const budgetMs = Math.min(SECRET_READ_TIMEOUT_MS, deadline.remainingMs());
  if (budgetMs <= 0) throw new SecretReadTimeoutError(0);
  // Loaded at the first read, not with the bundle: only functions with a secret configured pay
  // for the SDK. A plain require: a dynamic import() stays an ESM import in our CommonJS output
  // and costs more at a cold start.
  type SecretsManagerSdk = typeof import('@aws-sdk/client-secrets-manager');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('@aws-sdk/client-secrets-manager') as SecretsManagerSdk;
  // Our transport's agents: the same proxy settings as every other request (shared/http.ts).
  // A secret given by ARN lives in the ARN's region (and maybe another account, which its
  // resource policy opens): the client goes there, whatever region the function runs in.
  const region = secretRegion(secretId);
  let client = clients.get(region ?? '');
  if (!client) {
    client = new sdk.SecretsManagerClient({
      requestHandler: transportAgents(),
      ...(region ? { region } : {}),
    });
    clients.set(region ?? '', client);
  }
  // The signal aborts the request in flight; the timer also ends a wait between the SDK's
  // retries, which the signal does not interrupt.
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new SecretReadTimeoutError(budgetMs));
    }, budgetMs);
  });
  try {
    const answer = await Promise.race([
      client.send(new sdk.GetSecretValueCommand({ SecretId: secretId }), {
        abortSignal: controller.signal,
      }),
      timeout,
    ]);
    return answer.SecretString;
  } finally {
    clearTimeout(timer);
  }
}

/** Forget a cached secret, e.g. after the service refused it (it may have been rotated). */
export function invalidateSecret(secretId: string): void {
  cache.delete(secretId);
}

/** For tests: forget every cached secret and the clients (e.g. after changing the endpoint). */
export function resetSecretsForTests(): void {
  cache.clear();
  for (const client of clients.values()) client.destroy();
  clients.clear();
}

/** An AWS SDK error's metadata: the request id and the attempts it made. */
interface SdkErrorMetadata {
  $metadata?: { requestId?: string; attempts?: number; httpStatusCode?: number };
}

function awsErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error instanceof SecretReadTimeoutError) return error.message;
  const metadata = (error as SdkErrorMetadata).$metadata;
  const details = [
    metadata?.requestId ? `request id ${metadata.requestId}` : '',
    metadata?.attempts && metadata.attempts > 1 ? `after ${metadata.attempts} attempts` : '',
  ].filter(Boolean);
  return `${error.name}: ${error.message}${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
}

/** What to do when KMS refuses: the key (as AWS names it, or as configured) and the setting. */
function kmsHint(error: unknown, kmsKeyArn: string | undefined): string {
  const named =
    error instanceof Error ? /arn:aws[a-z-]*:kms:[^\s"',]+/.exec(error.message)?.[0] : undefined;
  const key = named ?? kmsKeyArn;
  const which = key
    ? `the KMS key ${key}`
    : 'the customer-managed KMS key that encrypts the secret';
  return kmsKeyArn
    ? `the role may kms:Decrypt only ${kmsKeyArn} (the secretsKmsKeyArn setting), through Secrets Manager: check that ${which} is the one that encrypts the secret, and that its key policy lets the account's IAM policies grant it`
    : `grant kms:Decrypt on ${which}: set functions.secretsKmsKeyArn in the stage file to its ARN (arn:aws:kms:…)`;
}

function secretHint(error: unknown, kmsKeyArn?: string, configuredAt = 'the environment'): string {
  if (error instanceof CollectorError && error.hint) return error.hint;
  const name = error instanceof Error ? error.name : '';
  if (name === 'CredentialsProviderError')
    return 'no AWS credentials found: Lambda provides them; locally set AWS_PROFILE (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), run `aws sso login`, or use a .edgerc file instead of a secret';
  if (error instanceof Error && /region is missing/i.test(error.message))
    return 'set AWS_REGION, or a region in the AWS profile (Lambda sets it for you)';
  switch (name) {
    case 'ResourceNotFoundException':
      return `create the secret, or fix the secret id in ${configuredAt} (and the region)`;
    case 'AccessDeniedException':
      // Secrets Manager says AccessDenied for a KMS refusal too ("Access to KMS is not allowed").
      return error instanceof Error && /kms/i.test(error.message)
        ? kmsHint(error, kmsKeyArn)
        : `grant secretsmanager:GetSecretValue on this secret to the function role (the stage file's secret settings name it)${kmsKeyArn ? '' : '; if the secret uses a customer-managed KMS key, also set the secretsKmsKeyArn setting'}`;
    case 'ThrottlingException':
      return 'Secrets Manager kept throttling after retries; the value is cached after the first success, so this passes';
    case 'UnrecognizedClientException':
    case 'InvalidSignatureException':
    case 'ExpiredTokenException':
      return 'the AWS credentials found are not valid for this account or region (check AWS_PROFILE or the AWS_* variables)';
    case 'DecryptionFailure':
    case 'DecryptionFailureException':
      return kmsHint(error, kmsKeyArn);
    default:
      return 'check the secret id, the region and the function role';
  }
}
