import { JOB, LABEL, SYNTHETIC } from '../metrics/catalogue';
import type { Deadline } from '../shared/deadline';
import { describeError } from '../shared/errors';
import type { SyntheticRunSummary } from './summaries';
import type { Logger } from '../shared/logger';
import type { FleetPlan } from '../synthetic/fleetConfig';
import { buildDeviceMetrics } from '../synthetic/metrics';
import { deviceGroupingKey } from '../metrics/groups';
import { modelSettings, sampleDevice } from '../synthetic/model';
import { deleteRemovedGroups } from './removal';
import { finishRun, runGroups, type RunSinks } from './runner';

export interface SyntheticCollectorDeps {
  sinks: RunSinks;
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
  const { sinks, logger } = deps;
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
    sink: sinks,
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

  try {
    // Every group of this fleet whose device is not configured.
    const configured = new Set(plan.devices.map((d) => d.name));
    const { deleted, deferredOn } = await deleteRemovedGroups(
      {
        owner: `fleet ${fleet}`,
        current: plan.devices.map((d) => deviceGroupingKey(fleet, d.name)),
        isRemoved: ({ labels }) =>
          labels.job === JOB.synthetic &&
          labels[LABEL.fleet] === fleet &&
          Boolean(labels[LABEL.device]) &&
          !configured.has(labels[LABEL.device] as string),
        concurrency: plan.fleet.pushConcurrency,
      },
      sinks.groupStores,
      deadline,
    );
    summary.removedDevices = deleted.map((key) => key.labels?.[LABEL.device] ?? '');
    if (summary.removedDevices.length > 0)
      logger.info('deleted groups of removed devices', {
        fleet,
        devices: summary.removedDevices,
      });
    if (deferredOn.length > 0) {
      summary.removalDeferredOn = deferredOn;
      logger.warn(
        'cannot look for groups of removed devices on some Pushgateways; the next run does',
        {
          fleet,
          pushgateways: deferredOn,
        },
      );
    }
  } catch (error) {
    summary.removalError = describeError(error);
    logger.error('cannot delete the groups of removed devices', { fleet, error });
  }

  summary.durationSeconds = Math.round(performance.now() - started) / 1000;
  const failed = failedDevices.length + (summary.removalError ? 1 : 0);
  const delivery = await finishRun(
    sinks,
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
  return { ...summary, ...delivery };
}
