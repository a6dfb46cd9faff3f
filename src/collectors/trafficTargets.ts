import { parseEstatsSchedule } from '../akamai/targets';
import type { Deadline } from '../shared/deadline';
import type { TrafficSchedule } from '../traffic/schedule';
import {
  type DiscoveryDeps,
  type PendingRemoval,
  withDiscoveredTargets,
} from './discoveredTargets';

/**
 * A traffic schedule with the CP codes its `discover` finds added, found exactly as eStats
 * finds its own (collectors/discoveredTargets.ts: the same filters, maxTargets, refresh and
 * the schedule's API client), and what its removal must keep for now. Itself without one.
 */
export async function withDiscoveredCpCodes(
  schedule: TrafficSchedule,
  deps: DiscoveryDeps,
  deadline: Deadline,
): Promise<{ schedule: TrafficSchedule; pending?: PendingRemoval }> {
  if (!schedule.discover) return { schedule };
  const asEstats = parseEstatsSchedule(
    { name: schedule.name, targets: schedule.targets, discover: schedule.discover },
    `traffic schedule ${schedule.name}`,
  );
  const found = await withDiscoveredTargets(
    { ...asEstats, ...(schedule.client ? { clients: [schedule.client] } : {}) },
    { ...deps, collector: 'traffic' },
    deadline,
  );
  const targets = found.schedule.targets.flatMap((target) =>
    'cpCode' in target
      ? [{ cpCode: target.cpCode, ...(target.name ? { name: target.name } : {}) }]
      : [],
  );
  return {
    schedule: { ...schedule, targets },
    ...(found.pending ? { pending: found.pending } : {}),
  };
}
