import { RunReportedError } from '../shared/errors';
import type { RunDelivery } from './runner';
import type { EstatsRunSummary, ScrapeRunSummary, SyntheticRunSummary } from './summaries';

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

/** Thrown by the handler when any target failed, so Lambda's retry / on-failure destination sees it. */
export class EstatsRunError extends RunReportedError {
  readonly summary: EstatsRunSummary;

  constructor(summary: EstatsRunSummary) {
    const problems = [
      ...summary.failed.map((f) => `${f.target} [${f.reason}]: ${f.message}`),
      ...runProblems(summary, 'groups of removed targets'),
    ];
    super(
      `eStats run "${summary.schedule}": ${summary.failed.length} of ${summary.targets} targets failed; ${problems.join('; ')}`,
      {
        hint: 'the other targets were pushed; see the log lines of each failed target',
      },
    );
    this.name = 'EstatsRunError';
    this.summary = summary;
  }
}

export class SyntheticRunError extends RunReportedError {
  readonly summary: SyntheticRunSummary;

  constructor(summary: SyntheticRunSummary) {
    const problems = [
      ...summary.failedDevices.map((f) => `${f.device}: ${f.message}`),
      ...runProblems(summary, 'removed devices'),
    ];
    super(
      `synthetic run of fleet "${summary.fleet}" at ${summary.tickTime}: ${problems.join('; ')}`,
      {
        hint: 'each device group is pushed whole or not at all; a retry of the same tick pushes identical values',
      },
    );
    this.name = 'SyntheticRunError';
    this.summary = summary;
  }
}

export class ScrapeRunError extends RunReportedError {
  readonly summary: ScrapeRunSummary;

  constructor(summary: ScrapeRunSummary) {
    const problems = [
      ...summary.failed.map((f) => `${f.instance}: ${f.message}`),
      ...runProblems(summary, 'groups of removed targets'),
    ];
    super(
      `scrape run "${summary.schedule}" (job ${summary.job}): ${summary.failed.length} of ${summary.targets} targets failed; ${problems.join('; ')}`,
      {
        hint: 'every other target was delivered (targets that are down hold up 0); see the log lines of each failed target',
      },
    );
    this.name = 'ScrapeRunError';
    this.summary = summary;
  }
}
