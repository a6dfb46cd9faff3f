import type { GroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import type { Deadline } from '../shared/deadline';

/** Where the collectors' groups can go (SINKS). */
export const SINK_NAMES = ['pushgateway', 'remote-write', 'graphite'] as const;
export type SinkName = (typeof SINK_NAMES)[number];

/** One group on its way out. */
export interface OutgoingGroup {
  key: GroupingKey;
  metrics: PushMetrics;
  /**
   * `replace`: the group is replaced whole (the Pushgateway's PUT); `merge`: only the families
   * sent are (its POST), e.g. a run's health group keeps its last success time. Sinks without
   * groups (remote write) write the series either way.
   */
  mode: 'replace' | 'merge';
}

/** One kind of receiver: it takes a group whole, or throws saying why. */
export interface MetricsSink {
  readonly name: SinkName;
  write(group: OutgoingGroup, deadline: Deadline): Promise<void>;
}
