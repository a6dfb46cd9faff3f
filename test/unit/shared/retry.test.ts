import { deadlineIn, NO_DEADLINE } from '../../../src/shared/deadline';
import { type AttemptResult, retryWithinDeadline } from '../../../src/shared/retry';

class FakeError extends Error {
  withNote(note: string): FakeError {
    return new FakeError(`${this.message}${note}`);
  }
}

const policy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 };
const fail = (retryable: boolean, retryAfterMs?: number): AttemptResult<string, FakeError> => ({
  ok: false,
  error: new FakeError('boom'),
  retryable,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

/** An attempt function answering from a script, recording the timeouts it was given. */
function scripted(results: Array<AttemptResult<string, FakeError>>) {
  const timeouts: number[] = [];
  return {
    timeouts,
    attempt: async (_n: number, timeoutMs: number) => {
      timeouts.push(timeoutMs);
      const next = results.shift();
      if (!next) throw new Error('called more often than scripted');
      return next;
    },
  };
}

const base = {
  policy,
  attemptTimeoutMs: 1_000,
  minAttemptMs: 20,
  noTimeLeft: () => new FakeError('no time left'),
  withNote: (error: FakeError, note: string) => error.withNote(note),
  random: () => 1,
};

describe('retryWithinDeadline', () => {
  it('retries what is retryable until it succeeds, counting the attempts', async () => {
    const script = scripted([fail(true), fail(true), { ok: true, value: 'done' }]);
    await expect(
      retryWithinDeadline({ ...base, deadline: NO_DEADLINE, attempt: script.attempt }),
    ).resolves.toEqual({ value: 'done', attempts: 3 });
  });

  it('stops at once on a failure that is not retryable, the error as it was', async () => {
    const script = scripted([fail(false)]);
    const error = await retryWithinDeadline({
      ...base,
      deadline: NO_DEADLINE,
      attempt: script.attempt,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom');
  });

  it('says how many attempts it made when they run out, with a new error', async () => {
    const first = fail(true);
    const script = scripted([first, fail(true), fail(true)]);
    const error = await retryWithinDeadline({
      ...base,
      deadline: NO_DEADLINE,
      attempt: script.attempt,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom (after 3 attempts)');
    // Built anew, never mutated: the attempt's own error keeps its message.
    expect(first.ok ? '' : first.error.message).toBe('boom');
  });

  it("waits at least the service's Retry-After, and gives up when that would pass the deadline", async () => {
    const script = scripted([fail(true, 5_000)]);
    const error = await retryWithinDeadline({
      ...base,
      deadline: deadlineIn(2_000),
      attempt: script.attempt,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "boom (not retried: waiting 5 s would pass the function's deadline)",
    );
  });

  it('cuts every attempt to the time left, and starts none without enough of it', async () => {
    const script = scripted([{ ok: true, value: 'x' }]);
    await retryWithinDeadline({ ...base, deadline: deadlineIn(500), attempt: script.attempt });
    expect(script.timeouts[0]).toBeLessThanOrEqual(500);
    await expect(
      retryWithinDeadline({ ...base, deadline: deadlineIn(10), attempt: script.attempt }),
    ).rejects.toThrow('no time left');
  });

  it("words the deadline note the caller's way when asked", async () => {
    const script = scripted([fail(true, 5_000)]);
    const error = await retryWithinDeadline({
      ...base,
      deadline: deadlineIn(2_000),
      attempt: script.attempt,
      deadlineNote: (_delay, attempt) => `gave up after ${attempt} attempts`,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('boom (gave up after 1 attempts)');
  });
});
