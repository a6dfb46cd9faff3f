import { type AkamaiClient, usablePerMinute } from './clients';
import { describeTarget, type EstatsTarget } from './targets';

/**
 * Which client requests each target: spread by each client's usable budget, in the order of
 * the targets' descriptions, so packaging (the budget table) and the function agree, and a
 * target added or removed moves few others. Moving a target to another client keeps its
 * group: groups are keyed by the target alone.
 */
export function assignTargets(
  targets: readonly EstatsTarget[],
  clients: readonly AkamaiClient[],
): Map<EstatsTarget, AkamaiClient> {
  const assigned = new Map<EstatsTarget, AkamaiClient>();
  if (clients.length === 0) return assigned;
  const counts = clients.map(() => 0);
  const ordered = [...targets].sort((a, b) =>
    describeTarget(a) < describeTarget(b) ? -1 : describeTarget(a) > describeTarget(b) ? 1 : 0,
  );
  for (const target of ordered) {
    let best = 0;
    for (let i = 1; i < clients.length; i++) {
      const load = ((counts[i] ?? 0) + 1) / usablePerMinute(clients[i] as AkamaiClient);
      const bestLoad = ((counts[best] ?? 0) + 1) / usablePerMinute(clients[best] as AkamaiClient);
      if (load < bestLoad) best = i;
    }
    counts[best] = (counts[best] ?? 0) + 1;
    assigned.set(target, clients[best] as AkamaiClient);
  }
  return assigned;
}

/**
 * The targets in the order the run takes them: each client's in turn, so every client's
 * budget is used from the start instead of one client's targets queueing behind another's.
 */
export function interleaveByClient(
  targets: readonly EstatsTarget[],
  assigned: ReadonlyMap<EstatsTarget, AkamaiClient>,
): EstatsTarget[] {
  const queues = new Map<string, EstatsTarget[]>();
  for (const target of targets) {
    const name = assigned.get(target)?.name ?? '';
    queues.set(name, [...(queues.get(name) ?? []), target]);
  }
  const order: EstatsTarget[] = [];
  const lanes = [...queues.values()];
  for (let i = 0; order.length < targets.length; i++)
    for (const lane of lanes) {
      const target = lane[i];
      if (target !== undefined) order.push(target);
    }
  return order;
}
