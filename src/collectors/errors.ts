import { RunReportedError } from '../shared/errors';
import type { RunDelivery } from './runner';

/**
 * Whether a run left something undone: a target or device, a deletion, the quorum, its own
 * health group. The handler then throws, so Lambda's retry and on-failure destination see it.
 */
export function runFailed(
  failures: number,
  summary: RunDelivery & { removalError?: string },
): boolean {
  return (
    failures > 0 ||
    Boolean(summary.removalError || summary.deliveryError || summary.healthPushError)
  );
}

/** How a collector tells one run: its summary line, and what it left undone. */
export interface RunReport {
  /** The fields of the summary log line. */
  fields: Record<string, unknown>;
  /** What the run is, in the error: `eStats run "cdn": 2 of 40 targets failed`. */
  headline: string;
  /** One line per item that failed: `cpCode 1 [timeout]: …`. */
  failures: string[];
  /** What the removal deletes, in the error: "groups of removed targets". */
  removed: string;
  /** What the other items got, and what to do. */
  hint: string;
  delivery: RunDelivery & { removalError?: string };
}

/**
 * What a run left undone besides its groups: the deletion of removed groups (`removed` names
 * them), the quorum, its own health group.
 */
function runProblems(summary: RunDelivery & { removalError?: string }, removed: string): string[] {
  const problems: string[] = [];
  if (summary.removalError) problems.push(`${removed} not deleted: ${summary.removalError}`);
  if (summary.deliveryError) problems.push(summary.deliveryError);
  if (summary.healthPushError)
    problems.push(`collector health group not pushed: ${summary.healthPushError}`);
  return problems;
}

/**
 * Thrown by a collector's function when its run left anything undone, so Lambda's retry and
 * on-failure destination see it. The run already logged its summary: the message says what
 * failed, never a value of a secret.
 */
export class CollectorRunError<S = unknown> extends RunReportedError {
  /** The collector's function: estats, synthetic, scrape. */
  readonly collector: string;
  readonly summary: S;

  constructor(collector: string, report: RunReport, summary: S) {
    const problems = [...report.failures, ...runProblems(report.delivery, report.removed)];
    super(`${report.headline}; ${problems.join('; ')}`, { hint: report.hint });
    this.name = 'CollectorRunError';
    this.collector = collector;
    this.summary = summary;
  }
}
