import { CollectorError } from '../shared/errors';

/** A secret that could not be read or is not what we expect. Never retried by the collector. */
export class SecretError extends CollectorError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options);
    this.name = 'SecretError';
  }
}

/** Secrets Manager did not answer within the time the invocation had left. */
export class SecretReadTimeoutError extends CollectorError {
  constructor(budgetMs: number) {
    super(`no answer within ${budgetMs} ms (the time this invocation had left for it)`, {
      hint: 'check network access to Secrets Manager (VPC endpoint or NAT); raise the function timeout if it is short',
    });
    this.name = 'SecretReadTimeoutError';
  }
}
