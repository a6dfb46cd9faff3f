import { HttpTransportError } from '../shared/errors';
import {
  DEFAULT_ESTATS_RETRY,
  DEFAULT_ESTATS_TIMEOUT_MS,
  MAX_ESTATS_ANSWER_BYTES,
  MIN_ESTATS_ATTEMPT_MS,
} from '../constants';
import type { BackoffPolicy } from '../shared/backoff';
import type { Deadline } from '../shared/deadline';
import { headerValue, httpRequest } from '../shared/http';
import { refusedAttempt, retryWithinDeadline } from '../shared/retry';
import { describeIssues } from '../shared/validation';
import type { EdgeGridSigner } from './edgegrid';
import type { RateBudget } from './rateBudget';
import { EstatsError, type FailureReason } from './errors';
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
  requestTimeoutMs: DEFAULT_ESTATS_TIMEOUT_MS,
  retry: DEFAULT_ESTATS_RETRY,
  maxResponseBytes: MAX_ESTATS_ANSWER_BYTES,
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
    /** The API client's rate budget: every attempt waits for it and reports its answer to it. */
    budget?: Pick<RateBudget, 'acquire' | 'settle'>;
    /**
     * Asked once the budget let an attempt go: a reason not to send it after all (the
     * credentials were refused while it waited), which becomes its failure.
     */
    cancelled?: () => EstatsError | undefined;
  },
): Promise<EstatsAnswer> {
  const options = request.options ?? DEFAULT_ESTATS_CLIENT_OPTIONS;
  const label = describeTarget(target);
  const body = JSON.stringify(estatsRequestBody(target));
  const query: Record<string, string> = request.accountSwitchKey
    ? { accountSwitchKey: request.accountSwitchKey }
    : {};
  const started = performance.now();

  const { value: answer, attempts } = await retryWithinDeadline<
    { response: EstatsResponse; rateLimitRemaining: number | undefined },
    EstatsError
  >({
    policy: options.retry,
    deadline: request.deadline,
    attemptTimeoutMs: options.requestTimeoutMs,
    minAttemptMs: MIN_ESTATS_ATTEMPT_MS,
    ...(options.random ? { random: options.random } : {}),
    noTimeLeft: () =>
      new EstatsError(`eStats for ${label}: no time left in this invocation for the request`, {
        reason: 'deadline',
        hint: 'raise the function timeout or configure fewer targets per schedule',
      }),
    withNote: (error, note) => error.withNote(note),
    attempt: async (_attempt, timeoutMs) => {
      const { budget } = request;
      const permit = await budget?.acquire(request.deadline, label, MIN_ESTATS_ATTEMPT_MS);
      const cancelled = request.cancelled?.();
      if (cancelled) {
        if (permit) budget?.settle(permit);
        return { ok: false, retryable: false, error: cancelled };
      }
      let answer: Awaited<ReturnType<typeof httpRequest>>;
      try {
        // Sign every attempt anew: the signature carries a timestamp and a single-use nonce.
        const signed = request.signer.signJsonPost(ESTATS_PATH, body, query);
        answer = await httpRequest({
          method: 'POST',
          url: signed.url,
          headers: signed.headers,
          body,
          // The wait for the budget came out of this attempt's time.
          timeoutMs: Math.min(timeoutMs, request.deadline.remainingMs()),
          maxResponseBytes: options.maxResponseBytes,
        });
      } catch (error) {
        if (permit) budget?.settle(permit);
        if (!(error instanceof HttpTransportError)) throw error;
        return {
          ok: false,
          retryable: RETRYABLE_REASONS.has(error.code),
          error: new EstatsError(`eStats for ${label}: ${error.message}`, {
            reason: error.code,
            cause: error,
            hint:
              error.code === 'too_large'
                ? 'the answer is far larger than any real eStats answer; is the host right?'
                : 'check network access to the EdgeGrid host (VPC egress, proxy, DNS)',
          }),
        };
      }
      if (permit) budget?.settle(permit, answer);
      if (answer.status === 200) {
        return {
          ok: true,
          value: {
            response: parseAnswer(answer.body, label),
            rateLimitRemaining: toInteger(headerValue(answer.headers, 'x-ratelimit-remaining')),
          },
        };
      }
      const failure = classifyErrorAnswer(answer.status, answer.body, label);
      const refused = refusedAttempt(
        failure,
        RETRYABLE_REASONS.has(failure.reason),
        answer.headers,
      );
      // A 429 is retried when the budget says so, not after a backoff of its own.
      return budget && failure.reason === 'rate_limited'
        ? { ...refused, pacedElsewhere: true }
        : refused;
    },
  });
  return {
    response: answer.response,
    attempts,
    durationSeconds: (performance.now() - started) / 1000,
    rateLimitRemaining: answer.rateLimitRemaining,
  };
}

/** Failures that a later attempt may not meet: throttling, Akamai's 5xx, the network. */
const RETRYABLE_REASONS: ReadonlySet<FailureReason> = new Set([
  'rate_limited',
  'server_error',
  'timeout',
  'network',
]);

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
