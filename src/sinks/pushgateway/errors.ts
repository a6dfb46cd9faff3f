import { CollectorError } from '../../shared/errors';

/** A push (or delete) that did not land. `retryable` tells whether retrying later may help. */
export class PushError extends CollectorError {
  readonly group: string;
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(
    message: string,
    details: { group: string; status?: number; retryable: boolean; cause?: unknown; hint?: string },
  ) {
    super(message, { cause: details.cause, hint: details.hint });
    this.name = 'PushError';
    this.group = details.group;
    this.status = details.status;
    this.retryable = details.retryable;
  }

  /** This error with a note added to its message: a new error (errors are built complete). */
  withNote(note: string): PushError {
    return new PushError(`${this.message}${note}`, {
      group: this.group,
      status: this.status,
      retryable: this.retryable,
      cause: this.cause,
      hint: this.hint,
    });
  }
}
