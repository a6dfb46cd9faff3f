import { refusesCredentials } from '../shared/httpAuth';
import { HttpTransportError } from '../shared/errors';
import { PushError } from './pushgateway/errors';
import { RemoteWriteError } from './remoteWrite/errors';

/**
 * A sink refused the group's body as such, not the request: sending it again cannot help.
 * The Pushgateway's 400 (a name another group gives another type, or not parseable); a
 * remote-write receiver's 4xx other than refused credentials and 429 (the spec: the data
 * itself is refused). A target whose group is refused is down for the reason given, not a
 * failure of the run: its failure series go in its place.
 */
export function refusesGroup(error: unknown): boolean {
  if (error instanceof PushError) return error.status === 400;
  if (error instanceof RemoteWriteError)
    return (
      error.status !== undefined &&
      error.status >= 400 &&
      error.status < 500 &&
      !error.retryable &&
      !refusesCredentials(error.status)
    );
  return false;
}

/**
 * The sink could not be reached or did not answer in time (no HTTP answer at all, after its
 * retries). It then took nothing, so it still holds the group's previous values, with their
 * push time; a failure series would cost the same wait and most likely fail the same way.
 */
export function sinkUnreachable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 8; depth++) {
    if (cause instanceof HttpTransportError) return cause.code !== 'too_large';
    cause = cause.cause;
  }
  return false;
}
