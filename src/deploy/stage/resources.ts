import { byKind } from './collectors';
import type { StageConfig } from './config';

/** The secrets each collector's function reads, by kind (its row's secretsRead). */
export function collectorSecrets(config: StageConfig): Record<string, string[]> {
  return byKind((collector) => collector.secretsRead(config, config.settings));
}

/** With the amp export format: the workspace and namespace the alerting export writes to. */
export function ampExportTarget(
  config: StageConfig,
): { workspaceId: string; region: string; namespace: string } | undefined {
  const { formats, amp, namespace } = config.alerting.export;
  return formats.includes('amp') && amp
    ? { workspaceId: amp.workspaceId, region: amp.region, namespace }
    : undefined;
}
