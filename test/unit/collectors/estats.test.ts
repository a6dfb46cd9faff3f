import type { EdgeGridSigner } from '../../../src/akamai/edgegrid';
import { EstatsError, type FailureReason } from '../../../src/akamai/errors';
import type { EstatsAnswer } from '../../../src/akamai/estatsClient';
import { estatsResponseSchema } from '../../../src/akamai/estatsSchema';
import { parseEstatsSchedule } from '../../../src/akamai/targets';
import type { PacingClock } from '../../../src/akamai/answerWaits';
import { collectEstats } from '../../../src/collectors/estats';
import type { EstatsCollectorDeps } from '../../../src/collectors/estatsSource';
import { pushgatewaySink } from '../../../src/sinks/pushgateway/sink';
import { Deliveries } from '../../../src/sinks/deliveries';
import { type PushgatewayApi, PushgatewaySet } from '../../../src/sinks/pushgateway/pushgatewaySet';
import type { GroupingKey } from '../../../src/metrics/groups';
import { type Deadline, deadlineIn, NO_DEADLINE, sleepWithin } from '../../../src/shared/deadline';
import { createLogger } from '../../../src/shared/logger';
import sample from '../../fixtures/estats-sample.json';

/**
 * The eStats run's orchestration rules with fakes for everything outside it: the sink (the
 * Pushgateway), the eStats requests, the credentials and the clock. What each request answers
 * is scripted per call.
 */
type Script = Array<'ok' | FailureReason>;

function fakes(script: Script, options: { secret?: boolean } = {}) {
  const groups = new Map<string, string>();
  const requested: number[] = [];
  const starts: number[] = [];
  const credentials = { loads: 0, forgets: 0 };
  let now = 0;
  const sink: PushgatewayApi = {
    put: async (key: GroupingKey, body: string) => {
      groups.set(key.labels?.cp_code ?? '', body);
      return { group: '', attempts: 1, bytesSent: body.length };
    },
    post: async () => ({ group: '', attempts: 1, bytesSent: 0 }),
    // These schedules have no stage: they own no group and never list or delete.
    listGroups: async () => {
      throw new Error('a schedule without a stage must not list groups');
    },
    delete: async () => {
      throw new Error('a schedule without a stage must not delete groups');
    },
  };
  const clock: PacingClock = {
    now: () => now,
    // The real rule (refuse a wait that would pass the deadline), on virtual time.
    sleep: async (ms: number, deadline: Deadline, what: string, signal?: AbortSignal) => {
      if (ms <= 0) return;
      await sleepWithin(ms > deadline.remainingMs() ? ms : 0, deadline, what);
      // Sleepers that began at the same virtual time wake at the same virtual time; one
      // woken early (an answer came) leaves the time where it is.
      const wakeAt = now + ms;
      await new Promise((resolve) => setImmediate(resolve));
      if (!signal?.aborted) now = Math.max(now, wakeAt);
    },
  };
  const response = estatsResponseSchema.parse(sample);
  const deps: EstatsCollectorDeps = {
    credentialSourceOf: () =>
      options.secret
        ? { kind: 'secretsManager', secretId: 's', cacheTtlMs: 0 }
        : { kind: 'edgerc', path: '/nowhere', section: 'x' },
    sinks: new Deliveries([pushgatewaySink(PushgatewaySet.of(sink))]),
    clientOptions: {
      requestTimeoutMs: 1,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      maxResponseBytes: 1,
    },
    pacing: { fallbackIntervalMs: 1_500, windowMs: 60_000, maxInFlight: 4 },
    logger: createLogger({ write: () => {} }),
    credentials: () => ({
      load: async () => {
        credentials.loads++;
        return {} as EdgeGridSigner;
      },
      forget: () => {
        credentials.forgets++;
      },
    }),
    clock,
    // The transport as fetchEstats drives it: through the client's budget, with answers that
    // carry no rate-limit headers (so the budget falls back to fixed spacing).
    requestEstats: async (target, request): Promise<EstatsAnswer> => {
      const permit = await request.budget?.acquire(request.deadline, 'test', 0);
      const cancelled = request.cancelled?.();
      if (cancelled) {
        if (permit) request.budget?.settle(permit);
        throw cancelled;
      }
      requested.push('cpCode' in target ? target.cpCode : 0);
      starts.push(now);
      const next = script.shift() ?? 'ok';
      if (permit)
        request.budget?.settle(permit, { status: next === 'ok' ? 200 : 500, headers: {} });
      if (next !== 'ok') throw new EstatsError(`eStats refused: ${next}`, { reason: next });
      return { response, attempts: 1, durationSeconds: 0.1, rateLimitRemaining: undefined };
    },
  };
  return { deps, groups, requested, starts, credentials };
}

const schedule = (...cpCodes: number[]) =>
  parseEstatsSchedule({ targets: cpCodes.map((cpCode) => ({ cpCode })) });
const upOf = (body: string | undefined) => /^akamai_estats_up (\d)$/m.exec(body ?? '')?.[1];

describe('an eStats run (orchestration, with fakes)', () => {
  it('isolates targets: a failing one gets up 0 and its reason, the others their data', async () => {
    const f = fakes(['ok', 'server_error', 'ok']);
    const summary = await collectEstats(schedule(1, 2, 3), f.deps, NO_DEADLINE);
    expect([upOf(f.groups.get('1')), upOf(f.groups.get('2')), upOf(f.groups.get('3'))]).toEqual([
      '1',
      '0',
      '1',
    ]);
    expect(f.groups.get('2')).toContain('akamai_estats_failure_info{reason="server_error"} 1');
    expect(summary.failed.map((t) => [t.target, t.reason])).toEqual([['cpCode 2', 'server_error']]);
    expect(summary.ok).toBe(2);
  });

  it('paces requests to the configured interval when Akamai sends no rate-limit headers', async () => {
    const f = fakes([]);
    await collectEstats(schedule(1, 2, 3), f.deps, NO_DEADLINE);
    expect(f.requested).toEqual([1, 2, 3]);
    expect(f.starts).toEqual([0, 1_500, 3_000]);
  });

  it('reads a refused secret again once, and retries the target with it', async () => {
    const f = fakes(['auth_signature', 'ok', 'ok'], { secret: true });
    const summary = await collectEstats(schedule(1, 2), f.deps, NO_DEADLINE);
    expect(f.credentials).toEqual({ loads: 2, forgets: 1 });
    // Target 2 went out while the secret was read again; target 1 was retried with it.
    expect([...f.requested].sort()).toEqual([1, 1, 2]);
    expect(summary.failed).toEqual([]);
  });

  it('stops requesting once fresh credentials were refused too, recording why for each target', async () => {
    const f = fakes(Array(10).fill('auth_signature'), { secret: true });
    const summary = await collectEstats(schedule(1, 2, 3, 4), f.deps, NO_DEADLINE);
    expect(f.credentials).toEqual({ loads: 2, forgets: 1 });
    // Target 1 and target 2 (already in flight) once each with the old secret and once more
    // with the fresh one at most; nothing after a fresh secret was refused.
    expect(f.requested.length).toBeLessThanOrEqual(4);
    expect(f.requested).not.toContain(4);
    expect(summary.failed.map((t) => t.reason)).toEqual(Array(4).fill('auth_signature'));
    expect(summary.failed.find((t) => t.target === 'cpCode 4')?.message).toContain(
      'not requested: eStats refused: auth_signature',
    );
    expect(f.groups.get('4')).toContain('akamai_estats_failure_info{reason="auth_signature"} 1');
  });

  it('does not read an .edgerc again after a refusal (nothing rotates it mid-run)', async () => {
    const f = fakes(['auth_signature']);
    await collectEstats(schedule(1, 2), f.deps, NO_DEADLINE);
    expect(f.credentials).toEqual({ loads: 1, forgets: 0 });
    expect(f.requested).toEqual([1]);
  });

  it('reports a target it had no time left to pace as a deadline failure, not a hang', async () => {
    const f = fakes([]);
    const summary = await collectEstats(schedule(1, 2), f.deps, deadlineIn(1_000));
    expect(f.requested).toEqual([1]);
    expect(summary.failed.map((t) => [t.target, t.reason])).toEqual([['cpCode 2', 'deadline']]);
  });
});
