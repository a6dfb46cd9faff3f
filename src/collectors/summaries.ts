import type { FailureReason } from '../akamai/errors';
import type { RunDelivery } from './runner';

/** What one run did, as its summary log line and its error report it. */
export interface TargetFailure {
  target: string;
  group: string;
  reason: FailureReason;
  message: string;
}

export interface EstatsRunSummary extends RunDelivery {
  schedule: string;
  targets: number;
  ok: number;
  failed: TargetFailure[];
  seriesPushed: number;
  durationSeconds: number;
  /** Groups of targets this schedule dropped, deleted in this run. */
  removedTargets: string[];
  /** Pushgateways that could not be searched for removed groups: the next run does. */
  removalDeferredOn?: string[];
  removalError?: string;
}

export interface SyntheticRunSummary extends RunDelivery {
  fleet: string;
  tickTime: string;
  devices: number;
  ports: number;
  seriesPushed: number;
  failedDevices: Array<{ device: string; message: string }>;
  removedDevices: string[];
  /** Pushgateways that could not be searched for removed groups: the next run does. */
  removalDeferredOn?: string[];
  removalError?: string;
  durationSeconds: number;
}

export interface ScrapeRunSummary extends RunDelivery {
  schedule: string;
  /** The job of its targets' groups. */
  job: string;
  targets: number;
  /** Targets scraped and delivered. */
  up: number;
  /** Targets delivered as `up 0` (no answer, an error status, a malformed body, over the limit). */
  down: Array<{ instance: string; reason: string }>;
  /** Targets not delivered, or not fetched for a reason of ours (a secret, the deadline). */
  failed: Array<{ instance: string; message: string }>;
  seriesPushed: number;
  durationSeconds: number;
  removedTargets: string[];
  removalDeferredOn?: string[];
  removalError?: string;
}
