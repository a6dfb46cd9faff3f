import { type CredentialSource, forgetSigner, loadSigner } from '../akamai/credentials';
import type { EdgeGridSigner } from '../akamai/edgegrid';
import { EstatsError, type FailureReason } from '../akamai/errors';
import { type EstatsAnswer, type EstatsClientOptions, fetchEstats } from '../akamai/estatsClient';
import { buildEstatsFailureMetrics, buildEstatsMetrics } from '../akamai/estatsMetrics';
import { describeGroup, estatsGroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import { describeTarget, type EstatsSchedule, type EstatsTarget } from '../akamai/targets';
import { JOB } from '../metrics/catalogue';
import { type Deadline, sleepWithin } from '../shared/deadline';
import { CollectorError, DeadlineExceededError, describeError } from '../shared/errors';
import type { EstatsRunSummary, TargetFailure } from './summaries';
import type { Logger } from '../shared/logger';
import { deleteDroppedTargets, markOwner } from './estatsOwnership';
import { type FailedGroup, runCollector } from './pipeline';
import type { RunSinks } from './runner';

export interface EstatsCollectorDeps {
  credentialSource: CredentialSource;
  /** Where the groups go, and where those of removed targets are found and deleted. */
  sinks: RunSinks;
  clientOptions: EstatsClientOptions;
  /** Minimum spacing between two eStats requests (Akamai allows ~40/min per client). */
  minRequestIntervalMs: number;
  logger: Logger;
  /** Seams for the orchestration tests; the real ones by default. */
  requestEstats?: typeof fetchEstats;
  credentials?: { load(deadline: Deadline): Promise<EdgeGridSigner>; forget(): void };
  clock?: PacingClock;
}

/** What pacing asks of time: now, and a wait bounded by the deadline. */
export interface PacingClock {
  now(): number;
  sleep(ms: number, deadline: Deadline, what: string): Promise<void>;
}

const REAL_CLOCK: PacingClock = { now: () => performance.now(), sleep: sleepWithin };

const AUTH_REASONS: ReadonlySet<FailureReason> = new Set([
  'auth_signature',
  'auth_inactive_token',
  'auth_denied',
]);

/**
 * One eStats run through the collector pipeline (collectors/pipeline.ts): each target in
 * turn, its eStats answer (paced) mapped and PUT to its own group. A failing target gets its
 * failure recorded in its group and never blocks or erases another. Removal deletes the
 * groups of targets this schedule alone collected and dropped.
 */
export async function collectEstats(
  schedule: EstatsSchedule,
  deps: EstatsCollectorDeps,
  deadline: Deadline,
): Promise<EstatsRunSummary> {
  const { logger, sinks } = deps;
  const source = await EstatsSource.open(schedule, deps, deadline);
  const run = await runCollector<EstatsTarget, TargetFailure>(
    {
      job: JOB.estats,
      schedule: schedule.name,
      items: schedule.targets,
      keyOf: (target) => estatsGroupingKey(target),
      // One at a time: the source paces its requests to Akamai's rate limit.
      concurrency: 1,
      produce: async (target) => markOwner(await source.metricsOf(target), schedule, target),
      failureSeries: (error, target) =>
        markOwner(buildEstatsFailureMetrics(toEstatsError(error).reason), schedule, target),
      failureOf: targetFailure,
      log: (result) => {
        if (result.ok) {
          logger.debug('eStats target pushed', {
            target: describeTarget(result.item),
            group: result.group,
            series: result.series,
            ...source.answerOf(result.item),
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
    },
    sinks,
    deadline,
    logger,
  );
  const { removed, ...outcome } = run;
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
 * The eStats side of a run: the credentials, loaded once; requests paced to Akamai's rate
 * limit; after Akamai refused the credentials, a secret read again once (it may have been
 * rotated), and no further request once fresh credentials were refused too (each would fail
 * the same way and only burn rate limit).
 */
class EstatsSource {
  private lastRequestStart = Number.NEGATIVE_INFINITY;
  private refreshed = false;
  private authFailure: EstatsError | undefined;
  private readonly answers = new Map<
    EstatsTarget,
    { attempts: number; rateLimitRemaining?: number }
  >();

  private constructor(
    private readonly schedule: EstatsSchedule,
    private readonly deps: EstatsCollectorDeps,
    private readonly deadline: Deadline,
    private signer: EdgeGridSigner | EstatsError,
  ) {}

  static async open(
    schedule: EstatsSchedule,
    deps: EstatsCollectorDeps,
    deadline: Deadline,
  ): Promise<EstatsSource> {
    try {
      return new EstatsSource(schedule, deps, deadline, await credentialsOf(deps).load(deadline));
    } catch (error) {
      deps.logger.error('cannot load EdgeGrid credentials', { error });
      const failure = new EstatsError(describeError(error), {
        reason: 'credentials',
        cause: error,
      });
      return new EstatsSource(schedule, deps, deadline, failure);
    }
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
    if (this.authFailure) {
      throw new EstatsError(`not requested: ${this.authFailure.message}`, {
        reason: this.authFailure.reason,
        hint: this.authFailure.hint,
      });
    }
    try {
      try {
        return await this.request(target, this.signer);
      } catch (error) {
        if (!this.mayReadAgain(error)) throw error;
        this.refreshed = true;
        this.deps.logger.warn('eStats refused the credentials; reading the secret again', {
          target: describeTarget(target),
          reason: error.reason,
        });
        const credentials = credentialsOf(this.deps);
        credentials.forget();
        this.signer = await credentials.load(this.deadline);
        return await this.request(target, this.signer);
      }
    } catch (error) {
      const failure = toEstatsError(error);
      if (AUTH_REASONS.has(failure.reason)) this.authFailure = failure;
      throw failure;
    }
  }

  /** A cached secret may have been rotated: read it again, once per run. */
  private mayReadAgain(error: unknown): error is EstatsError {
    return (
      error instanceof EstatsError &&
      AUTH_REASONS.has(error.reason) &&
      !this.refreshed &&
      this.deps.credentialSource.kind === 'secretsManager'
    );
  }

  /** One paced eStats request. */
  private async request(target: EstatsTarget, signer: EdgeGridSigner): Promise<EstatsAnswer> {
    const label = describeTarget(target);
    const clock = this.deps.clock ?? REAL_CLOCK;
    await clock.sleep(
      this.lastRequestStart + this.deps.minRequestIntervalMs - clock.now(),
      this.deadline,
      `eStats pacing before ${label}`,
    );
    this.lastRequestStart = clock.now();
    return (this.deps.requestEstats ?? fetchEstats)(target, {
      signer,
      accountSwitchKey: this.schedule.accountSwitchKey,
      deadline: this.deadline,
      options: this.deps.clientOptions,
    });
  }
}

function credentialsOf(deps: EstatsCollectorDeps): NonNullable<EstatsCollectorDeps['credentials']> {
  return (
    deps.credentials ?? {
      load: (deadline) => loadSigner(deps.credentialSource, deadline),
      forget: () => forgetSigner(deps.credentialSource),
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
