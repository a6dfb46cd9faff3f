import type { FieldProblem } from './validation';

/**
 * Base class of every error this product raises on purpose. Each carries a `hint`: what the
 * operator should do about it. Handlers log `message` + `hint`; the stack is kept for debugging
 * but is never the only thing a user sees.
 */
export class CollectorError extends Error {
  readonly hint: string | undefined;

  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CollectorError';
    this.hint = options.hint;
  }
}

/** Configuration (env, schedule input, files) is missing or invalid. Never retried. */
export class ConfigurationError extends CollectorError {
  /**
   * Each problem's place within the value that was checked, when known: a file's loader
   * turns them into `file:line:column` (deploy/stage/problems.ts).
   */
  readonly fields: readonly FieldProblem[];

  constructor(
    message: string,
    options: { cause?: unknown; hint?: string; fields?: readonly FieldProblem[] } = {},
  ) {
    super(message, options);
    this.name = 'ConfigurationError';
    this.fields = options.fields ?? [];
  }
}

/** The function ran out of time budget before the work could be done. */
export class DeadlineExceededError extends CollectorError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options);
    this.name = 'DeadlineExceededError';
  }
}

/**
 * A run that failed in part and has already said so in its summary log line (which targets or
 * groups, and why): the handler rethrows it without logging it again.
 */
export class RunReportedError extends CollectorError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options);
    this.name = 'RunReportedError';
  }
}

/** A request that got no HTTP answer: refused, reset, timed out, or the answer was too large. */
export class HttpTransportError extends CollectorError {
  readonly code: 'timeout' | 'network' | 'too_large';

  constructor(message: string, code: HttpTransportError['code'], options?: { cause?: unknown }) {
    super(message, options ?? {});
    this.name = 'HttpTransportError';
    this.code = code;
  }
}

/** Describe any thrown value in one line, for logs and aggregated errors. */
export function describeError(error: unknown): string {
  if (error instanceof CollectorError && error.hint) return `${error.message} (${error.hint})`;
  if (error instanceof Error) return error.message;
  return String(error);
}
