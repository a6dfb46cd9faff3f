import type { Context } from 'aws-lambda';
import { localLambdaContext } from '../../dev/local/lambdaContext';

/** A Lambda context whose remaining time runs down from `timeoutMs` like the real one. */
export function lambdaContext(timeoutMs = 60_000, name = 'estats'): Context {
  return localLambdaContext(name, timeoutMs);
}
