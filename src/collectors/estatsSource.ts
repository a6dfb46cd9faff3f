import { accountSwitchKeyOf } from '../akamai/clients';
import type { PendingRemoval } from './discoveredTargets';
import type { AkamaiClient } from '../akamai/clients';
import { type CredentialSource, forgetSigner, loadSigner } from '../akamai/credentials';
import type { EdgeGridSigner } from '../akamai/edgegrid';
import { EstatsError, type FailureReason } from '../akamai/errors';
import { type EstatsAnswer, type EstatsClientOptions, fetchEstats } from '../akamai/estatsClient';
import type { PacingClock } from '../akamai/answerWaits';
import {
  type ClientRateBudget,
  type PacingSettings,
  RateBudget,
  type RateBudgetSettings,
} from '../akamai/rateBudget';
import { buildEstatsMetrics } from '../akamai/estatsMetrics';
import { describeTarget, type EstatsSchedule, type EstatsTarget } from '../akamai/targets';
import { addAkamaiBudgetMetrics } from './akamaiBudgetMetrics';
import type { PushMetrics } from '../metrics/registry';
import type { Deadline } from '../shared/deadline';
import { CollectorError, DeadlineExceededError, describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { RunSinks } from './runner';

export interface EstatsCollectorDeps {
  /** Where each API client's credentials are (config/estats.ts: its secret, section or env). */
  credentialSourceOf(client: AkamaiClient): CredentialSource;
  /** Where the groups go, and where those of removed targets are found and deleted. */
  sinks: RunSinks;
  /** The stage that deployed the schedule: the owner of its groups (collectors/ownership.ts). */
  stage?: string;
  /** Discovered CP codes whose groups removal keeps for now (collectors/discoveredTargets.ts). */
  pending?: PendingRemoval;
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
  /** The client's budget; the bench measures the pacing this one replaced through it. */
  rateBudget?: (settings: RateBudgetSettings, clock?: PacingClock) => ClientRateBudget;
}

const AUTH_REASONS: ReadonlySet<FailureReason> = new Set([
  'auth_signature',
  'auth_inactive_token',
  'auth_denied',
]);

/**
 * One API client's side of a run: its credentials, loaded once; its requests paced by its
 * rate budget; after Akamai refused the credentials, a secret read again once (it may have
 * been rotated), and no further request once fresh credentials were refused too (each would
 * fail the same way and only burn rate limit).
 */
export class EstatsSource {
  readonly budget: ClientRateBudget;
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
    const firstWave = schedule.firstWave?.[client.name];
    const settings = {
      ...deps.pacing,
      reserveShare: client.reserve,
      ...(firstWave ? { firstWave } : {}),
    };
    this.budget = deps.rateBudget
      ? deps.rateBudget(settings, deps.clock)
      : new RateBudget(settings, deps.clock);
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
    addAkamaiBudgetMetrics(metrics, this.client.name, this.budget.seen());
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
        // Named, never its value: whether the rotation recovered shows in the next answers.
        this.deps.logger.info('read the Akamai credentials again; the requests go on with them', {
          client: this.client.name,
          ...(this.credentialSource.kind === 'secretsManager'
            ? { secret: this.credentialSource.secretId }
            : {}),
        });
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
    const accountSwitchKey = accountSwitchKeyOf(
      { client: this.client, schedule: this.schedule.accountSwitchKey },
      signer,
    );
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

export function toEstatsError(error: unknown): EstatsError {
  if (error instanceof EstatsError) return error;
  if (error instanceof DeadlineExceededError) {
    return new EstatsError(error.message, { reason: 'deadline', cause: error, hint: error.hint });
  }
  if (error instanceof CollectorError)
    return new EstatsError(describeError(error), { reason: 'credentials', cause: error });
  return new EstatsError(describeError(error), { reason: 'internal', cause: error });
}
