import { type CredentialSource, forgetSigner, loadSigner } from '../akamai/credentials';
import type { EdgeGridSigner } from '../akamai/edgegrid';
import { EstatsError, type FailureReason } from '../akamai/errors';
import { type EstatsClientOptions, fetchEstats } from '../akamai/estatsClient';
import { buildEstatsFailureMetrics, buildEstatsMetrics } from '../akamai/estatsMetrics';
import { estatsGroupingKey, type GroupingKey } from '../metrics/groups';
import { describeTarget, type EstatsSchedule } from '../akamai/targets';
import { JOB } from '../metrics/catalogue';
import type { PushgatewayClient } from '../pushgateway/client';
import { describeGroup } from '../pushgateway/grouping';
import { type Deadline, sleepWithin } from '../shared/deadline';
import { CollectorError, DeadlineExceededError, describeError } from '../shared/errors';
import type { EstatsRunSummary, TargetFailure } from './summaries';
import type { Logger } from '../shared/logger';
import { pushRunHealth } from './health';

export interface EstatsCollectorDeps {
  credentialSource: CredentialSource;
  pushgateway: PushgatewayClient;
  clientOptions: EstatsClientOptions;
  /** Minimum spacing between two eStats requests (Akamai allows ~40/min per client). */
  minRequestIntervalMs: number;
  logger: Logger;
}

const AUTH_REASONS: ReadonlySet<FailureReason> = new Set([
  'auth_signature',
  'auth_inactive_token',
  'auth_denied',
]);

/**
 * One eStats run: for each target in turn, call eStats (paced), map the answer and PUT it to
 * the target's own group. A failing target gets its failure recorded in its group and never
 * blocks or erases another target. The run's own health goes last.
 */
export async function collectEstats(
  schedule: EstatsSchedule,
  deps: EstatsCollectorDeps,
  deadline: Deadline,
): Promise<EstatsRunSummary> {
  const started = performance.now();
  const { logger, pushgateway } = deps;
  const failed: TargetFailure[] = [];
  let ok = 0;
  let seriesPushed = 0;

  let signer: EdgeGridSigner | undefined;
  let credentialsError: EstatsError | undefined;
  let credentialsRefreshed = false;
  try {
    signer = await loadSigner(deps.credentialSource, deadline);
  } catch (error) {
    credentialsError = new EstatsError(describeError(error), {
      reason: 'credentials',
      cause: error,
    });
    logger.error('cannot load EdgeGrid credentials', { error });
  }

  let lastRequestStart = Number.NEGATIVE_INFINITY;
  // Once Akamai refused fresh credentials, every further call would fail the same way and
  // only burn rate limit.
  let authFailure: EstatsError | undefined;

  for (const target of schedule.targets) {
    const label = describeTarget(target);
    const key = estatsGroupingKey(target);
    const group = describeGroup(key);
    const fail = async (error: EstatsError, recordInGroup: boolean) => {
      failed.push({ target: label, group, reason: error.reason, message: describeError(error) });
      logger.error('eStats target failed', { target: label, group, reason: error.reason, error });
      if (recordInGroup) await recordFailure(key, label, error.reason, deps, deadline);
    };

    if (credentialsError || !signer) {
      await fail(
        credentialsError ?? new EstatsError('no credentials', { reason: 'credentials' }),
        true,
      );
      continue;
    }
    if (authFailure) {
      await fail(
        new EstatsError(`not requested: ${authFailure.message}`, {
          reason: authFailure.reason,
          hint: authFailure.hint,
        }),
        true,
      );
      continue;
    }

    let answer: Awaited<ReturnType<typeof fetchEstats>>;
    try {
      await sleepWithin(
        lastRequestStart + deps.minRequestIntervalMs - performance.now(),
        deadline,
        `eStats pacing before ${label}`,
      );
      lastRequestStart = performance.now();
      try {
        answer = await fetchEstats(target, {
          signer,
          accountSwitchKey: schedule.accountSwitchKey,
          deadline,
          options: deps.clientOptions,
        });
      } catch (error) {
        // Cached secret may have been rotated: read it again once and retry this target.
        if (
          error instanceof EstatsError &&
          AUTH_REASONS.has(error.reason) &&
          !credentialsRefreshed &&
          deps.credentialSource.kind === 'secretsManager'
        ) {
          credentialsRefreshed = true;
          logger.warn('eStats refused the credentials; reading the secret again', {
            target: label,
            reason: error.reason,
          });
          forgetSigner(deps.credentialSource);
          signer = await loadSigner(deps.credentialSource, deadline);
          await sleepWithin(
            lastRequestStart + deps.minRequestIntervalMs - performance.now(),
            deadline,
            `eStats pacing before ${label}`,
          );
          lastRequestStart = performance.now();
          answer = await fetchEstats(target, {
            signer,
            accountSwitchKey: schedule.accountSwitchKey,
            deadline,
            options: deps.clientOptions,
          });
        } else {
          throw error;
        }
      }
    } catch (error) {
      const estatsError = toEstatsError(error);
      if (AUTH_REASONS.has(estatsError.reason)) authFailure = estatsError;
      await fail(estatsError, true);
      continue;
    }

    let body: string;
    let series: number;
    try {
      const metrics = buildEstatsMetrics(answer.response, {
        topEdgeIps: schedule.topEdgeIps,
        requestDurationSeconds: answer.durationSeconds,
      });
      body = await metrics.text();
      series = metrics.seriesCount;
    } catch (error) {
      await fail(
        new EstatsError(`eStats for ${label}: cannot build metrics: ${describeError(error)}`, {
          reason: 'internal',
          cause: error,
        }),
        true,
      );
      continue;
    }
    try {
      await pushgateway.put(key, body, deadline);
    } catch (error) {
      // The Pushgateway is what failed; a failure marker would most likely fail the same way.
      const hint = error instanceof CollectorError ? error.hint : undefined;
      const message = error instanceof Error ? error.message : String(error);
      await fail(new EstatsError(message, { reason: 'push_failed', cause: error, hint }), false);
      continue;
    }
    ok++;
    seriesPushed += series;
    logger.debug('eStats target pushed', {
      target: label,
      group,
      series,
      attempts: answer.attempts,
      rateLimitRemaining: answer.rateLimitRemaining,
    });
  }

  const durationSeconds = Math.round(performance.now() - started) / 1000;
  const summary: EstatsRunSummary = {
    schedule: schedule.name,
    targets: schedule.targets.length,
    ok,
    failed,
    seriesPushed,
    durationSeconds,
  };
  try {
    await pushRunHealth(
      pushgateway,
      {
        job: JOB.estats,
        schedule: schedule.name,
        durationSeconds,
        okTargets: ok,
        failedTargets: failed.length,
        endedAt: new Date(),
      },
      deadline,
    );
  } catch (error) {
    summary.healthPushError = describeError(error);
    logger.error('cannot push the collector health group', { error });
  }
  return summary;
}

async function recordFailure(
  key: GroupingKey,
  target: string,
  reason: FailureReason,
  deps: EstatsCollectorDeps,
  deadline: Deadline,
): Promise<void> {
  try {
    await deps.pushgateway.put(key, await buildEstatsFailureMetrics(reason).text(), deadline);
  } catch (error) {
    deps.logger.error('cannot record the target failure in the Pushgateway', {
      target,
      error,
    });
  }
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
