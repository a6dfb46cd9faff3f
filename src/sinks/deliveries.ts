import { describeGroup, type GroupingKey } from '../metrics/groups';
import type { GroupContent } from '../metrics/content';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import { sinkUnreachable } from './failureKinds';
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
 * What a sink writes, in place of a group it did not take, so the previous values it holds do
 * not pass for current: the item's failure series (`up` 0 and the reason), built from the
 * error; undefined to leave the sink as it is.
 */
export type FailureFallback = (error: unknown) => GroupContent | undefined;

/** A sink that did not take a group and holds its failure series instead. */
export interface FellBack {
  sink: string;
  error: unknown;
}

/** What became of a group every sink took, or holds the failure series of instead. */
export interface PutOutcome {
  /** The sinks that hold the failure series; empty when every sink took the group. */
  fellBack: FellBack[];
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

  /**
   * Replace the group (a target's, a device's). With a `fallback`, a sink that does not take
   * it gets the failure series instead, that sink alone (the others keep what they took); it
   * then counts in `fellBack`, and only a sink where neither landed makes this throw.
   */
  async put(
    key: GroupingKey,
    metrics: GroupContent,
    deadline: Deadline,
    fallback?: FailureFallback,
  ): Promise<PutOutcome> {
    return { fellBack: await this.write({ key, metrics, mode: 'replace' }, deadline, fallback) };
  }

  /** Merge into the group (a run's health). */
  async post(key: GroupingKey, metrics: GroupContent, deadline: Deadline): Promise<void> {
    await this.write({ key, metrics, mode: 'merge' }, deadline);
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

  private async write(
    group: OutgoingGroup,
    deadline: Deadline,
    fallback?: FailureFallback,
  ): Promise<FellBack[]> {
    const settled = await Promise.allSettled(
      this.sinks.map((s) => writeOrFallBack(s, group, deadline, fallback)),
    );
    const fellBack = settled.flatMap((result, i) =>
      result.status === 'fulfilled' && result.value
        ? [{ sink: this.sinks[i]?.name ?? 'unknown', error: result.value.error }]
        : [],
    );
    const failures = settled.flatMap((result, i) =>
      result.status === 'rejected'
        ? [{ sink: this.sinks[i]?.name ?? 'unknown', error: result.reason as unknown }]
        : [],
    );
    // A sink that holds the failure series did not take the group either.
    for (const { sink, error } of [...fellBack, ...failures]) {
      const ledger = this.ledgers.get(sink);
      if (ledger) {
        ledger.failed++;
        ledger.error ??= describeError(error);
      }
    }
    if (failures.length === 0) return fellBack;
    if (this.sinks.length === 1) throw failures[0]?.error;
    throw new CollectorError(
      `${describeGroup(group.key)} not delivered to ${failures
        .map((f) => `${f.sink}: ${describeError(f.error)}`)
        .join('; ')}`,
      { hint: 'the other sinks took it; the next run delivers every group to every sink again' },
    );
  }
}

/**
 * The group to one sink; when the sink answered but did not take it, the fallback instead
 * (not when it could not be reached: sinkUnreachable). Resolves with
 * the first error when the fallback landed; rejects with it when neither did (the fallback's
 * own failure is most likely the same one, and the first says what happened to the data).
 */
async function writeOrFallBack(
  sink: MetricsSink,
  group: OutgoingGroup,
  deadline: Deadline,
  fallback: FailureFallback | undefined,
): Promise<{ error: unknown } | undefined> {
  try {
    await sink.write(group, deadline);
    return undefined;
  } catch (error) {
    const failureSeries = sinkUnreachable(error) ? undefined : fallback?.(error);
    if (!failureSeries) throw error;
    try {
      await sink.write({ key: group.key, metrics: failureSeries, mode: 'replace' }, deadline);
    } catch {
      throw error;
    }
    return { error };
  }
}
