import { CollectorRunError } from '../../src/collectors/errors';
import { handler } from '../../src/handlers/estats';
import type { TargetBehaviour } from '../../dev/simulators/akamai/server';
import { captureStdout, withEnv } from '../helpers/env';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import { lambdaContext } from '../helpers/lambdaContext';
import { useEstatsStack } from '../helpers/estatsStack';

/**
 * Akamai on a bad day, through the HTTPS stand-in (it checks every EdgeGrid signature) and the
 * real Pushgateway: each fault gets its own message and its own `reason` in the target's
 * failure metric, and a transient one is retried and lands the data.
 */
const stack = useEstatsStack();

beforeEach(async () => {
  await stack.pushgateway.wipe();
  stack.akamai.requests.length = 0;
});

function env(edgerc: string, extra: Record<string, string> = {}) {
  return {
    PUSHGATEWAY_URL: stack.pushgateway.url,
    AKAMAI_EDGERC: edgerc,
    AKAMAI_EDGERC_SECTION: 'standin',
    AKAMAI_SECRET_ID: undefined,
    ESTATS_MIN_INTERVAL_MS: '0',
    ESTATS_SCHEDULE: undefined,
    ESTATS_REQUEST_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

const invoke = (cpCode: number, extra: Record<string, string> = {}, edgerc = stack.edgercPath) =>
  withEnv(env(edgerc, extra), () =>
    captureStdout(() => handler({ targets: [{ cpCode }] }, lambdaContext(60_000))),
  );

async function failureReason(cpCode: number): Promise<string | undefined> {
  const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: String(cpCode) });
  return group?.families.get('akamai_estats_failure_info')?.metrics[0]?.labels.reason;
}

async function landed(cpCode: number): Promise<boolean> {
  const group = await stack.pushgateway.group({ job: 'akamai_estats', cp_code: String(cpCode) });
  return group?.families.get('akamai_estats_up')?.metrics[0]?.value === '1';
}

const TEN_MB_ANSWER = JSON.stringify({
  executionStatus: 'SUCCESS',
  result: { edgeHits: 1, padding: 'x'.repeat(10 * 1024 * 1024) },
});

describe('Akamai faults, each with its own message and failure reason', () => {
  it.each<[string, TargetBehaviour, string, string]>([
    ['a connection reset', { kind: 'reset' }, 'network', 'socket hang up'],
    [
      'a 10 MB answer',
      { kind: 'body', body: TEN_MB_ANSWER },
      'too_large',
      'the answer is far larger than any real eStats answer',
    ],
    ['429 without Retry-After', { kind: 'status', status: 429 }, 'rate_limited', 'HTTP 429'],
    ['a 5xx', { kind: 'status', status: 502 }, 'server_error', 'HTTP 502'],
    [
      'valid JSON of the wrong shape',
      { kind: 'body', body: '{"result":{"edgeStatusCodeDistribution":"none"}}' },
      'invalid_answer',
      'result.edgeStatusCodeDistribution',
    ],
    ['malformed JSON', { kind: 'body', body: '{"result": {' }, 'malformed_answer', 'not JSON'],
  ])('%s', async (_name, behaviour, reason, said) => {
    const cpCode = 100 + Math.floor(Math.random() * 100_000);
    stack.akamai.setBehaviour({ cpCode }, behaviour);
    try {
      const { error, lines } = await invoke(cpCode, { ESTATS_MAX_ATTEMPTS: '2' });
      expect(error).toBeInstanceOf(CollectorRunError);
      const message = (error as Error).message;
      expect(message).toContain(`cpCode ${cpCode} [${reason}]`);
      expect(`${message} ${(error as { hint?: string }).hint ?? ''} ${lines.join('\n')}`).toContain(
        said,
      );
      expect(await failureReason(cpCode)).toBe(reason);
      // Retryable faults were tried twice, the others once.
      const retryable = ['network', 'rate_limited', 'server_error'].includes(reason);
      expect(stack.akamai.requests).toHaveLength(retryable ? 2 : 1);
    } finally {
      stack.akamai.setBehaviour({ cpCode }, { kind: 'normal' });
    }
  });

  it.each<[string, TargetBehaviour]>([
    ['a connection reset', { kind: 'reset' }],
    ['429 without Retry-After', { kind: 'status', status: 429 }],
    ['a 5xx', { kind: 'status', status: 503 }],
  ])('retries %s once and lands the data', async (_name, behaviour) => {
    stack.akamai.queueBehaviour(behaviour);
    const { error } = await invoke(7);
    expect(error).toBeUndefined();
    expect(await landed(7)).toBe(true);
    expect(stack.akamai.requests).toHaveLength(2);
  });

  it('tells a skewed clock apart (400 invalid timestamp) and says to synchronise it', async () => {
    // Akamai's clock 5 minutes ahead of ours is the same as ours 5 minutes behind.
    const skewed = await startAkamaiStandin({ now: () => Date.now() + 5 * 60_000 });
    try {
      const { error } = await invoke(21, {}, skewed.edgercPath);
      expect((error as Error).message).toContain(
        'cpCode 21 [clock_skew]: eStats for cpCode 21: HTTP 400 invalid timestamp',
      );
      expect((error as Error).message).toContain('synchronise');
      expect(await failureReason(21)).toBe('clock_skew');
      expect(skewed.akamai.requests).toHaveLength(1);
    } finally {
      await skewed.akamai.stop();
    }
  });
});
