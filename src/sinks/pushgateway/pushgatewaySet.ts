import { describeGroup, type GroupingKey } from '../../metrics/groups';
import type { Deadline } from '../../shared/deadline';
import { describeError } from '../../shared/errors';
import type { DeliveryReport, MemberDelivery } from '../types';
import type { PushgatewayClient, PushResult } from './client';
import { PushError } from './errors';

/** What the collectors ask of one Pushgateway. */
export type PushgatewayApi = Pick<PushgatewayClient, 'put' | 'post' | 'delete' | 'listGroups'>;

/** One Pushgateway of the set, named by its URL (what logs, errors and self-metrics show). */
export interface PushgatewayMember {
  name: string;
  client: PushgatewayApi;
}

/**
 * After this many pushes of one run in a row failed on a Pushgateway for a reason a retry
 * might cure (unreachable, 5xx, timeout), it is skipped for the rest of the run: every push
 * would wait out its retries first, and a large fleet would then miss its deadline on the
 * Pushgateways that work. The next run tries it again.
 */
export const SKIP_AFTER_FAILURES_IN_A_ROW = 2;

interface Ledger {
  missed: number;
  firstError?: string;
  failuresInARow: number;
  /** The last failure, when a retry might cure it; what a skip reports. */
  lastFailure?: PushError;
}

/** The errors of pushes not tried (see SKIP_AFTER_FAILURES_IN_A_ROW). */
const skipped = new WeakSet<object>();

/**
 * The Pushgateways a stage pushes to (PUSHGATEWAY_URL may list several): every group goes to
 * each of them at once. A push succeeds when at least `quorum` of them took it; what each one
 * missed is kept for the run's report (`delivery()`), and the run counts as delivered when at
 * least `quorum` Pushgateways took every group. A deletion must reach all of them. With one
 * Pushgateway it behaves exactly as that Pushgateway's client.
 */
export class PushgatewaySet {
  readonly members: readonly PushgatewayMember[];
  readonly quorum: number;
  private readonly ledgers: Map<string, Ledger>;

  constructor(members: readonly PushgatewayMember[], quorum = 1) {
    if (members.length === 0) throw new Error('a PushgatewaySet needs at least one Pushgateway');
    if (!Number.isInteger(quorum) || quorum < 1 || quorum > members.length)
      throw new Error(`quorum ${quorum} must be between 1 and ${members.length}`);
    this.members = members;
    this.quorum = quorum;
    this.ledgers = new Map(members.map((m) => [m.name, { missed: 0, failuresInARow: 0 }]));
  }

  /** One Pushgateway, quorum 1. */
  static of(client: PushgatewayApi, name = 'pushgateway'): PushgatewaySet {
    return new PushgatewaySet([{ name, client }]);
  }

  /** PUT to every Pushgateway: the group is replaced on each. */
  put(key: GroupingKey, body: string, deadline: Deadline): Promise<PushResult> {
    return this.push(key, deadline, (client) => client.put(key, body, deadline));
  }

  /** POST to every Pushgateway. */
  post(key: GroupingKey, body: string, deadline: Deadline): Promise<PushResult> {
    return this.push(key, deadline, (client) => client.post(key, body, deadline));
  }

  /** DELETE from every Pushgateway; fails unless every one took it (the next run tries again). */
  async delete(key: GroupingKey, deadline: Deadline): Promise<PushResult> {
    const settled = await Promise.allSettled(
      this.members.map((m) => m.client.delete(key, deadline)),
    );
    const failures = this.failuresOf(settled);
    if (failures.length > 0) throw this.combined(describeGroup(key), failures, 'DELETE');
    return firstResult(settled);
  }

  /** What each Pushgateway missed in this run, and whether the quorum took every group. */
  delivery(): DeliveryReport {
    const pushgateways = this.members.map(({ name }): MemberDelivery => {
      const ledger = this.ledger(name);
      return {
        pushgateway: name,
        missedGroups: ledger.missed,
        ...(ledger.firstError ? { error: ledger.firstError } : {}),
      };
    });
    const complete = pushgateways.filter((p) => p.missedGroups === 0).length;
    return { quorum: this.quorum, delivered: complete >= this.quorum, pushgateways };
  }

  private async push(
    key: GroupingKey,
    deadline: Deadline,
    send: (client: PushgatewayApi) => Promise<PushResult>,
  ): Promise<PushResult> {
    const settled = await Promise.allSettled(
      this.members.map(async (member) => {
        const ledger = this.ledger(member.name);
        const skip = this.skipReason(member.name, describeGroup(key), ledger);
        if (skip) throw skip;
        return send(member.client);
      }),
    );
    settled.forEach((result, i) => this.record(this.members[i]?.name ?? '', result));
    const taken = settled.filter((r) => r.status === 'fulfilled').length;
    if (taken >= this.quorum) return firstResult(settled);
    const failures = this.failuresOf(settled);
    // One Pushgateway: its own error, unchanged.
    if (this.members.length === 1) throw failures[0]?.error;
    throw this.combined(describeGroup(key), failures, 'push');
  }

  private skipReason(name: string, group: string, ledger: Ledger): PushError | undefined {
    if (this.members.length === 1) return undefined;
    const last = ledger.lastFailure;
    if (ledger.failuresInARow < SKIP_AFTER_FAILURES_IN_A_ROW || !last) return undefined;
    const error = new PushError(
      `${group} not pushed to ${name}: it failed the previous ${ledger.failuresInARow} pushes of this run (last: ${last.message})`,
      {
        group,
        retryable: true,
        hint: 'the next run tries this Pushgateway again; its groups are then pushed whole',
      },
    );
    skipped.add(error);
    return error;
  }

  private record(name: string, result: PromiseSettledResult<unknown>): void {
    const ledger = this.ledger(name);
    if (result.status === 'fulfilled') {
      ledger.failuresInARow = 0;
      ledger.lastFailure = undefined;
      return;
    }
    ledger.missed++;
    ledger.firstError ??= describeError(result.reason);
    // A skipped push says nothing new about the Pushgateway: the failure that caused it stays.
    if (skipped.has(result.reason as object)) return;
    ledger.failuresInARow++;
    const error = result.reason;
    ledger.lastFailure = error instanceof PushError && error.retryable ? error : undefined;
  }

  private ledger(name: string): Ledger {
    const ledger = this.ledgers.get(name);
    if (!ledger) throw new Error(`unknown Pushgateway ${name}`);
    return ledger;
  }

  private failuresOf(
    settled: ReadonlyArray<PromiseSettledResult<unknown>>,
  ): Array<{ name: string; error: unknown }> {
    return settled.flatMap((result, i) =>
      result.status === 'rejected'
        ? [{ name: this.members[i]?.name ?? '', error: result.reason }]
        : [],
    );
  }

  private combined(
    group: string,
    failures: ReadonlyArray<{ name: string; error: unknown }>,
    what: 'push' | 'DELETE',
  ): unknown {
    if (this.members.length === 1) return failures[0]?.error;
    const taken = this.members.length - failures.length;
    const reasons = failures.map((f) => `${f.name}: ${describeError(f.error)}`).join('; ');
    const retryable = failures.some((f) => f.error instanceof PushError && f.error.retryable);
    // Refused by every Pushgateway that missed it (HTTP 400): the body is what they refuse.
    const refused = failures.every((f) => f.error instanceof PushError && f.error.status === 400);
    return new PushError(
      what === 'push'
        ? `push of ${group}: ${taken} of ${this.members.length} Pushgateways took it, fewer than the quorum of ${this.quorum}: ${reasons}`
        : `DELETE ${group}: ${failures.length} of ${this.members.length} Pushgateways did not take it: ${reasons}`,
      {
        group,
        retryable,
        ...(refused ? { status: 400 } : {}),
        hint:
          what === 'push'
            ? 'check the Pushgateways named; PUSHGATEWAY_QUORUM sets how many must take every group'
            : 'the next run deletes it again from the Pushgateways that missed it',
      },
    );
  }
}

function firstResult(settled: ReadonlyArray<PromiseSettledResult<PushResult>>): PushResult {
  for (const result of settled) if (result.status === 'fulfilled') return result.value;
  throw new Error('no Pushgateway took it');
}
