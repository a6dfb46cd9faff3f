import { type BackoffPolicy, backoffDelayMs } from '../shared/backoff';
import { CollectorError } from '../shared/errors';
import { HttpTransportError, headerValue, httpRequest } from '../shared/http';
import { type AwsCredentials, signV4 } from './sigv4';

/** An error answer of an AWS service: its error type (e.g. `ResourceNotFoundException`). */
export class AwsServiceError extends CollectorError {
  constructor(
    readonly errorType: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AwsServiceError';
  }
}

export interface SecretValue {
  SecretString?: string;
  SecretBinary?: string;
}

/** What the AWS SDK's standard retry mode does: 3 attempts, jittered, for throttling and 5xx. */
const RETRY: BackoffPolicy = { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2_000 };
const ATTEMPT_TIMEOUT_MS = 5_000;
const RETRYABLE_TYPES = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServiceError',
  'ServiceUnavailable',
]);

/**
 * Secrets Manager's GetSecretValue over its JSON 1.1 protocol, signed with SigV4. Reads the
 * same environment as the AWS SDK: AWS_REGION (or AWS_DEFAULT_REGION), the endpoint from
 * AWS_ENDPOINT_URL_SECRETS_MANAGER or AWS_ENDPOINT_URL, and the credentials Lambda puts in
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN. (No profiles or SSO: locally,
 * export credentials into the environment, or use a .edgerc file.)
 */
export async function getSecretValue(
  secretId: string,
  env: NodeJS.ProcessEnv,
  random: () => number = Math.random,
): Promise<SecretValue> {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new CollectorError('no AWS region to find Secrets Manager in', {
      hint: 'set AWS_REGION (Lambda sets it for you)',
    });
  }
  const credentials = credentialsFrom(env);
  const url = new URL(
    env.AWS_ENDPOINT_URL_SECRETS_MANAGER ||
      env.AWS_ENDPOINT_URL ||
      `https://secretsmanager.${region}.amazonaws.com/`,
  );
  const body = JSON.stringify({ SecretId: secretId });

  for (let attempt = 1; ; attempt++) {
    // Signed anew per attempt: the signature carries the time.
    const headers = signV4(
      {
        method: 'POST',
        url,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'secretsmanager.GetSecretValue',
        },
        body,
        region,
        service: 'secretsmanager',
      },
      credentials,
    );
    let failure: Error;
    let retryable: boolean;
    try {
      const answer = await httpRequest({
        method: 'POST',
        url,
        headers,
        body,
        timeoutMs: ATTEMPT_TIMEOUT_MS,
        maxResponseBytes: 1024 * 1024,
      });
      if (answer.status === 200) return parseSecretValue(answer.body);
      const error = serviceError(
        answer.status,
        answer.body,
        headerValue(answer.headers, 'x-amzn-errortype'),
      );
      failure = error;
      retryable = RETRYABLE_TYPES.has(error.errorType) || answer.status >= 500;
    } catch (error) {
      if (!(error instanceof HttpTransportError)) throw error;
      failure = new CollectorError(`Secrets Manager at ${url.origin}: ${error.message}`, {
        cause: error,
        hint: 'check network access to Secrets Manager (VPC endpoint or NAT) and the region',
      });
      retryable = true;
    }
    if (!retryable || attempt >= RETRY.maxAttempts) {
      if (attempt > 1) failure.message += ` (after ${attempt} attempts)`;
      throw failure;
    }
    await new Promise((resolve) => setTimeout(resolve, backoffDelayMs(RETRY, attempt, random)));
  }
}

function credentialsFrom(env: NodeJS.ProcessEnv): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new CollectorError('no AWS credentials in the environment', {
      hint: 'Lambda sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; locally, export them (e.g. eval "$(aws configure export-credentials --format env)") or use a .edgerc file instead of a secret',
    });
  }
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

function parseSecretValue(text: string): SecretValue {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CollectorError('Secrets Manager answered something that is not JSON', {
      hint: 'check AWS_ENDPOINT_URL_SECRETS_MANAGER / AWS_ENDPOINT_URL, if set',
    });
  }
  const { SecretString, SecretBinary } = (parsed ?? {}) as Record<string, unknown>;
  return {
    ...(typeof SecretString === 'string' ? { SecretString } : {}),
    ...(typeof SecretBinary === 'string' ? { SecretBinary } : {}),
  };
}

/**
 * The error type of an AWS JSON-protocol answer: `__type` in the body or the
 * `x-amzn-errortype` header, either possibly namespaced (`com.amazonaws…#Type`) or suffixed
 * (`Type:http://…`).
 */
function serviceError(
  status: number,
  text: string,
  headerType: string | undefined,
): AwsServiceError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const raw = String(body.__type ?? headerType ?? `HTTP${status}`);
  const errorType = raw.split('#').pop()?.split(':')[0] ?? raw;
  const message = String(body.message ?? body.Message ?? `HTTP ${status}`);
  return new AwsServiceError(errorType, status, message);
}
