import { CollectorError, describeError } from '../shared/errors';
import { TrafficError, type TrafficFailureReason } from '../traffic/errors';
import type { TrafficTarget } from '../traffic/schedule';
import type { FailedGroup } from './pipeline';

/** A CP code that failed, as the run's summary and its error report it. */
export interface TrafficFailure {
  target: string;
  group: string;
  reason: TrafficFailureReason;
  message: string;
}

export function describeTarget(target: TrafficTarget): string {
  return `CP code ${target.cpCode}`;
}

/** Why a CP code failed: its request, or a sink that did not take its group. */
export function failureOf(error: unknown, stage: 'produce' | 'deliver'): TrafficError {
  if (stage === 'deliver')
    return new TrafficError(error instanceof Error ? error.message : String(error), {
      reason: 'push_failed',
      cause: error,
      ...(error instanceof CollectorError && error.hint ? { hint: error.hint } : {}),
    });
  if (error instanceof TrafficError) return error;
  return new TrafficError(describeError(error), { reason: 'internal', cause: error });
}

export function trafficFailure(result: FailedGroup<TrafficTarget>): TrafficFailure {
  const error = failureOf(result.error, result.stage);
  return {
    target: describeTarget(result.item),
    group: result.group,
    reason: error.reason,
    message: describeError(error),
  };
}
