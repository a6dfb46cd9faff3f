import { SINK_FACTORIES, type SinkName } from '../sinks/factories';
import { ConfigurationError } from '../shared/errors';

/**
 * What a stage's rules may rely on: where its collectors deliver (SINKS) and which schedules
 * it runs. The Pushgateway keeps every group until it is deleted, so a group's
 * `push_time_seconds` tells how stale it is. A remote-write store keeps samples only: a series
 * whose collector stopped just ends, and after Prometheus' 5-minute lookback it is gone from
 * every instant query, so its age can no longer be read from it. There, staleness is read
 * from sample times over a lookback, and from the schedules that should be delivering.
 */
export interface RuleScope {
  sinks: readonly SinkName[];
  /** Job → names of the stage's enabled schedules (the `schedule` of their health group). */
  schedules: Readonly<Record<string, readonly string[]>>;
}

/** The Pushgateway, as before sinks existed: the committed infra/alerting files. */
export const PUSHGATEWAY_SCOPE: RuleScope = { sinks: ['pushgateway'], schedules: {} };

/**
 * How the rules tell a stopped collector:
 * - `push-time`: every group sits in a Pushgateway that Prometheus scrapes; a group is stale
 *   when its last push is old (CollectorGroupStale).
 * - `sample-time`: samples reach the store by remote write, so series end when the collector
 *   stops (CollectorSuccessStale, CollectorSilent, AkamaiEstatsSampleStale). These also read
 *   right on a Pushgateway's data, so a stage writing to both gets them alone: the
 *   Pushgateway's form would flap on remote-written series.
 * A Graphite-only stage has nothing Prometheus reads; its rules take the sample-time form,
 * which holds for any Prometheus-compatible store the series are copied to.
 */
export type Staleness = 'push-time' | 'sample-time';

export function stalenessOf(scope: RuleScope): Staleness {
  const factories = scope.sinks.map((sink) => SINK_FACTORIES[sink]);
  const samplesRead = factories.some((f) => f.keeps === 'samples' && f.readByRules);
  return keepsGroups(scope) && !samplesRead ? 'push-time' : 'sample-time';
}

/** Whether a sink of the stage keeps groups (a Pushgateway): its own alerts then apply. */
export function keepsGroups(scope: RuleScope): boolean {
  return scope.sinks.some((sink) => SINK_FACTORIES[sink].keeps === 'groups');
}

/** Check a scope before rules are built from it: sample-time rules need the schedules. */
export function assertScope(scope: RuleScope): void {
  if (scope.sinks.length === 0)
    throw new ConfigurationError('the alert rules need at least one sink', {
      hint: 'pass the stage\'s SINKS, e.g. "pushgateway" or "remote-write"',
    });
  if (
    stalenessOf(scope) === 'sample-time' &&
    Object.values(scope.schedules).every((names) => names.length === 0)
  )
    throw new ConfigurationError(
      `the alert rules of sinks ${scope.sinks.join(', ')} watch each schedule of the stage, and none was given`,
      {
        hint: 'render them from a stage file (npm run alerting:export -- --stage NAME --sinks …), which lists the schedules',
      },
    );
}
