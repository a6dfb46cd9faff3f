import { type BackoffPolicy, backoffDelayMs, parseRetryAfterMs } from '../shared/backoff';
import type { Deadline } from '../shared/deadline';
import { HttpTransportError, headerValue, httpRequest } from '../shared/http';
import { describeIssues } from '../shared/validation';
import type { EdgeGridSigner } from './edgegrid';
import { EstatsError } from './errors';
import { type EstatsResponse, estatsResponseSchema } from './estatsSchema';
import { classifyErrorAnswer } from './problems';
import { describeTarget, type EstatsTarget, estatsRequestBody } from './targets';

export const ESTATS_PATH = '/edge-diagnostics/v1/estats';

export interface EstatsClientOptions {
  /** Timeout of one HTTP attempt; eStats answers synchronously in a few seconds. */
  requestTimeoutMs: number;
  retry: BackoffPolicy;
  /** Largest answer we read; a real answer is a few KB. */
  maxResponseBytes: number;
  random?: () => number;
}

export const DEFAULT_ESTATS_CLIENT_OPTIONS: EstatsClientOptions = {
  requestTimeoutMs: 30_000,
  retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 },
  maxResponseBytes: 2 * 1024 * 1024,
};

export interface EstatsAnswer {
  response: EstatsResponse;
  attempts: number;
  durationSeconds: number;
  /** X-RateLimit-Remaining of the last answer, when Akamai sent it. */
  rateLimitRemaining: number | undefined;
}

/**
 * One eStats call for one target: sign, send, retry what is transient (network, 5xx, 429 with
 * its Retry-After) inside the deadline, validate the answer. Every failure is an EstatsError
 * with a reason and a hint.
 */
export async function fetchEstats(
  target: EstatsTarget,
  request: {
    signer: EdgeGridSigner;
    accountSwitchKey?: string;
    deadline: Deadline;
    options?: EstatsClientOptions;
  },
): Promise<EstatsAnswer> {
  const options = request.options ?? DEFAULT_ESTATS_CLIENT_OPTIONS;
  const label = describeTarget(target);
  const body = JSON.stringify(estatsRequestBody(target));
  const query: Record<string, string> = request.accountSwitchKey
    ? { accountSwitchKey: request.accountSwitchKey }
    : {};
  const started = performance.now();

  for (let attempt = 1; ; attempt++) {
    const timeoutMs = Math.min(options.requestTimeoutMs, request.deadline.remainingMs());
    if (timeoutMs < 1_000) {
      throw new EstatsError(
        `eStats for ${label}: no time left in this invocation for the request`,
        {
          reason: 'deadline',
          hint: 'raise the function timeout or configure fewer targets per schedule',
        },
      );
    }
    // Sign every attempt anew: the signature carries a timestamp and a single-use nonce.
    const signed = request.signer.signJsonPost(ESTATS_PATH, body, query);
    let failure: EstatsError;
    let retryAfterMs: number | undefined;
    try {
      const answer = await httpRequest({
        method: 'POST',
        url: signed.url,
        headers: signed.headers,
        body,
        timeoutMs,
        maxResponseBytes: options.maxResponseBytes,
      });
      if (answer.status === 200) {
        return {
          response: parseAnswer(answer.body, label),
          attempts: attempt,
          durationSeconds: (performance.now() - started) / 1000,
          rateLimitRemaining: toInteger(headerValue(answer.headers, 'x-ratelimit-remaining')),
        };
      }
      failure = classifyErrorAnswer(answer.status, answer.body, label);
      retryAfterMs = parseRetryAfterMs(headerValue(answer.headers, 'retry-after'));
    } catch (error) {
      if (error instanceof EstatsError) throw error;
      if (!(error instanceof HttpTransportError)) throw error;
      failure = new EstatsError(`eStats for ${label}: ${error.message}`, {
        reason: error.code,
        cause: error,
        hint:
          error.code === 'too_large'
            ? 'the answer is far larger than any real eStats answer; is the host right?'
            : 'check network access to the EdgeGrid host (VPC egress, proxy, DNS)',
      });
    }

    const retryable =
      failure.reason === 'rate_limited' ||
      failure.reason === 'server_error' ||
      failure.reason === 'timeout' ||
      failure.reason === 'network';
    if (!retryable || attempt >= options.retry.maxAttempts) {
      if (attempt > 1) failure.message += ` (after ${attempt} attempts)`;
      throw failure;
    }
    const delayMs = Math.max(
      retryAfterMs ?? 0,
      backoffDelayMs(options.retry, attempt, options.random),
    );
    if (delayMs + 1_000 >= request.deadline.remainingMs()) {
      failure.message += ` (not retried: waiting ${Math.ceil(delayMs / 1000)} s would pass the function's deadline)`;
      throw failure;
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

function parseAnswer(body: string, label: string): EstatsResponse {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new EstatsError(
      `eStats for ${label}: answer is not JSON (starts with ${JSON.stringify(body.slice(0, 80))})`,
      {
        reason: 'malformed_answer',
        hint: 'a proxy or captive portal may be answering instead of Akamai',
      },
    );
  }
  const parsed = estatsResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new EstatsError(
      `eStats for ${label}: unexpected answer: ${describeIssues(parsed.error)}`,
      {
        reason: 'invalid_answer',
        hint: 'the eStats API changed or answered something else; nothing was pushed for this target',
      },
    );
  }
  if (parsed.data.executionStatus && parsed.data.executionStatus !== 'SUCCESS') {
    throw new EstatsError(
      `eStats for ${label}: executionStatus is ${JSON.stringify(parsed.data.executionStatus)}`,
      {
        reason: 'execution_failed',
        hint: 'Akamai could not compute the statistics; the next run will try again',
      },
    );
  }
  return parsed.data;
}

function toInteger(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}
