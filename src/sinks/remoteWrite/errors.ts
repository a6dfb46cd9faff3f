import { CollectorError } from '../../shared/errors';

/** A remote write that did not land. `retryable`: whether a later attempt may succeed. */
export class RemoteWriteError extends CollectorError {
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(
    message: string,
    details: { status?: number; retryable: boolean; cause?: unknown; hint?: string },
  ) {
    super(message, { cause: details.cause, hint: details.hint });
    this.name = 'RemoteWriteError';
    this.status = details.status;
    this.retryable = details.retryable;
  }

  /** This error with a note added to its message: a new error (errors are built complete). */
  withNote(note: string): RemoteWriteError {
    return new RemoteWriteError(`${this.message}${note}`, {
      ...(this.status === undefined ? {} : { status: this.status }),
      retryable: this.retryable,
      cause: this.cause,
      ...(this.hint ? { hint: this.hint } : {}),
    });
  }
}
