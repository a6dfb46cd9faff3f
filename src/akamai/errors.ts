import { CollectorError } from '../shared/errors';

/**
 * Why an eStats request failed. These values become the `reason` label of
 * akamai_estats_failure_info, so the set is closed (bounded cardinality).
 */
export const FAILURE_REASONS = [
  'credentials',
  'auth_signature',
  'auth_inactive_token',
  'auth_denied',
  'clock_skew',
  'forbidden',
  'bad_request',
  'rate_limited',
  'server_error',
  'timeout',
  'network',
  'too_large',
  'malformed_answer',
  'invalid_answer',
  'execution_failed',
  'deadline',
  'push_failed',
  'internal',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export class EstatsError extends CollectorError {
  readonly reason: FailureReason;
  readonly status: number | undefined;

  constructor(
    message: string,
    details: { reason: FailureReason; status?: number; cause?: unknown; hint?: string },
  ) {
    super(message, { cause: details.cause, hint: details.hint });
    this.name = 'EstatsError';
    this.reason = details.reason;
    this.status = details.status;
  }

  /** This error with a note added to its message: a new error (errors are built complete). */
  withNote(note: string): EstatsError {
    return new EstatsError(`${this.message}${note}`, {
      reason: this.reason,
      status: this.status,
      cause: this.cause,
      hint: this.hint,
    });
  }
}
