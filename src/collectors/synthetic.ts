import { JOB, LABEL, SYNTHETIC } from '../metrics/catalogue';
import type { Deadline } from '../shared/deadline';
import { describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import type { FleetPlan } from '../synthetic/fleetConfig';
import { buildDeviceMetrics } from '../synthetic/metrics';
import { deviceGroupingKey } from '../metrics/groups';
import { modelSettings, sampleDevice } from '../synthetic/model';
import { type FailedGroup, runCollector } from './pipeline';
import type { RunSinks } from './runner';
import type { RunDelivery } from './runner';

/** What one run did, as its summary log line reports it. */
export interface SyntheticRunSummary extends RunDelivery {
  fleet: string;
  tickTime: string;
  devices: number;
  ports: number;
  seriesPushed: number;
  failedDevices: Array<{ device: string; message: string }>;
  removedDevices: string[];
  /** Pushgateways that could not be searched for removed groups: the next run does. */
  removalDeferredOn?: string[];
  removalError?: string;
  durationSeconds: number;
}

export interface SyntheticCollectorDeps {
  sinks: RunSinks;
  logger: Logger;
  /** The stage that deployed the fleet: the owner of its groups (collectors/ownership.ts). */
  stage?: string;
}

/**
 * One synthetic run through the collector pipeline (collectors/pipeline.ts): sample every
 * device at the tick time and PUT its group (several at once); removal deletes the groups of
 * devices no longer configured (when the device list changed, or hourly). Each device group
 * is built completely before its PUT: a failure never leaves half a device.
 */
export async function collectSynthetic(
  plan: FleetPlan,
  tickSeconds: number,
  deps: SyntheticCollectorDeps,
  deadline: Deadline,
): Promise<SyntheticRunSummary> {
  const { sinks, logger } = deps;
  const fleet = plan.fleet.name;
  const settings = modelSettings(plan);
  const devices = plan.devices.length;
  const ports = plan.devices.reduce((sum, d) => sum + d.ports.length, 0);
  const configured = new Set(plan.devices.map((d) => d.name));
  const deviceFailure = (result: FailedGroup<FleetPlan['devices'][number]>) => ({
    device: result.item.name,
    message: describeError(result.error),
  });
  const run = await runCollector(
    {
      job: JOB.synthetic,
      schedule: fleet,
      stage: deps.stage,
      items: plan.devices,
      keyOf: (device) => deviceGroupingKey(fleet, device.name),
      concurrency: plan.fleet.pushConcurrency,
      // Sampled and serialised in the worker: only `pushConcurrency` bodies live at once.
      produce: async (device) => buildDeviceMetrics(sampleDevice(device, tickSeconds, settings)),
      failureOf: deviceFailure,
      log: (result) => {
        if (result.ok) return;
        const failure = deviceFailure(result);
        logger.error('synthetic device push failed', {
          fleet,
          device: failure.device,
          error: failure.message,
        });
      },
      removal: {
        what: 'devices',
        logField: 'devices',
        current: plan.devices.map((d) => deviceGroupingKey(fleet, d.name)),
        // Every group of this fleet whose device is not configured.
        isRemoved: ({ labels }) =>
          labels.job === JOB.synthetic &&
          labels[LABEL.fleet] === fleet &&
          Boolean(labels[LABEL.device]) &&
          !configured.has(labels[LABEL.device] as string),
        concurrency: plan.fleet.pushConcurrency,
        describe: (key) => key.labels?.[LABEL.device] ?? '',
      },
      logContext: { fleet },
      addHealthMetrics: (metrics) => {
        metrics.family(SYNTHETIC.fleetDevices).set(devices);
        metrics.family(SYNTHETIC.fleetPorts).set(ports);
      },
    },
    sinks,
    deadline,
    logger,
  );
  const { ok, failed, removed, ...outcome } = run;
  return {
    fleet,
    tickTime: new Date(tickSeconds * 1000).toISOString(),
    devices,
    ports,
    failedDevices: failed,
    removedDevices: removed,
    ...outcome,
  };
}
