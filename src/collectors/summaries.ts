import type { FailureReason } from '../akamai/errors';

/** What one run did, as its summary log line and its error report it. */
export interface TargetFailure {
  target: string;
  group: string;
  reason: FailureReason;
  message: string;
}

export interface EstatsRunSummary {
  schedule: string;
  targets: number;
  ok: number;
  failed: TargetFailure[];
  seriesPushed: number;
  durationSeconds: number;
  /** Groups of targets this schedule dropped, deleted in this run. */
  removedTargets: string[];
  removalError?: string;
  /** Set when the collector's own health group could not be pushed. */
  healthPushError?: string;
}

export interface SyntheticRunSummary {
  fleet: string;
  tickTime: string;
  devices: number;
  ports: number;
  seriesPushed: number;
  failedDevices: Array<{ device: string; message: string }>;
  removedDevices: string[];
  removalError?: string;
  healthPushError?: string;
  durationSeconds: number;
}
