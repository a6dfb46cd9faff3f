import type { GroupingKey } from '../../../../src/metrics/groups';
import { PushError } from '../../../../src/sinks/pushgateway/errors';
import {
  type PushgatewayApi,
  PushgatewaySet,
  SKIP_AFTER_FAILURES_IN_A_ROW,
} from '../../../../src/sinks/pushgateway/pushgatewaySet';
import { NO_DEADLINE } from '../../../../src/shared/deadline';

/** A Pushgateway that takes pushes until told to fail, and counts what reached it. */
function fakePushgateway(name: string) {
  const state = { failWith: undefined as PushError | undefined, calls: 0, deletes: 0 };
  const answer = async (key: GroupingKey) => {
    state.calls++;
    if (state.failWith) throw state.failWith;
    return { group: key.job, attempts: 1, bytesSent: 1 };
  };
  const client: PushgatewayApi = {
    put: answer,
    post: answer,
    delete: async (key) => {
      state.deletes++;
      return answer(key);
    },
    listGroups: async () => [],
  };
  return { member: { name, client }, state };
}

const down = (name: string) =>
  new PushError(`PUT to ${name}: connect ECONNREFUSED`, { group: 'g', retryable: true });
const refused = new PushError('PUT g: Pushgateway answered HTTP 400: bad', {
  group: 'g',
  status: 400,
  retryable: false,
});
const key = (n: number): GroupingKey => ({ job: 'j', labels: { n: String(n) } });

describe('PushgatewaySet', () => {
  it('takes a push that the quorum took, and reports what the other missed', async () => {
    const a = fakePushgateway('http://a');
    const b = fakePushgateway('http://b');
    const set = new PushgatewaySet([a.member, b.member], 1);
    b.state.failWith = down('http://b');
    await expect(set.put(key(1), 'x 1\n', NO_DEADLINE)).resolves.toMatchObject({ group: 'j' });
    expect(set.delivery()).toEqual({
      quorum: 1,
      delivered: true,
      pushgateways: [
        { pushgateway: 'http://a', missedGroups: 0 },
        {
          pushgateway: 'http://b',
          missedGroups: 1,
          error: 'PUT to http://b: connect ECONNREFUSED',
        },
      ],
    });
  });

  it('refuses a push fewer than the quorum took, naming each Pushgateway that failed', async () => {
    const a = fakePushgateway('http://a');
    const b = fakePushgateway('http://b');
    const set = new PushgatewaySet([a.member, b.member], 2);
    b.state.failWith = refused;
    const error = await set.post(key(1), 'x 1\n', NO_DEADLINE).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as PushError).message).toBe(
      'push of {job="j",n="1"}: 1 of 2 Pushgateways took it, fewer than the quorum of 2: http://b: PUT g: Pushgateway answered HTTP 400: bad',
    );
    expect((error as PushError).retryable).toBe(false);
    expect(set.delivery().delivered).toBe(false);
  });

  it('is not delivered when no Pushgateway took every group, though each group landed once', async () => {
    const a = fakePushgateway('http://a');
    const b = fakePushgateway('http://b');
    const set = new PushgatewaySet([a.member, b.member], 1);
    a.state.failWith = refused;
    await set.put(key(1), 'x 1\n', NO_DEADLINE);
    a.state.failWith = undefined;
    b.state.failWith = refused;
    await set.put(key(2), 'x 1\n', NO_DEADLINE);
    expect(set.delivery()).toMatchObject({
      delivered: false,
      pushgateways: [{ missedGroups: 1 }, { missedGroups: 1 }],
    });
  });

  it(`stops trying an unreachable Pushgateway after ${SKIP_AFTER_FAILURES_IN_A_ROW} failed pushes in a row`, async () => {
    const a = fakePushgateway('http://a');
    const b = fakePushgateway('http://b');
    const set = new PushgatewaySet([a.member, b.member], 1);
    b.state.failWith = down('http://b');
    for (let n = 1; n <= 5; n++) await set.put(key(n), 'x 1\n', NO_DEADLINE);
    expect(a.state.calls).toBe(5);
    expect(b.state.calls).toBe(SKIP_AFTER_FAILURES_IN_A_ROW);
    expect(set.delivery().pushgateways[1]).toEqual({
      pushgateway: 'http://b',
      missedGroups: 5,
      error: 'PUT to http://b: connect ECONNREFUSED',
    });
    // A fresh run (a new set) tries it again.
    b.state.failWith = undefined;
    await new PushgatewaySet([a.member, b.member], 1).put(key(6), 'x 1\n', NO_DEADLINE);
    expect(b.state.calls).toBe(SKIP_AFTER_FAILURES_IN_A_ROW + 1);
  });

  it('keeps trying a Pushgateway that refuses a group (the next group may be fine)', async () => {
    const a = fakePushgateway('http://a');
    const b = fakePushgateway('http://b');
    const set = new PushgatewaySet([a.member, b.member], 1);
    b.state.failWith = refused;
    for (let n = 1; n <= 4; n++) await set.put(key(n), 'x 1\n', NO_DEADLINE);
    expect(b.state.calls).toBe(4);
  });

  it('passes the one error of a single Pushgateway through unchanged, and never skips it', async () => {
    const a = fakePushgateway('http://a');
    const set = PushgatewaySet.of(a.member.client, 'http://a');
    a.state.failWith = down('http://a');
    for (let n = 1; n <= 3; n++)
      await expect(set.put(key(n), 'x 1\n', NO_DEADLINE)).rejects.toBe(a.state.failWith);
    expect(a.state.calls).toBe(3);
  });

  it('deletes from every Pushgateway, and fails naming the one that missed it', async () => {
    const a = fakePushgateway('http://a');
    const b = fakePushgateway('http://b');
    const set = new PushgatewaySet([a.member, b.member], 1);
    await set.delete(key(1), NO_DEADLINE);
    expect([a.state.deletes, b.state.deletes]).toEqual([1, 1]);
    b.state.failWith = down('http://b');
    await expect(set.delete(key(2), NO_DEADLINE)).rejects.toThrow(
      'DELETE {job="j",n="2"}: 1 of 2 Pushgateways did not take it: http://b: PUT to http://b: connect ECONNREFUSED',
    );
  });

  it('refuses a quorum it could never reach', () => {
    const a = fakePushgateway('http://a');
    expect(() => new PushgatewaySet([a.member], 2)).toThrow('quorum 2 must be between 1 and 1');
  });
});
