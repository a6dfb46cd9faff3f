import { accountSwitchKeyOf, DEFAULT_CLIENT } from '../akamai/clients';
import { loadSigner } from '../akamai/credentials';
import type { PacingClock } from '../akamai/answerWaits';
import type { TrafficSettings } from '../config/traffic';
import { COLLECTOR, JOB, LABEL, TRAFFIC } from '../metrics/catalogue';
import { describeGroup, trafficGroupingKey } from '../metrics/groups';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { AccountPacer } from '../traffic/accountPacer';
import { bucketsByCpCode } from '../traffic/buckets';
import { TrafficGroup, trafficFailureMetrics } from '../traffic/content';
import { TrafficError } from '../traffic/errors';
import { type FetchedTraffic, fetchTraffic } from '../traffic/fetch';
import { planTraffic } from '../traffic/plan';
import type { CostLearning } from '../traffic/queryCost';
import type { TrafficSchedule, TrafficTarget } from '../traffic/schedule';
import type { DeliveredState } from '../traffic/state';
import { addAkamaiBudgetMetrics } from './akamaiBudgetMetrics';
import type { PendingRemoval } from './discoveredTargets';
import { runCollector } from './pipeline';
import { describeTarget, failureOf, type TrafficFailure, trafficFailure } from './trafficFailures';
import { groupIdentity, keyOfListed } from './removal';
import type { RunDelivery, RunSinks } from './runner';

export interface TrafficCollectorDeps {
  settings: TrafficSettings;
  sinks: RunSinks;
  logger: Logger;
  /** The stage that deployed the schedule: the owner of its groups and the key of its state. */
  stage: string | undefined;
  /** Injected for tests: the clock of the final buckets and of the pacing. */
  now?: () => number;
  clock?: PacingClock;
  /** The window the account's limit counts over (a minute; tests shrink it). */
  rateWindowMs?: number;
  /** With discovery: the CP codes whose absence one answer alone says, kept from removal. */
  pending?: PendingRemoval;
}

/** What one run did, as its summary log line and its error report it. */
export interface TrafficRunSummary extends RunDelivery {
  schedule: string;
  targets: number;
  ok: number;
  failed: TrafficFailure[];
  /** CP codes already delivered up to the newest final bucket (a repeated delivery). */
  upToDate: number;
  /** End of the newest final bucket this run asked for. */
  newestBucketEnd: string;
  /** Buckets written behind the newest: what an outage missed, filled in. */
  backfilledBuckets: number;
  /** Missing buckets older than the backfill window: the gap that stays. */
  unfilledBuckets: number;
  requests: number;
  splits: number;
  seriesPushed: number;
  durationSeconds: number;
  removedTargets: string[];
  removalDeferredOn?: string[];
  removalError?: string;
  /** The delivered state could not be read or written: said here and in the log. */
  stateError?: string;
}

/** Deletions at once: a schedule drops few CP codes per deploy. */
const DELETE_CONCURRENCY = 4;
/** Groups delivered at once: their data is already fetched. */
const DELIVERY_CONCURRENCY = 8;

/**
 * One traffic run: what each CP code was delivered up to (its state), the buckets since then
 * that are final (within the backfill window), fetched in as few requests as the query cost
 * allows and paced to the schedule's share of the account's budget, then one group per CP
 * code: the Pushgateway gets the newest bucket, remote write every bucket at its own time. A
 * CP code's state moves on only when every sink took its group, so an outage of a sink is
 * filled in by the next run that reaches it.
 */
export async function collectTraffic(
  schedule: TrafficSchedule,
  deps: TrafficCollectorDeps,
  deadline: Deadline,
): Promise<TrafficRunSummary> {
  const { logger, sinks } = deps;
  const now = deps.now ?? Date.now;
  const store = deps.settings.stateStoreOf(deps.stage, schedule.name);
  const summary: Pick<TrafficRunSummary, 'stateError'> = {};
  let state: DeliveredState | undefined;
  let stateReadable = true;
  if (!store)
    logger.warn(
      'no traffic state store (TRAFFIC_STATE_BUCKET or TRAFFIC_STATE_DIR): each run writes the newest bucket only, and an outage is not filled in',
    );
  else
    try {
      state = await store.read(deadline);
    } catch (error) {
      stateReadable = false;
      summary.stateError = describeError(error);
      logger.error('cannot read the traffic state: this run writes the newest bucket only', {
        state: store.where,
        error,
      });
    }

  const plan = planTraffic(
    schedule.targets.map((t) => t.cpCode),
    stateReadable ? state : undefined,
    now(),
    schedule,
  );
  const unfilledBuckets = [...plan.unfilled.values()].reduce((sum, u) => sum + u.buckets, 0);
  if (plan.unfilled.size > 0) {
    const [first] = plan.unfilled.values();
    logger.warn('traffic buckets older than the backfill window stay missing', {
      cpCodes: [...plan.unfilled.keys()],
      buckets: unfilledBuckets,
      from: first ? new Date(first.fromSec * 1000).toISOString() : undefined,
      until: first ? new Date(first.untilSec * 1000).toISOString() : undefined,
      hint: 'the gap is reported (akamai_traffic_unfilled_buckets), not filled; raise backfillSeconds if your store takes older samples',
    });
  }

  const client = schedule.client ?? DEFAULT_CLIENT;
  const pacer = new AccountPacer(schedule.requestsPerMinute, deps.clock, deps.rateWindowMs);
  const fetched = await fetchPlanned(
    plan.windows,
    client,
    pacer,
    schedule,
    deps,
    deadline,
    stateReadable ? state?.queryCost : undefined,
  );
  const wanted = new Map([...plan.wanted].filter(([code]) => !fetched.failed.has(code)));
  const buckets = bucketsByCpCode(fetched.rows, wanted, plan.newestEndSec);
  const items = schedule.targets.filter((t) => plan.wanted.has(t.cpCode));
  // Every sink took the group as such (a refused one holds its failure series instead).
  const delivered = new Set<number>();
  /** Buckets delivered behind the newest: what an outage had missed. */
  const backfilled = () =>
    [...delivered].reduce(
      (sum, code) => sum + Math.max(0, (buckets.get(code)?.length ?? 1) - 1),
      0,
    );
  const current = schedule.targets.map((t) => trafficGroupingKey(t.cpCode));
  const collected = new Set(current.map(groupIdentity));

  const run = await runCollector<TrafficTarget, TrafficFailure>(
    {
      job: JOB.traffic,
      schedule: schedule.name,
      stage: deps.stage,
      items,
      keyOf: (target) => trafficGroupingKey(target.cpCode),
      concurrency: DELIVERY_CONCURRENCY,
      produce: (target) => {
        const failure = fetched.failed.get(target.cpCode);
        if (failure) return Promise.reject(failure);
        return Promise.resolve(new TrafficGroup(buckets.get(target.cpCode) ?? [], target.name));
      },
      failureSeries: (error, target, stage) =>
        trafficFailureMetrics(failureOf(error, stage).reason, target.name),
      failureOf: (result) => trafficFailure(result),
      log: (result) => {
        if (result.ok && result.refused === undefined) delivered.add(result.item.cpCode);
        if (result.ok) {
          logger.debug('traffic CP code pushed', {
            target: describeTarget(result.item),
            group: result.group,
            buckets: buckets.get(result.item.cpCode)?.length ?? 0,
          });
          return;
        }
        const failure = trafficFailure(result);
        logger.error('traffic CP code failed', {
          target: failure.target,
          group: failure.group,
          reason: failure.reason,
          error: failureOf(result.error, result.stage),
        });
      },
      removal: {
        what: 'CP codes',
        logField: 'groups',
        current,
        // The pending CP codes count too: once confirmed, the check is due at once.
        ...(deps.pending === undefined
          ? {}
          : { state: deps.pending === 'all' ? 'all' : [...deps.pending].sort().join(',') }),
        isRemoved: (group) =>
          group.labels.job === JOB.traffic &&
          group.labels[LABEL.cpCode] !== undefined &&
          !keptForNow(deps.pending, group.labels[LABEL.cpCode]) &&
          !collected.has(groupIdentity(keyOfListed(group))),
        concurrency: DELETE_CONCURRENCY,
        describe: describeGroup,
      },
      addHealthMetrics: (metrics) => {
        if (schedule.intervalSeconds !== undefined)
          metrics.family(COLLECTOR.scheduleInterval).set(schedule.intervalSeconds);
        metrics.family(TRAFFIC.backfilledBuckets).set(backfilled());
        metrics.family(TRAFFIC.unfilledBuckets).set(unfilledBuckets);
        addAkamaiBudgetMetrics(metrics, client.name, pacer.report());
      },
    },
    sinks,
    deadline,
    logger,
  );

  if (store && stateReadable) {
    const next: DeliveredState = {
      version: 1,
      delivered: {},
      ...(fetched.learned.refusedRows !== undefined ? { queryCost: fetched.learned } : {}),
    };
    for (const { cpCode } of schedule.targets) {
      const before = state?.delivered[String(cpCode)];
      const after = delivered.has(cpCode) ? plan.newestEndSec : before;
      if (after !== undefined) next.delivered[String(cpCode)] = after;
    }
    try {
      await store.write(next, deadline);
    } catch (error) {
      summary.stateError = describeError(error);
      logger.error('cannot write the traffic state: the next run fetches these buckets again', {
        state: store.where,
        error,
      });
    }
  }
  logger.info('Akamai Reporting budget', { client: client.name, ...pacer.report() });
  const { removed, ...outcome } = run;
  return {
    schedule: schedule.name,
    targets: schedule.targets.length,
    ...outcome,
    upToDate: plan.current.length,
    newestBucketEnd: new Date(plan.newestEndSec * 1000).toISOString(),
    backfilledBuckets: backfilled(),
    unfilledBuckets,
    requests: fetched.requests,
    splits: fetched.splits,
    removedTargets: removed,
    ...summary,
  };
}

/** Whether discovery keeps a CP code's group for now: its absence is not confirmed yet. */
function keptForNow(pending: PendingRemoval | undefined, cpCode: string | undefined): boolean {
  return pending !== undefined && (pending === 'all' || pending.has(Number(cpCode)));
}

/** The planned requests, or every CP code failed when the credentials cannot be loaded. */
async function fetchPlanned(
  windows: Parameters<typeof fetchTraffic>[0],
  client: typeof DEFAULT_CLIENT,
  pacer: AccountPacer,
  schedule: TrafficSchedule,
  deps: TrafficCollectorDeps,
  deadline: Deadline,
  /** What earlier runs learned of Akamai's query-cost limit (the state's). */
  learned: CostLearning | undefined,
): Promise<FetchedTraffic> {
  if (windows.length === 0)
    return { rows: [], failed: new Map(), requests: 0, splits: 0, learned: learned ?? {} };
  try {
    const signer = await loadSigner(deps.settings.credentialSourceOf(client), deadline);
    const accountSwitchKey = accountSwitchKeyOf({ client }, signer);
    return await fetchTraffic(
      windows,
      { signer, pacer, ...(accountSwitchKey ? { accountSwitchKey } : {}) },
      {
        ...deps.settings.fetch,
        maxRowsPerRequest: schedule.maxRowsPerRequest,
        ...(learned ? { learned } : {}),
      },
      deadline,
    );
  } catch (error) {
    deps.logger.error('cannot load EdgeGrid credentials', { client: client.name, error });
    const failure = new TrafficError(
      `cannot load the EdgeGrid credentials of client ${client.name}: ${describeError(error)}`,
      {
        reason: 'credentials',
        cause: error,
        hint:
          error instanceof CollectorError
            ? error.hint
            : "check the client's secret or .edgerc section",
      },
    );
    return {
      rows: [],
      failed: new Map(windows.flatMap((w) => w.cpCodes.map((code) => [code, failure] as const))),
      requests: 0,
      splits: 0,
      learned: learned ?? {},
    };
  }
}
