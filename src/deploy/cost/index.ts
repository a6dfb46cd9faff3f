import type { StageConfig } from '../stage/config';
import { type Architecture, formatCost } from './estimate';
import { stageUsage } from './usage';

/**
 * The estimated monthly cost of a stage, as packaging prints it: each function's runs, billed
 * time and calls (usage.ts) at the list prices of its region (prices.json).
 */
export function stageCostEstimate(config: StageConfig, region: string): string {
  const { settings } = config;
  const sinks = (settings.sinks ?? '').split(/[\s,]+/);
  return formatCost({
    usage: stageUsage(config),
    region,
    architecture: settings.architecture as Architecture,
    amp: sinks.includes('remote-write') && Boolean(settings.remoteWriteSigv4Region),
    vpc: Boolean(settings.vpcSubnetIds),
  });
}
