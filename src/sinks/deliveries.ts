import { describeGroup, type GroupingKey } from '../metrics/groups';
import type { GroupContent } from '../metrics/content';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import type {
  ConnectedSink,
  DeliveryReport,
  GroupStore,
  MetricsSink,
  OutgoingGroup,
} from './types';

/** How one sink fared in this run. */
export interface SinkDelivery {
  sink: string;
  /** Groups it did not take. */
  failedGroups: number;
  /** The first reason, when it failed any. */
  error?: string;
}

export interface DeliveriesReport {
  sinks: SinkDelivery[];
  /** With a sink of several members (Pushgateways): what each missed, and the quorum. */
  pushgateways?: DeliveryReport;
}

/**
 * Where a run's groups go: every sink of the stage (SINKS), each group to all of them at once.
 * One failing sink never stops another: a group counts as delivered when every sink took it,
 * and the error names each sink that did not. With one sink it is that sink, errors unchanged.
 * Sinks that keep groups (the Pushgateways) are also where the groups of removed targets are
 * deleted: their group stores.
 */
export class Deliveries {
  readonly sinks: readonly MetricsSink[];
  /** Where removed groups are deleted (none when no sink keeps groups). */
  readonly groupStores: readonly GroupStore[];
  private readonly ledgers: Map<string, { failed: number; error?: string }>;

  constructor(private readonly connected: readonly ConnectedSink[]) {
    if (connected.length === 0) throw new Error('Deliveries needs at least one sink');
    this.sinks = connected.map((c) => c.sink);
    this.groupStores = connected.flatMap((c) => c.groupStores ?? []);
    this.ledgers = new Map(this.sinks.map((s) => [s.name, { failed: 0 }]));
  }

  /** Replace the group (a target's, a device's). */
  put(key: GroupingKey, metrics: GroupContent, deadline: Deadline): Promise<void> {
    return this.write({ key, metrics, mode: 'replace' }, deadline);
  }

  /** Merge into the group (a run's health). */
  post(key: GroupingKey, metrics: GroupContent, deadline: Deadline): Promise<void> {
    return this.write({ key, metrics, mode: 'merge' }, deadline);
  }

  report(): DeliveriesReport {
    return {
      sinks: this.sinks.map(({ name }) => {
        const ledger = this.ledgers.get(name) ?? { failed: 0 };
        return {
          sink: name,
          failedGroups: ledger.failed,
          ...(ledger.error ? { error: ledger.error } : {}),
        };
      }),
      ...this.memberDelivery(),
    };
  }

  private memberDelivery(): { pushgateways?: DeliveryReport } {
    const withMembers = this.connected.find((c) => c.delivery);
    return withMembers?.delivery ? { pushgateways: withMembers.delivery() } : {};
  }

  private async write(group: OutgoingGroup, deadline: Deadline): Promise<void> {
    const settled = await Promise.allSettled(this.sinks.map((s) => s.write(group, deadline)));
    const failures = settled.flatMap((result, i) => {
      if (result.status === 'fulfilled') return [];
      const sink = this.sinks[i]?.name ?? 'unknown';
      const ledger = this.ledgers.get(sink);
      if (ledger) {
        ledger.failed++;
        ledger.error ??= describeError(result.reason);
      }
      return [{ sink, error: result.reason as unknown }];
    });
    if (failures.length === 0) return;
    if (this.sinks.length === 1) throw failures[0]?.error;
    throw new CollectorError(
      `${describeGroup(group.key)} not delivered to ${failures
        .map((f) => `${f.sink}: ${describeError(f.error)}`)
        .join('; ')}`,
      { hint: 'the other sinks took it; the next run delivers every group to every sink again' },
    );
  }
}
