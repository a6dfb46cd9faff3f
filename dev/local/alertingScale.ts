import type { StageAlertingConfig } from '../../src/deploy/stage/alerting';
import { parseDuration } from '../../src/alerting/duration';
import { JOB } from '../../src/metrics/catalogue';

/** Seconds of a duration of the alerting config (validated when the files are built). */
export function durationSeconds(duration: string): number {
  return parseDuration(duration) ?? 0;
}

function scaled(duration: string, factor: number, minSeconds: number): string {
  return `${Math.max(minSeconds, Math.round(durationSeconds(duration) / factor))}s`;
}

/**
 * The same alerting, `factor` times faster: every `for`, lookback, schedule interval and
 * Alertmanager timing divided by `factor` (at least one second). For `npm start --speed` and
 * the end-to-end test, which must see alerts fire and resolve within minutes.
 */
export function accelerateAlerting(
  config: StageAlertingConfig,
  factor: number,
): StageAlertingConfig {
  if (factor === 1) return config;
  const c = structuredClone(config);
  const s = (d: string) => scaled(d, factor, 1);
  for (const key of ['edge5xxRatio', 'edgeFailureRatio', 'originFailureRatio'] as const)
    c.estats[key].for = s(c.estats[key].for);
  c.estats.trafficVanished.for = s(c.estats.trafficVanished.for);
  c.dashboardSeriesInterval = s(c.dashboardSeriesInterval);
  c.estats.trafficVanished.lookback = s(c.estats.trafficVanished.lookback);
  c.estats.targetFailing.for = s(c.estats.targetFailing.for);
  // The traffic job's groups come once a 5-minute bucket of Akamai's data, whose clock is
  // not accelerated: its staleness keeps Akamai's pace, and so do its own alert settings.
  c.collectors.intervals = Object.fromEntries(
    Object.entries(c.collectors.intervals).map(([job, seconds]) => [
      job,
      job === JOB.traffic ? seconds : Math.max(1, Math.round(seconds / factor)),
    ]),
  );
  c.collectors.pushFailingFor = s(c.collectors.pushFailingFor);
  c.collectors.successLookback = s(c.collectors.successLookback);
  c.collectors.silentFor = s(c.collectors.silentFor);
  c.collectors.pushgatewayDownFor = s(c.collectors.pushgatewayDownFor);
  c.synthetic.linkDownFor = s(c.synthetic.linkDownFor);
  c.synthetic.bufferFor = s(c.synthetic.bufferFor);
  c.synthetic.noTrafficFor = s(c.synthetic.noTrafficFor);
  c.synthetic.rebootWindow = s(c.synthetic.rebootWindow);
  // SLO windows stay as they are: a burn-rate threshold is the SLO window over them.
  c.slo.page.for = s(c.slo.page.for);
  c.slo.ticket.for = s(c.slo.ticket.for);
  c.slo.evaluationInterval = s(c.slo.evaluationInterval);
  c.slo.budgetInterval = s(c.slo.budgetInterval);
  c.routing.groupWait = s(c.routing.groupWait);
  c.routing.groupInterval = s(c.routing.groupInterval);
  c.routing.repeatInterval = s(c.routing.repeatInterval);
  return c;
}
