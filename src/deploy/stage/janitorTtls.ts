import { formatDuration, parseDuration } from '../../alerting/duration';
import type { FileProblems } from '../../config/fileProblems';
import type { JanitorPolicy } from '../../janitor/policy';
import { intervalSeconds } from '../scheduleExpressions';
import { STAGE_COLLECTORS, type StageSchedules } from './collectors';

/**
 * How many staleness windows a group outlives its last push by, at least: its stale alert
 * fires after one (alerting.collectors.staleAfterIntervals intervals of its schedule), and the
 * group stays as long again, so deleting it never hides an outage nobody has seen.
 */
const TTL_STALENESS_WINDOWS = 2;

/**
 * Refuse a janitor TTL shorter than its job's slowest enabled schedule allows: the janitor
 * would delete groups that are still collected, between two runs of their schedule, or before
 * their stale alert fired. Names the schedule and the smallest TTL that fits.
 */
export function checkJanitorTtls(
  ttl: JanitorPolicy['ttl'],
  config: StageSchedules,
  staleAfterIntervals: number,
  /** The TTLs the stage file gave (the others are defaults). */
  given: Readonly<Record<string, unknown>>,
  problems: FileProblems,
): void {
  for (const collector of STAGE_COLLECTORS) {
    const value = ttl[collector.job as keyof JanitorPolicy['ttl']];
    const seconds = value === undefined ? undefined : parseDuration(value);
    if (value === undefined || seconds === undefined) continue;
    const slowest = collector
      .schedulesOf(config)
      .filter((s) => s.enabled)
      .map((s) => ({ name: s.name, interval: intervalSeconds(s.rate).longest }))
      .sort((a, b) => b.interval - a.interval)[0];
    if (!slowest) continue;
    const smallest = TTL_STALENESS_WINDOWS * staleAfterIntervals * slowest.interval;
    if (seconds >= smallest) continue;
    const intervals = TTL_STALENESS_WINDOWS * staleAfterIntervals;
    problems.add(
      ['janitor', 'ttl', ...(collector.job in given ? [collector.job] : [])],
      `the TTL of ${collector.job}${collector.job in given ? '' : ' (the default)'}, ${value}, is shorter than ${intervals} intervals of its slowest ${collector.what}, "${slowest.name}" (every ${formatDuration(slowest.interval)}): the janitor would delete groups still collected, and hide an outage before its stale alert was seen`,
      `give "${collector.job}: ${formatDuration(smallest)}" or more (${TTL_STALENESS_WINDOWS} × alerting.collectors.staleAfterIntervals ${staleAfterIntervals} × ${formatDuration(slowest.interval)}), or run "${slowest.name}" more often`,
    );
  }
}
