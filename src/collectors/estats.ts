import { type AkamaiClient, DEFAULT_CLIENT } from '../akamai/clients';
import { type CredentialSource, forgetSigner, loadSigner } from '../akamai/credentials';
import type { EdgeGridSigner } from '../akamai/edgegrid';
import { EstatsError, type FailureReason } from '../akamai/errors';
import { type EstatsAnswer, type EstatsClientOptions, fetchEstats } from '../akamai/estatsClient';
import { buildEstatsFailureMetrics, buildEstatsMetrics } from '../akamai/estatsMetrics';
import { type PacingClock, type PacingSettings, RateBudget } from '../akamai/rateBudget';
import { assignTargets, interleaveByClient } from '../akamai/spread';
import { describeGroup, estatsGroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import { describeTarget, type EstatsSchedule, type EstatsTarget } from '../akamai/targets';
import { COLLECTOR, JOB, LABEL } from '../metrics/catalogue';
import type { Deadline } from '../shared/deadline';
import { CollectorError, DeadlineExceededError, describeError } from '../shared/errors';
import type { EstatsRunSummary, TargetFailure } from './summaries';
import type { Logger } from '../shared/logger';
import { deleteDroppedTargets, markOwner } from './estatsOwnership';
import { withTargetInfo } from './targetInfo';
import { type FailedGroup, runCollector } from './pipeline';
import type { RunSinks } from './runner';

export interface EstatsCollectorDeps {
  /** Where each API client's credentials are (config/estats.ts: its secret, section or env). */
  credentialSourceOf(client: AkamaiClient): CredentialSource;
  /** Where the groups go, and where those of removed targets are found and deleted. */
  sinks: RunSinks;
  clientOptions: EstatsClientOptions;
  pacing: PacingSettings;
  logger: Logger;
  /** Seams for the orchestration tests; the real ones by default. */
  requestEstats?: typeof fetchEstats;
  credentials?: (source: CredentialSource) => {
    load(deadline: Deadline): Promise<EdgeGridSigner>;
    forget(): void;
  };
  clock?: PacingClock;
}

const AUTH_REASONS: ReadonlySet<FailureReason> = new Set([
  'auth_signature',
  'auth_inactive_token',
  'auth_denied',
]);

/**
 * One eStats run through the collector pipeline (collectors/pipeline.ts): the targets spread
 * over the schedule's API clients, each target's answer (as fast as its client's rate budget
 * allows) mapped and PUT to its own group. A failing target gets its failure recorded in its
 * group and never blocks or erases another. Removal deletes the groups of targets this
 * schedule alone collected and dropped.
 */
export async function collectEstats(
  schedule: EstatsSchedule,
  deps: EstatsCollectorDeps,
  deadline: Deadline,
): Promise<EstatsRunSummary> {
  const { logger, sinks } = deps;
  const clients = schedule.clients ?? [DEFAULT_CLIENT];
  const assigned = assignTargets(schedule.targets, clients);
  const sources = new Map(
    await Promise.all(
      clients.map(
        async (client) =>
          [client.name, await EstatsSource.open(client, schedule, deps, deadline)] as const,
      ),
    ),
  );
  const sourceOf = (target: EstatsTarget): EstatsSource =>
    sources.get(assigned.get(target)?.name ?? '') as EstatsSource;
  const run = await runCollector<EstatsTarget, TargetFailure>(
    {
      job: JOB.estats,
      schedule: schedule.name,
      items: interleaveByClient(schedule.targets, assigned),
      keyOf: (target) => estatsGroupingKey(target),
      // Each client's rate budget decides when its requests go; this only bounds the workers.
      concurrency: clients.length * deps.pacing.maxInFlight,
      produce: async (target) =>
        withTargetInfo(
          markOwner(await sourceOf(target).metricsOf(target), schedule, target),
          target,
        ),
      failureSeries: (error, target) =>
        withTargetInfo(
          markOwner(buildEstatsFailureMetrics(toEstatsError(error).reason), schedule, target),
          target,
        ),
      failureOf: targetFailure,
      log: (result) => {
        if (result.ok) {
          logger.debug('eStats target pushed', {
            target: describeTarget(result.item),
            group: result.group,
            series: result.series,
            ...sourceOf(result.item).answerOf(result.item),
          });
          return;
        }
        const failure = targetFailure(result);
        logger.error('eStats target failed', {
          target: failure.target,
          group: failure.group,
          reason: failure.reason,
          error: failureError(result),
        });
      },
      removal: {
        what: 'targets',
        logField: 'groups',
        remove: (stores, removalDeadline) =>
          deleteDroppedTargets(schedule, stores, removalDeadline),
        describe: describeGroup,
      },
      addHealthMetrics: (metrics) => {
        if (schedule.intervalSeconds !== undefined)
          metrics.family(COLLECTOR.scheduleInterval).set(schedule.intervalSeconds);
        for (const source of sources.values()) source.addBudgetMetrics(metrics);
      },
    },
    sinks,
    deadline,
    logger,
  );
  const { removed, ...outcome } = run;
  for (const source of sources.values()) {
    const seen = source.budget.seen();
    logger.info('Akamai rate budget', { client: source.client.name, ...seen });
  }
  return {
    schedule: schedule.name,
    targets: schedule.targets.length,
    ...outcome,
    removedTargets: removed,
  };
}

/** Why a target failed: its eStats request, or the sink that refused its group. */
function failureError(result: FailedGroup<EstatsTarget>): EstatsError {
  return result.stage === 'deliver' ? pushFailure(result.error) : toEstatsError(result.error);
}

function targetFailure(result: FailedGroup<EstatsTarget>): TargetFailure {
  const error = failureError(result);
  return {
    target: describeTarget(result.item),
    group: result.group,
    reason: error.reason,
    message: describeError(error),
  };
}

/**
 * One API client's side of a run: its credentials, loaded once; its requests paced by its
 * rate budget; after Akamai refused the credentials, a secret read again once (it may have
 * been rotated), and no further request once fresh credentials were refused too (each would
 * fail the same way and only burn rate limit).
 */
class EstatsSource {
  readonly budget: RateBudget;
  private refreshed = false;
  /** The re-read of a refused secret, and the signer it replaces. */
  private rereading: Promise<void> | undefined;
  private rereadFrom: EdgeGridSigner | EstatsError | undefined;
  private authFailure: EstatsError | undefined;
  private readonly answers = new Map<
    EstatsTarget,
    { attempts: number; rateLimitRemaining?: number }
  >();

  private readonly credentialSource: CredentialSource;

  private constructor(
    readonly client: AkamaiClient,
    private readonly schedule: EstatsSchedule,
    private readonly deps: EstatsCollectorDeps,
    private readonly deadline: Deadline,
    private signer: EdgeGridSigner | EstatsError,
  ) {
    this.credentialSource = deps.credentialSourceOf(client);
    this.budget = new RateBudget({ ...deps.pacing, reserveShare: client.reserve }, deps.clock);
  }

  static async open(
    client: AkamaiClient,
    schedule: EstatsSchedule,
    deps: EstatsCollectorDeps,
    deadline: Deadline,
  ): Promise<EstatsSource> {
    try {
      const credentials = credentialsOf(deps, deps.credentialSourceOf(client));
      return new EstatsSource(client, schedule, deps, deadline, await credentials.load(deadline));
    } catch (error) {
      deps.logger.error('cannot load EdgeGrid credentials', { client: client.name, error });
      const failure = new EstatsError(`API client ${client.name}: ${describeError(error)}`, {
        reason: 'credentials',
        cause: error,
      });
      return new EstatsSource(client, schedule, deps, deadline, failure);
    }
  }

  /** The client's budget as this run saw it, in the run's health group. */
  addBudgetMetrics(metrics: PushMetrics): void {
    const seen = this.budget.seen();
    const labels = { [LABEL.akamaiClient]: this.client.name };
    if (seen.limit !== undefined) metrics.family(COLLECTOR.akamaiRateLimit).set(labels, seen.limit);
    if (seen.lowestRemaining !== undefined)
      metrics.family(COLLECTOR.akamaiRateRemaining).set(labels, seen.lowestRemaining);
    metrics.family(COLLECTOR.akamaiRateWait).set(labels, seen.waitedSeconds);
    metrics.family(COLLECTOR.akamaiRequests).set(labels, seen.requests);
    metrics.family(COLLECTOR.akamaiThrottled).set(labels, seen.throttled);
  }

  /** What the debug line of a pushed target tells about its request. */
  answerOf(target: EstatsTarget): { attempts?: number; rateLimitRemaining?: number } {
    return this.answers.get(target) ?? {};
  }

  async metricsOf(target: EstatsTarget): Promise<PushMetrics> {
    const answer = await this.answer(target);
    this.answers.set(target, {
      attempts: answer.attempts,
      ...(answer.rateLimitRemaining === undefined
        ? {}
        : { rateLimitRemaining: answer.rateLimitRemaining }),
    });
    try {
      return buildEstatsMetrics(answer.response, {
        topEdgeIps: this.schedule.topEdgeIps,
        requestDurationSeconds: answer.durationSeconds,
      });
    } catch (error) {
      throw new EstatsError(
        `eStats for ${describeTarget(target)}: cannot build metrics: ${describeError(error)}`,
        { reason: 'internal', cause: error },
      );
    }
  }

  private async answer(target: EstatsTarget): Promise<EstatsAnswer> {
    if (this.signer instanceof EstatsError) throw this.signer;
    const notRequested = this.notRequested();
    if (notRequested) throw notRequested;
    const signer = this.signer;
    try {
      try {
        return await this.request(target, signer);
      } catch (error) {
        // Requests run side by side: one signed before a re-read retries with its result.
        if (!(error instanceof EstatsError) || !AUTH_REASONS.has(error.reason)) throw error;
        if (this.rereading && this.rereadFrom === signer) await this.rereading;
        else if (this.mayReadAgain(error)) await this.readAgain(target, error);
        else throw error;
        if (this.signer instanceof EstatsError) throw this.signer;
        return await this.request(target, this.signer);
      }
    } catch (error) {
      const failure = toEstatsError(error);
      if (AUTH_REASONS.has(failure.reason)) this.authFailure = failure;
      throw failure;
    }
  }

  /** Read the secret again, once per run, shared by every request that was refused. */
  private readAgain(target: EstatsTarget, error: EstatsError): Promise<void> {
    this.refreshed = true;
    this.rereadFrom = this.signer;
    this.deps.logger.warn('eStats refused the credentials; reading the secret again', {
      client: this.client.name,
      target: describeTarget(target),
      reason: error.reason,
    });
    const credentials = credentialsOf(this.deps, this.credentialSource);
    credentials.forget();
    this.rereading = credentials.load(this.deadline).then(
      (signer) => {
        this.signer = signer;
      },
      (failure: unknown) => {
        this.signer = new EstatsError(`API client ${this.client.name}: ${describeError(failure)}`, {
          reason: 'credentials',
          cause: failure,
        });
      },
    );
    return this.rereading;
  }

  /** Why no more requests go out: fresh credentials were refused too. */
  private notRequested(): EstatsError | undefined {
    const refused = this.authFailure;
    return refused
      ? new EstatsError(`not requested: ${refused.message}`, {
          reason: refused.reason,
          hint: refused.hint,
        })
      : undefined;
  }

  /** A cached secret may have been rotated: read it again, once per run. */
  private mayReadAgain(error: unknown): error is EstatsError {
    return (
      error instanceof EstatsError &&
      AUTH_REASONS.has(error.reason) &&
      !this.refreshed &&
      this.credentialSource.kind === 'secretsManager'
    );
  }

  /** One eStats request, paced by the client's rate budget. */
  private request(target: EstatsTarget, signer: EdgeGridSigner): Promise<EstatsAnswer> {
    const accountSwitchKey =
      this.client.accountSwitchKey ?? this.schedule.accountSwitchKey ?? signer.accountKey;
    return (this.deps.requestEstats ?? fetchEstats)(target, {
      signer,
      ...(accountSwitchKey ? { accountSwitchKey } : {}),
      deadline: this.deadline,
      options: this.deps.clientOptions,
      budget: this.budget,
      cancelled: () => this.notRequested(),
    });
  }
}

function credentialsOf(
  deps: EstatsCollectorDeps,
  source: CredentialSource,
): ReturnType<NonNullable<EstatsCollectorDeps['credentials']>> {
  return (
    deps.credentials?.(source) ?? {
      load: (deadline) => loadSigner(source, deadline),
      forget: () => forgetSigner(source),
    }
  );
}

/** The Pushgateway is what failed: its message and hint, as the target's failure. */
function pushFailure(error: unknown): EstatsError {
  return new EstatsError(error instanceof Error ? error.message : String(error), {
    reason: 'push_failed',
    cause: error,
    hint: error instanceof CollectorError ? error.hint : undefined,
  });
}

function toEstatsError(error: unknown): EstatsError {
  if (error instanceof EstatsError) return error;
  if (error instanceof DeadlineExceededError) {
    return new EstatsError(error.message, { reason: 'deadline', cause: error, hint: error.hint });
  }
  if (error instanceof CollectorError)
    return new EstatsError(describeError(error), { reason: 'credentials', cause: error });
  return new EstatsError(describeError(error), { reason: 'internal', cause: error });
}
