import type { GroupingKey } from '../metrics/groups';
import type { PushMetrics } from '../metrics/registry';
import { describeGroup } from '../pushgateway/grouping';
import type { DeliveryReport, PushgatewaySet } from '../pushgateway/pushgatewaySet';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import { pushgatewaySink } from './pushgatewaySink';
import type { MetricsSink, OutgoingGroup, SinkName } from './types';

/** How one sink fared in this run. */
export interface SinkDelivery {
  sink: SinkName;
  /** Groups it did not take. */
  failedGroups: number;
  /** The first reason, when it failed any. */
  error?: string;
}

export interface DeliveriesReport {
  sinks: SinkDelivery[];
  /** With a Pushgateway sink: what each Pushgateway missed, and the quorum. */
  pushgateways?: DeliveryReport;
}

/**
 * Where a run's groups go: every sink of the stage (SINKS), each group to all of them at once.
 * One failing sink never stops another: a group counts as delivered when every sink took it,
 * and the error names each sink that did not. With one sink it is that sink, errors unchanged.
 * The Pushgateways, when a sink, are also where the groups of removed targets are deleted.
 */
export class Deliveries {
  private readonly ledgers: Map<SinkName, { failed: number; error?: string }>;

  constructor(
    readonly sinks: readonly MetricsSink[],
    private readonly pushgatewaySet?: Pick<PushgatewaySet, 'members' | 'delivery'>,
  ) {
    if (sinks.length === 0) throw new Error('Deliveries needs at least one sink');
    this.ledgers = new Map(sinks.map((s) => [s.name, { failed: 0 }]));
  }

  /** The Pushgateway(s) as the only sink, as SINKS' default gives. */
  static toPushgateways(pushgateways: PushgatewaySet): Deliveries {
    return new Deliveries([pushgatewaySink(pushgateways)], pushgateways);
  }

  /** The Pushgateways to delete removed groups from (none without a Pushgateway sink). */
  get members(): PushgatewaySet['members'] {
    return this.pushgatewaySet?.members ?? [];
  }

  /** Replace the group (a target's, a device's). */
  put(key: GroupingKey, metrics: PushMetrics, deadline: Deadline): Promise<void> {
    return this.write({ key, metrics, mode: 'replace' }, deadline);
  }

  /** Merge into the group (a run's health). */
  post(key: GroupingKey, metrics: PushMetrics, deadline: Deadline): Promise<void> {
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
      ...(this.pushgatewaySet ? { pushgateways: this.pushgatewaySet.delivery() } : {}),
    };
  }

  private async write(group: OutgoingGroup, deadline: Deadline): Promise<void> {
    const settled = await Promise.allSettled(this.sinks.map((s) => s.write(group, deadline)));
    const failures = settled.flatMap((result, i) => {
      if (result.status === 'fulfilled') return [];
      const sink = this.sinks[i]?.name ?? 'pushgateway';
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
