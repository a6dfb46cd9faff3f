import { connect } from 'node:net';
import type { Deadline } from '../../shared/deadline';
import { GraphiteError } from './errors';

export interface CarbonClientOptions {
  host: string;
  /** Carbon's plaintext line receiver: 2003 by default. */
  port: number;
  /** Connect and write must end within this (or the deadline, if sooner). */
  timeoutMs: number;
}

/**
 * Carbon's plaintext protocol over TCP: a connection, the lines, a close. The protocol has no
 * acknowledgement: a write counts as handed over once the connection closed cleanly. Carbon
 * unreachable or slow fails the write with an error that names it.
 */
export class CarbonClient {
  constructor(private readonly options: CarbonClientOptions) {}

  get name(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  send(lines: readonly string[], deadline: Deadline): Promise<void> {
    if (lines.length === 0) return Promise.resolve();
    const timeoutMs = Math.min(this.options.timeoutMs, deadline.remainingMs());
    const body = `${lines.join('\n')}\n`;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.options.host, port: this.options.port });
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new GraphiteError(
            `Carbon at ${this.name}: no connection or write within ${timeoutMs} ms`,
            {
              hint: 'check that carbon-cache (or a relay) listens there and the network path',
            },
          ),
        );
      }, timeoutMs);
      socket.once('error', (error) => {
        clearTimeout(timer);
        reject(
          new GraphiteError(`Carbon at ${this.name} is unreachable: ${error.message}`, {
            cause: error,
            hint: 'check GRAPHITE_HOST and that carbon-cache (or a relay) listens on its line receiver port',
          }),
        );
      });
      socket.once('close', (hadError) => {
        clearTimeout(timer);
        if (!hadError) resolve();
      });
      socket.end(body);
    });
  }
}
