import { accountOf, type AkamaiClient, DEFAULT_CLIENT, reserveOf } from '../../../akamai/clients';
import { ConfigurationError } from '../../../shared/errors';
import { plural } from '../../../shared/plural';
import { cutWindow } from '../../../traffic/fetch';
import { BUCKET_SECONDS } from '../../../traffic/report';
import type { TrafficSchedule } from '../../../traffic/schedule';
import type { StageSchedulesByKind } from './types';

/** Seconds one report answer is assumed to take (a few hundred CP codes, a few buckets). */
export const TRAFFIC_ANSWER_SECONDS = 3;

/** One enabled traffic schedule as its account's budget counts it. */
export interface TrafficBudgetRow {
  schedule: string;
  cpCodes: number;
  intervalSeconds: number;
  /** Requests of a run that writes its new buckets (no outage behind it). */
  requestsPerRun: number;
  /** Requests a minute it needs on average. */
  needPerMinute: number;
  /** Its share of the account's usable budget, requests a minute: what its runs keep to. */
  share: number;
  /** Requests of a run after an outage as long as its backfill window. */
  backfillRequests: number;
  /** Seconds that run takes at its share; over the timeout, the catch-up takes several runs. */
  backfillSeconds: number;
}

export interface AccountBudget {
  account: string;
  /** The account's Reporting limit, requests a minute, and what is left of it for the runs. */
  limit: number;
  usable: number;
  rows: TrafficBudgetRow[];
}

type TrafficEntries = StageSchedulesByKind['traffic'];

function clientOf(input: TrafficSchedule): AkamaiClient {
  return input.client ?? DEFAULT_CLIENT;
}

/**
 * The CP codes a schedule's budget counts: those it lists, and for one that discovers, as
 * many more as its maxTargets lets it find.
 */
function cpCodesOf(input: TrafficSchedule): number {
  return input.targets.length + (input.discover?.maxTargets ?? 0);
}

/** Requests of one run over `buckets` buckets of the schedule's CP codes. */
function requestsFor(input: TrafficSchedule, buckets: number): number {
  const window = {
    // Placeholders: only their number matters.
    cpCodes: Array.from({ length: cpCodesOf(input) }, (_, i) => i + 1),
    startSec: 0,
    endSec: buckets * BUCKET_SECONDS,
  };
  return cutWindow(window, input.maxRowsPerRequest).length;
}

/**
 * The enabled traffic schedules' budget per Akamai account. Akamai counts the report's
 * requests per account, for every API client of it: each schedule gets a share of the
 * account's limit (less its reserve) in proportion to what it needs, and its runs keep to it
 * (traffic/accountPacer.ts).
 */
export function trafficBudget(schedules: TrafficEntries): AccountBudget[] {
  const byAccount = new Map<string, Array<TrafficEntries[number]['input']>>();
  for (const { input, enabled } of schedules) {
    if (!enabled) continue;
    const account = accountOf(clientOf(input));
    byAccount.set(account, [...(byAccount.get(account) ?? []), input]);
  }
  return [...byAccount].map(([account, inputs]) => {
    const limits = new Set(inputs.map((i) => clientOf(i).reportingRequestsPerMinute));
    if (limits.size > 1)
      throw new ConfigurationError(
        `the API clients of Akamai account "${account}" give different reportingRequestsPerMinute (${[...limits].join(', ')})`,
        {
          hint: 'the Reporting budget is one per account: give its clients the same value (akamai.clients)',
        },
      );
    const first = clientOf(inputs[0] as TrafficSchedule);
    const limit = first.reportingRequestsPerMinute;
    const usable = Math.max(1, limit - reserveOf(limit, first.reserve));
    const needs = inputs.map((input) => {
      const intervalSeconds = input.intervalSeconds ?? 300;
      const requestsPerRun = requestsFor(
        input,
        Math.max(1, Math.round(intervalSeconds / BUCKET_SECONDS)),
      );
      return {
        input,
        intervalSeconds,
        requestsPerRun,
        needPerMinute: (requestsPerRun * 60) / intervalSeconds,
      };
    });
    const total = needs.reduce((sum, n) => sum + n.needPerMinute, 0);
    const rows = needs.map(({ input, intervalSeconds, requestsPerRun, needPerMinute }) => {
      const share = Math.max(1, Math.floor((usable * needPerMinute) / total));
      const backfillRequests = requestsFor(input, input.backfillSeconds / BUCKET_SECONDS + 1);
      return {
        schedule: input.name,
        cpCodes: cpCodesOf(input),
        intervalSeconds,
        requestsPerRun,
        needPerMinute,
        share,
        backfillRequests,
        backfillSeconds: runSeconds(backfillRequests, share),
      };
    });
    return { account, limit, usable, rows };
  });
}

/** A run of `requests` at `share` a minute: all but the first wait for the budget. */
export function runSeconds(requests: number, share: number): number {
  return Math.ceil(((requests - 1) * 60) / share + TRAFFIC_ANSWER_SECONDS);
}

/** Each enabled traffic schedule's share of its account's budget, requests a minute. */
export function trafficShares(schedules: TrafficEntries): Map<string, number> {
  return new Map(
    trafficBudget(schedules).flatMap((account) => account.rows.map((r) => [r.schedule, r.share])),
  );
}

/**
 * The packaging table of the traffic schedules per account, or a ConfigurationError with the
 * numbers and the ways out: an account whose schedules need more than its usable limit, or a
 * schedule whose ordinary run cannot finish within the function's timeout.
 */
export function checkedTrafficBudget(
  config: { traffic: TrafficEntries; file: string },
  timeoutSeconds: number,
  safetyMarginMs: number,
): string {
  const accounts = trafficBudget(config.traffic);
  if (accounts.length === 0) return '';
  const usableSeconds = timeoutSeconds - safetyMarginMs / 1000;
  const lines = [
    'Akamai Reporting budget of the traffic schedules, per account (shared by every API client of it):',
  ];
  const problems: string[] = [];
  for (const { account, limit, usable, rows } of accounts) {
    const need = rows.reduce((sum, r) => sum + r.needPerMinute, 0);
    lines.push(
      `  account ${account}: ${limit} requests/min, ${usable} usable after the reserve; the schedules need ${need.toFixed(1)}/min`,
    );
    for (const r of rows) {
      const catchUp = Math.ceil(r.backfillSeconds / Math.max(1, usableSeconds));
      lines.push(
        `    ${r.schedule}: ${plural(r.cpCodes, 'CP code')} every ${r.intervalSeconds} s, ${plural(r.requestsPerRun, 'request')} a run, share ${r.share}/min; after an outage of the whole backfill window ${plural(r.backfillRequests, 'request')} (${r.backfillSeconds} s${catchUp > 1 ? `, caught up over ${catchUp} runs` : ''})`,
      );
      const ordinary = runSeconds(r.requestsPerRun, r.share);
      if (ordinary > usableSeconds)
        problems.push(
          `traffic schedule ${r.schedule}: a run needs ${plural(r.requestsPerRun, 'request')} at its share of ${r.share}/min, ${ordinary} s, over the traffic function's ${usableSeconds} s (trafficTimeout less the safety margin)`,
        );
    }
    if (need > usable)
      problems.push(
        `Akamai account ${account}: its traffic schedules need ${need.toFixed(1)} requests/min, over the ${usable} its Reporting limit of ${limit}/min leaves (${rows.map((r) => `${r.schedule} ${r.needPerMinute.toFixed(1)}`).join(', ')})`,
      );
  }
  const table = `${lines.join('\n')}\n`;
  if (problems.length > 0)
    throw new ConfigurationError(`${config.file}: ${problems.join('; ')}\n${table}`, {
      hint: 'run the schedules less often (rate), raise maxRowsPerRequest so one request covers more CP codes, move schedules to an API client of another account, or raise trafficTimeout; raise reportingRequestsPerMinute only if Akamai raised the limit',
    });
  return table;
}
