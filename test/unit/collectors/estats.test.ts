import type { EdgeGridSigner } from '../../../src/akamai/edgegrid';
import { EstatsError, type FailureReason } from '../../../src/akamai/errors';
import type { EstatsAnswer } from '../../../src/akamai/estatsClient';
import { estatsResponseSchema } from '../../../src/akamai/estatsSchema';
import { parseEstatsSchedule } from '../../../src/akamai/targets';
import {
  collectEstats,
  type EstatsCollectorDeps,
  type PacingClock,
} from '../../../src/collectors/estats';
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
  const sleeps: number[] = [];
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
    sleep: async (ms: number, deadline: Deadline, what: string) => {
      if (ms <= 0) return;
      await sleepWithin(ms > deadline.remainingMs() ? ms : 0, deadline, what);
      sleeps.push(ms);
      now += ms;
    },
  };
  const response = estatsResponseSchema.parse(sample);
  const deps: EstatsCollectorDeps = {
    credentialSource: options.secret
      ? { kind: 'secretsManager', secretId: 's', cacheTtlMs: 0 }
      : { kind: 'edgerc', path: '/nowhere', section: 'x' },
    sinks: new Deliveries([pushgatewaySink(PushgatewaySet.of(sink))]),
    clientOptions: {
      requestTimeoutMs: 1,
      retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
      maxResponseBytes: 1,
    },
    minRequestIntervalMs: 1_500,
    logger: createLogger({ write: () => {} }),
    credentials: {
      load: async () => {
        credentials.loads++;
        return {} as EdgeGridSigner;
      },
      forget: () => {
        credentials.forgets++;
      },
    },
    clock,
    requestEstats: async (target): Promise<EstatsAnswer> => {
      requested.push('cpCode' in target ? target.cpCode : 0);
      const next = script.shift() ?? 'ok';
      if (next !== 'ok') throw new EstatsError(`eStats refused: ${next}`, { reason: next });
      return { response, attempts: 1, durationSeconds: 0.1, rateLimitRemaining: undefined };
    },
  };
  return { deps, groups, requested, sleeps, credentials };
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

  it('paces requests to the configured interval', async () => {
    const f = fakes([]);
    await collectEstats(schedule(1, 2, 3), f.deps, NO_DEADLINE);
    expect(f.requested).toEqual([1, 2, 3]);
    expect(f.sleeps).toEqual([1_500, 1_500]);
  });

  it('reads a refused secret again once, and retries the target with it', async () => {
    const f = fakes(['auth_signature', 'ok', 'ok'], { secret: true });
    const summary = await collectEstats(schedule(1, 2), f.deps, NO_DEADLINE);
    expect(f.credentials).toEqual({ loads: 2, forgets: 1 });
    expect(f.requested).toEqual([1, 1, 2]);
    expect(summary.failed).toEqual([]);
  });

  it('stops requesting once fresh credentials were refused too, recording why for each target', async () => {
    const f = fakes(['auth_signature', 'auth_signature'], { secret: true });
    const summary = await collectEstats(schedule(1, 2, 3), f.deps, NO_DEADLINE);
    expect(f.requested).toEqual([1, 1]);
    expect(summary.failed.map((t) => t.reason)).toEqual([
      'auth_signature',
      'auth_signature',
      'auth_signature',
    ]);
    expect(summary.failed[1]?.message).toContain('not requested: eStats refused: auth_signature');
    expect(f.groups.get('3')).toContain('akamai_estats_failure_info{reason="auth_signature"} 1');
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
