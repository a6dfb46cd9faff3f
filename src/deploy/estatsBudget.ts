import { type AkamaiClient, reservedRequests, usablePerMinute } from '../akamai/clients';
import { assignTargets } from '../akamai/spread';
import type { EstatsTarget } from '../akamai/targets';
import { ConfigurationError } from '../shared/errors';

/**
 * The Akamai budget of a stage, checked when packaging: a stage whose schedules cannot fit
 * their API clients' rate limits, their Lambda timeout or their interval deploys fine and then
 * fails on every run, so it is refused here, with the numbers and the ways out.
 *
 * Per client, each schedule asks `targets / interval` requests a minute; together they must
 * fit the client's limit less its reserve. A schedule's worst-case run is the one that starts
 * at the same moment as every other schedule of its clients (schedules with different
 * intervals still meet): its requests are those of all of them, the first `limit − reserve`
 * go out in a burst (slow start: a round of answers per doubling), the rest at the rate the
 * budget recovers (`limit` a minute), and the last answer takes `answerSeconds`.
 */
export interface BudgetSchedule {
  name: string;
  intervalSeconds: number;
  targets: readonly EstatsTarget[];
  clients: readonly AkamaiClient[];
}

export interface BudgetLimits {
  /** The eStats function's Lambda timeout, less the time kept to report (safety margin). */
  timeoutSeconds: number;
  safetyMarginSeconds: number;
  /** What one eStats answer is assumed to take. */
  answerSeconds: number;
}

export interface ScheduleRow {
  schedule: string;
  client: string;
  targets: number;
  intervalSeconds: number;
  perMinute: number;
  /** Of the client's limit (not of what is left after the reserve). */
  shareOfLimit: number;
  worstRunSeconds: number;
  /** Requests its run sends before Akamai's first answer (firstWaves). */
  firstWave: number;
}

export interface ClientBudget {
  client: AkamaiClient;
  rows: ScheduleRow[];
  perMinute: number;
}

export function estatsBudget(
  schedules: readonly BudgetSchedule[],
  limits: BudgetLimits,
): ClientBudget[] {
  const byClient = targetsByClient(schedules);
  const runSeconds = new Map<string, number>();
  for (const { client, parts } of byClient.values()) {
    const together = parts.reduce((sum, [, count]) => sum + count, 0);
    runSeconds.set(client.name, worstRunSeconds(together, client, limits.answerSeconds));
  }
  return [...byClient.values()].map(({ client, parts }) => {
    const together = parts.reduce((sum, [, count]) => sum + count, 0);
    const rows = parts.map(([schedule, count]): ScheduleRow => {
      const perMinute = (count * 60) / schedule.intervalSeconds;
      return {
        schedule: schedule.name,
        client: client.name,
        targets: count,
        intervalSeconds: schedule.intervalSeconds,
        perMinute,
        shareOfLimit: perMinute / client.rateLimitPerMinute,
        // Its clients work side by side: the slowest of them ends the run.
        worstRunSeconds: Math.max(...schedule.clients.map((c) => runSeconds.get(c.name) ?? 0)),
        firstWave: firstWaveOf(client, count, together),
      };
    });
    return { client, rows, perMinute: rows.reduce((sum, row) => sum + row.perMinute, 0) };
  });
}

/**
 * Each schedule's first wave per API client: the requests its run may send before Akamai's
 * first answer (akamai/rateBudget.ts). The client's limit less its reserve is divided among
 * the schedules that use it, by their targets on it: schedules of any intervals meet at some
 * tick, so all of them may start at the same moment, and their waves together then still fit.
 * A share by targets rather than an equal one lets a small schedule's share not sit idle while
 * a large one waits. The wave is also the share of the recovery a run keeps while the others
 * spend theirs.
 */
export function firstWaves(
  schedules: readonly Pick<BudgetSchedule, 'name' | 'targets' | 'clients'>[],
): Map<string, Record<string, number>> {
  const waves = new Map<string, Record<string, number>>();
  for (const { client, parts } of targetsByClient(schedules).values()) {
    const together = parts.reduce((sum, [, count]) => sum + count, 0);
    for (const [schedule, count] of parts)
      if (count > 0)
        waves.set(schedule.name, {
          ...waves.get(schedule.name),
          [client.name]: firstWaveOf(client, count, together),
        });
  }
  return waves;
}

/** Per API client, each schedule that uses it and how many of its targets it takes. */
function targetsByClient<S extends Pick<BudgetSchedule, 'targets' | 'clients'>>(
  schedules: readonly S[],
): Map<string, { client: AkamaiClient; parts: Array<[S, number]> }> {
  const byClient = new Map<string, { client: AkamaiClient; parts: Array<[S, number]> }>();
  for (const schedule of schedules) {
    const assigned = [...assignTargets(schedule.targets, schedule.clients).values()];
    for (const client of schedule.clients) {
      const count = assigned.filter((c) => c.name === client.name).length;
      const entry = byClient.get(client.name) ?? { client, parts: [] };
      entry.parts.push([schedule, count]);
      byClient.set(client.name, entry);
    }
  }
  return byClient;
}

/** A schedule's first wave on a client: its targets' part of the client's usable limit. */
function firstWaveOf(client: AkamaiClient, count: number, together: number): number {
  return Math.max(1, Math.floor((usablePerMinute(client) * count) / together));
}

/** `requests` of one client started together: burst, then the budget's recovery, then an answer. */
export function worstRunSeconds(
  requests: number,
  client: AkamaiClient,
  answerSeconds: number,
): number {
  if (requests === 0) return 0;
  const burst = usablePerMinute(client);
  const burstRounds = 1 + Math.ceil(Math.log2(Math.min(requests, burst) + 1));
  const paced = Math.max(0, requests - burst) * (60 / client.rateLimitPerMinute);
  return burstRounds * answerSeconds + paced + answerSeconds;
}

/** Refuse a stage that cannot fit, naming the schedule, the numbers and the ways out. */
export function checkEstatsBudget(
  budget: readonly ClientBudget[],
  limits: BudgetLimits,
  file: string,
): void {
  const problems: string[] = [];
  for (const { client, rows, perMinute } of budget) {
    const usable = usablePerMinute(client);
    if (perMinute > usable + 1e-9) {
      problems.push(
        `API client ${client.name}: its schedules ask ${round(perMinute)} requests a minute (${rows.map((r) => `${r.schedule} ${round(r.perMinute)}`).join(', ')}), but it allows ${client.rateLimitPerMinute} a minute, ${usable} after the ${reservedRequests(client)} kept for other users. Ways out: spread the schedule over another API client (define it under akamai.clients, then "clients: [${client.name}, other]" on the schedule), give it a longer interval, or set rateLimitPerMinute once Akamai has raised the client's limit`,
      );
    }
  }
  const seen = new Set<string>();
  for (const row of budget.flatMap((b) => b.rows)) {
    if (seen.has(row.schedule)) continue;
    seen.add(row.schedule);
    const fitsIn = limits.timeoutSeconds - limits.safetyMarginSeconds;
    if (row.worstRunSeconds > fitsIn) {
      problems.push(
        `eStats schedule "${row.schedule}": a run can take up to ${round(row.worstRunSeconds)} s (its clients' requests at the budget's rate, ${limits.answerSeconds} s an answer), but the function times out after ${limits.timeoutSeconds} s (${fitsIn} s after the ${limits.safetyMarginSeconds} s kept to report). Ways out: spread its targets over another API client, raise functions.estatsTimeout in the stage file (at most 900), or move targets to another schedule with its own client`,
      );
    }
    if (row.worstRunSeconds > row.intervalSeconds) {
      problems.push(
        `eStats schedule "${row.schedule}": a run can take up to ${round(row.worstRunSeconds)} s, longer than its interval of ${row.intervalSeconds} s, so runs would overlap and spend the same budget twice. Ways out: a longer interval, or another API client for some of its targets`,
      );
    }
  }
  if (problems.length > 0) {
    throw new ConfigurationError(
      `${file}: the eStats schedules do not fit the Akamai budget:\n  - ${problems.join('\n  - ')}`,
      {
        hint: 'the table below the refusals shows every schedule per API client; docs/guides/estats.md explains the numbers',
      },
    );
  }
}

/** The packaging table: one block per client, a line per schedule. */
export function formatEstatsBudget(budget: readonly ClientBudget[], limits: BudgetLimits): string {
  const lines: string[] = [
    `eStats budget per Akamai API client (worst case: every schedule of a client starts at once; ${limits.answerSeconds} s an answer; function timeout ${limits.timeoutSeconds} s)`,
  ];
  const header = [
    'schedule',
    'targets',
    'interval',
    'req/min',
    'of limit',
    'first wave',
    'worst run',
    'fits',
  ];
  for (const { client, rows, perMinute } of budget) {
    lines.push(
      `  client ${client.name}: ${client.rateLimitPerMinute} req/min, ${reservedRequests(client)} kept for other users; schedules ask ${round(perMinute)} req/min (${percent(perMinute / client.rateLimitPerMinute)})`,
    );
    const table = rows.map((row) => [
      row.schedule,
      String(row.targets),
      `${row.intervalSeconds} s`,
      round(row.perMinute),
      percent(row.shareOfLimit),
      String(row.firstWave),
      `${round(row.worstRunSeconds)} s`,
      row.worstRunSeconds <=
      Math.min(limits.timeoutSeconds - limits.safetyMarginSeconds, row.intervalSeconds)
        ? 'yes'
        : 'NO',
    ]);
    const widths = header.map((h, i) =>
      Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)),
    );
    for (const cells of [header, ...table])
      lines.push(
        `    ${cells
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd()}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function percent(ratio: number): string {
  return `${Math.round(ratio * 100)} %`;
}
