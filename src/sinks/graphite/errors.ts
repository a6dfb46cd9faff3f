import { CollectorError } from '../../shared/errors';

/** Lines that could not be handed to Carbon. */
export class GraphiteError extends CollectorError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options);
    this.name = 'GraphiteError';
  }
}
