import type * as z from 'zod/mini';
import type { AlertGroupDefinition } from './builders';
import type { AlertingConfig } from './config';
import type { RuleScope } from './scope';

/**
 * A collector kind's part of the alerting, which its row of the collector table carries
 * (deploy/stage/collectors): its section of a stage file's `alerting:`, its rule group and
 * the series those rules read. The alerting code treats every kind alike through it, so it
 * names none.
 */
export interface CollectorAlerting<Settings extends z.ZodMiniType = z.ZodMiniType> {
  /** Its section's schema, defaults included (`alerting.<kind>` of a stage file). */
  settings: Settings;
  /** Seconds between its runs in the example stage: the interval its staleness assumes when a stage runs none. */
  defaultIntervalSeconds: number;
  /**
   * Its rule group. `section` is its part of the stage's alerting config, which its schema
   * gave: the kind parses it again to read it typed.
   */
  rules(section: unknown, config: AlertingConfig, scope: RuleScope): AlertGroupDefinition;
  /** The metric and label names its collector pushes, which its rules may read. */
  series: { metrics: readonly string[]; labels: readonly string[] };
}

/** What the alerting reads of a collector's row: its kind (its section's key), its job, its part. */
export interface AlertingCollector {
  kind: string;
  job: string;
  alerting: CollectorAlerting;
}
