import { connect } from 'node:net';
import type { BackoffPolicy } from '../../shared/backoff';
import type { Deadline } from '../../shared/deadline';
import { retryWithinDeadline } from '../../shared/retry';
import { MIN_PUSH_ATTEMPT_MS } from '../../constants';
import { GraphiteError } from './errors';

export interface CarbonClientOptions {
  host: string;
  /** Carbon's plaintext line receiver: 2003 by default. */
  port: number;
  /** Connect and write must end within this (or the deadline, if sooner). */
  timeoutMs: number;
  /** Attempts on a connection error or timeout, all within the deadline. */
  retry: BackoffPolicy;
}

/**
 * Carbon's plaintext protocol over TCP: a connection, the lines, a close. The protocol has no
 * acknowledgement: a write counts as handed over once the connection closed cleanly. Carbon
 * unreachable or slow is retried with backoff inside the deadline, then fails the write with
 * an error that names it. Sending lines again is harmless: Carbon keeps one value per series
 * and timestamp, and the lines carry the time they were sampled.
 */
export class CarbonClient {
  constructor(private readonly options: CarbonClientOptions) {}

  get name(): string {
    return `${this.options.host}:${this.options.port}`;
  }

  async send(lines: readonly string[], deadline: Deadline): Promise<void> {
    if (lines.length === 0) return;
    const body = `${lines.join('\n')}\n`;
    await retryWithinDeadline<undefined, GraphiteError>({
      policy: this.options.retry,
      deadline,
      attemptTimeoutMs: this.options.timeoutMs,
      minAttemptMs: MIN_PUSH_ATTEMPT_MS,
      attempt: async (_attempt, timeoutMs) => {
        try {
          await this.sendOnce(body, timeoutMs);
          return { ok: true, value: undefined };
        } catch (error) {
          return { ok: false, error: error as GraphiteError, retryable: true };
        }
      },
      noTimeLeft: () =>
        new GraphiteError(`Carbon at ${this.name}: no time left in this invocation to write`, {
          hint: 'raise the function timeout, or look at what took the time before (the run summary)',
        }),
      withNote: (error, note) =>
        new GraphiteError(`${error.message}${note}`, { cause: error.cause, hint: error.hint }),
    });
  }

  private sendOnce(body: string, timeoutMs: number): Promise<void> {
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
