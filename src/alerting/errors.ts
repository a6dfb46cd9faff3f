import { CollectorError } from '../shared/errors';

/** The rendered alerting files could not be exported. */
export class ExportError extends CollectorError {
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, options);
    this.name = 'ExportError';
  }
}
