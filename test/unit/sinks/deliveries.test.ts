import { ESTATS } from '../../../src/metrics/catalogue';
import { PushMetrics } from '../../../src/metrics/registry';
import { Deliveries } from '../../../src/sinks/deliveries';
import type { SinkName } from '../../../src/sinks/factories';
import type { GroupStore, MetricsSink, OutgoingGroup } from '../../../src/sinks/types';
import { NO_DEADLINE } from '../../../src/shared/deadline';

function sink(name: SinkName, failing = false) {
  const taken: OutgoingGroup[] = [];
  const writer: MetricsSink = {
    name,
    write: async (group) => {
      if (failing) throw new Error(`${name} is down`);
      taken.push(group);
    },
  };
  return { writer: { sink: writer }, taken };
}

const metrics = () => {
  const m = new PushMetrics();
  m.family(ESTATS.up).set(1);
  return m;
};

describe('Deliveries', () => {
  it('gives every group to each sink, replaced or merged', async () => {
    const a = sink('pushgateway');
    const b = sink('remote-write');
    const deliveries = new Deliveries([a.writer, b.writer]);
    await deliveries.put({ job: 'j' }, metrics(), NO_DEADLINE);
    await deliveries.post({ job: 'h' }, metrics(), NO_DEADLINE);
    for (const { taken } of [a, b])
      expect(taken.map((g) => [g.key.job, g.mode])).toEqual([
        ['j', 'replace'],
        ['h', 'merge'],
      ]);
    expect(deliveries.report()).toEqual({
      sinks: [
        { sink: 'pushgateway', failedGroups: 0 },
        { sink: 'remote-write', failedGroups: 0 },
      ],
    });
    expect(deliveries.groupStores).toEqual([]);
  });

  it('lets one failing sink stop nothing, and names it', async () => {
    const a = sink('pushgateway');
    const b = sink('remote-write', true);
    const deliveries = new Deliveries([a.writer, b.writer]);
    await expect(deliveries.put({ job: 'j' }, metrics(), NO_DEADLINE)).rejects.toThrow(
      '{job="j"} not delivered to remote-write: remote-write is down',
    );
    expect(a.taken).toHaveLength(1);
    expect(deliveries.report().sinks[1]).toEqual({
      sink: 'remote-write',
      failedGroups: 1,
      error: 'remote-write is down',
    });
  });

  it("offers the group stores of the sinks that keep groups, and their members' report", async () => {
    const store: GroupStore = {
      name: 'http://pg-a',
      listGroups: async () => [],
      delete: async () => {},
    };
    const members = {
      quorum: 1,
      delivered: true,
      pushgateways: [{ pushgateway: 'http://pg-a', missedGroups: 0 }],
    };
    const deliveries = new Deliveries([
      { ...sink('pushgateway').writer, groupStores: [store], delivery: () => members },
      sink('remote-write').writer,
    ]);
    expect(deliveries.groupStores).toEqual([store]);
    expect(deliveries.report().pushgateways).toEqual(members);
  });

  it('passes the error of a single sink through unchanged', async () => {
    const a = sink('remote-write', true);
    await expect(
      new Deliveries([a.writer]).put({ job: 'j' }, metrics(), NO_DEADLINE),
    ).rejects.toThrow(/^remote-write is down$/);
  });
});
