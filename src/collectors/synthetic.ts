import { createHash } from 'node:crypto';
import { REMOVED_DEVICES_RECHECK_MS } from '../constants';
import { JOB, LABEL, SYNTHETIC } from '../metrics/catalogue';
import type { PushgatewayClient } from '../pushgateway/client';
import { describeGroup } from '../pushgateway/grouping';
import { mapSettled } from '../shared/concurrency';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import type { SyntheticRunSummary } from './summaries';
import type { Logger } from '../shared/logger';
import type { FleetPlan } from '../synthetic/fleetConfig';
import { buildDeviceMetrics } from '../synthetic/metrics';
import { deviceGroupingKey } from '../metrics/groups';
import { modelSettings, sampleDevice } from '../synthetic/model';
import { finishRun, runGroups } from './runner';

export interface SyntheticCollectorDeps {
  pushgateway: PushgatewayClient;
  logger: Logger;
}

/**
 * One synthetic run: sample every device at the tick time, PUT each device's group (several
 * at once), delete the groups of devices no longer configured (when the device list changed,
 * or hourly), then report on the run.
 * Each device group is built completely before its PUT: a failure never leaves half a device.
 */
export async function collectSynthetic(
  plan: FleetPlan,
  tickSeconds: number,
  deps: SyntheticCollectorDeps,
  deadline: Deadline,
): Promise<SyntheticRunSummary> {
  const started = performance.now();
  const { pushgateway, logger } = deps;
  const fleet = plan.fleet.name;
  const settings = modelSettings(plan);
  let seriesPushed = 0;

  const failedDevices: SyntheticRunSummary['failedDevices'] = [];
  await runGroups({
    items: plan.devices,
    keyOf: (device) => deviceGroupingKey(fleet, device.name),
    concurrency: plan.fleet.pushConcurrency,
    // Sampled and serialised in the worker: only `pushConcurrency` bodies live at once.
    produce: async (device) => buildDeviceMetrics(sampleDevice(device, tickSeconds, settings)),
    sink: pushgateway,
    deadline,
    logger,
    onResult: (result) => {
      if (result.ok) {
        seriesPushed += result.series;
        return;
      }
      const failure = { device: result.item.name, message: describeError(result.error) };
      failedDevices.push(failure);
      logger.error('synthetic device push failed', {
        fleet,
        device: failure.device,
        error: failure.message,
      });
    },
  });

  const summary: SyntheticRunSummary = {
    fleet,
    tickTime: new Date(tickSeconds * 1000).toISOString(),
    devices: plan.devices.length,
    ports: plan.devices.reduce((sum, d) => sum + d.ports.length, 0),
    seriesPushed,
    failedDevices,
    removedDevices: [],
    durationSeconds: 0,
  };

  const devicesKey = createHash('sha256')
    .update(plan.devices.map((d) => d.name).join('\n'))
    .digest('hex');
  if (removalCheckDue(fleet, devicesKey)) {
    try {
      summary.removedDevices = await deleteRemovedDevices(plan, pushgateway, deadline);
      lastRemovalCheck.set(fleet, { devicesKey, at: Date.now() });
      if (summary.removedDevices.length > 0)
        logger.info('deleted groups of removed devices', {
          fleet,
          devices: summary.removedDevices,
        });
    } catch (error) {
      summary.removalError = describeError(error);
      logger.error('cannot delete the groups of removed devices', { fleet, error });
    }
  }

  summary.durationSeconds = Math.round(performance.now() - started) / 1000;
  const failed = failedDevices.length + (summary.removalError ? 1 : 0);
  const healthPushError = await finishRun(
    pushgateway,
    {
      job: JOB.synthetic,
      schedule: fleet,
      durationSeconds: summary.durationSeconds,
      okTargets: plan.devices.length - failedDevices.length,
      failedTargets: failed,
      endedAt: new Date(),
    },
    deadline,
    logger,
    (metrics) => {
      metrics.family(SYNTHETIC.fleetDevices).set(summary.devices);
      metrics.family(SYNTHETIC.fleetPorts).set(summary.ports);
    },
  );
  if (healthPushError) summary.healthPushError = healthPushError;
  return summary;
}

/**
 * When this container last looked for groups of removed devices, per fleet. Listing groups is
 * the Pushgateway's heaviest call (everything it holds, as JSON), and a device can only go away
 * when the configuration changes. So a warm container lists again only when its fleet's device
 * list changed, or after an hour: that covers a container still running an older configuration
 * during a deploy and pushing a device the new one already deleted.
 */
const lastRemovalCheck = new Map<string, { devicesKey: string; at: number }>();

function removalCheckDue(fleet: string, devicesKey: string): boolean {
  const last = lastRemovalCheck.get(fleet);
  return (
    !last || last.devicesKey !== devicesKey || Date.now() - last.at >= REMOVED_DEVICES_RECHECK_MS
  );
}

/** For tests: forget when removed devices were last looked for. */
export function resetRemovalChecksForTests(): void {
  lastRemovalCheck.clear();
}

/**
 * The Pushgateway never forgets a group: a device taken out of the configuration would keep
 * its last values forever. Delete every group of this fleet whose device is not configured.
 */
async function deleteRemovedDevices(
  plan: FleetPlan,
  pushgateway: PushgatewayClient,
  deadline: Deadline,
): Promise<string[]> {
  const configured = new Set(plan.devices.map((d) => d.name));
  const groups = await pushgateway.listGroups(deadline);
  const removed = groups
    .filter((labels) => labels.job === JOB.synthetic && labels[LABEL.fleet] === plan.fleet.name)
    .map((labels) => labels[LABEL.device])
    .filter(
      (device): device is string =>
        device !== undefined && device !== '' && !configured.has(device),
    );
  const keys = removed.map((device) => deviceGroupingKey(plan.fleet.name, device));
  const results = await mapSettled(keys, plan.fleet.pushConcurrency, (key) =>
    pushgateway.delete(key, deadline),
  );
  const failures = results.flatMap((r, i) =>
    r.status === 'rejected'
      ? [`${describeGroup(keys[i] ?? { job: '' })}: ${describeError(r.reason)}`]
      : [],
  );
  if (failures.length > 0)
    throw new CollectorError(
      `could not delete ${failures.length} removed device group(s): ${failures.join('; ')}`,
    );
  return removed;
}
