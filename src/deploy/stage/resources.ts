import { scheduleSecrets } from '../../scrape/schedule';
import type { StageConfig } from './config';

/** The secrets the scrape function reads: its enabled schedules' targets' auth and TLS. */
export function scrapeTargetSecrets(config: StageConfig): string[] {
  const secrets = config.scrape.filter((s) => s.enabled).flatMap((s) => scheduleSecrets(s.input));
  return [...new Set(secrets)].sort();
}

/** The secrets the eStats function reads: those its enabled schedules' clients name. */
export function estatsClientSecrets(config: StageConfig): string[] {
  const secrets = config.estats
    .filter((s) => s.enabled)
    .flatMap((s) => s.input.clients ?? [])
    .flatMap((client) => (client.secret !== undefined ? [client.secret] : []));
  return [...new Set(secrets)].sort();
}

/** Whether any enabled eStats schedule reads the function's own AKAMAI_SECRET_ID. */
export function usesDefaultClient(config: StageConfig): boolean {
  return config.estats.some((s) => s.enabled && s.input.clients === undefined);
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
