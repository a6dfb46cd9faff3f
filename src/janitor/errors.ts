import { RunReportedError } from '../shared/errors';
import type { JanitorSummary } from './janitor';

/** A janitor run that could not read every Pushgateway, delete every expired group, or report on itself. */
export class JanitorRunError extends RunReportedError {
  readonly summary: JanitorSummary;

  constructor(summary: JanitorSummary) {
    const problems = [
      ...(summary.unlisted ?? []).map(
        (u) => `group list of ${u.pushgateway} not read: ${u.message}`,
      ),
      ...summary.failed.map(
        (f) => `${f.group}${f.pushgateway ? ` on ${f.pushgateway}` : ''}: ${f.message}`,
      ),
    ];
    if (summary.healthPushError)
      problems.push(`janitor report not pushed: ${summary.healthPushError}`);
    super(
      `janitor run (stage ${summary.stage}): ${summary.failed.length} of ${summary.deleted.length + summary.failed.length} expired groups not deleted; ${problems.join('; ')}`,
      { hint: 'the next run tries again; see the log lines of each group' },
    );
    this.name = 'JanitorRunError';
    this.summary = summary;
  }
}
