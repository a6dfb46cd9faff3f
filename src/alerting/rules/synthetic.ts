import * as z from 'zod/mini';
import { defaultsOf as section } from '../../shared/zod';
import { SYNTHETIC } from '../../metrics/catalogue';
import { bootTimeChanges, ON_PORT, SYNTHETIC_RECORDED } from '../../queries/synthetic';
import type { AlertGroupDefinition } from '../builders';
import type { CollectorAlerting } from '../collectorAlerting';
import { duration, ratio, severity } from '../settingKinds';

/** The `alerting.synthetic` section: the devices tick every minute. */
const SYNTHETIC_ALERT_SETTINGS = section(
  z.strictObject({
    linkDownFor: z._default(duration, '1m'),
    linkDownSeverity: z._default(severity, 'warning'),
    bufferFillAbove: z._default(ratio, 0.8),
    bufferFor: z._default(duration, '5m'),
    noTrafficFor: z._default(duration, '10m'),
    rebootWindow: z._default(duration, '15m'),
  }),
);
export type SyntheticAlertSettings = z.output<typeof SYNTHETIC_ALERT_SETTINGS>;

/** The synthetic fleets' part of the alerting. */
export const SYNTHETIC_ALERTING = {
  settings: SYNTHETIC_ALERT_SETTINGS,
  defaultIntervalSeconds: 60,
  rules: (section) => syntheticRules(SYNTHETIC_ALERT_SETTINGS.parse(section)),
  series: {
    metrics: Object.values(SYNTHETIC).map((family) => family.name),
    labels: Object.values(SYNTHETIC).flatMap((family) => [...family.labels]),
  },
} satisfies CollectorAlerting<typeof SYNTHETIC_ALERT_SETTINGS>;

export function syntheticRules(synthetic: SyntheticAlertSettings): AlertGroupDefinition {
  const { linkUp, bufferBytes, bufferCapacityBytes, receivePacketsRate, transmitPacketsRate } =
    SYNTHETIC_RECORDED;
  const rebooted = bootTimeChanges(synthetic.rebootWindow);
  return {
    name: 'synthetic-telemetry',
    team: 'network',
    recordings: [
      linkUp,
      bufferBytes,
      bufferCapacityBytes,
      receivePacketsRate,
      transmitPacketsRate,
      rebooted,
    ],
    alerts: [
      {
        alert: 'SyntheticPortLinkDown',
        expr: `${linkUp.record} == 0`,
        for: synthetic.linkDownFor,
        severity: synthetic.linkDownSeverity,
        summary: 'Link down on {{ $labels.device }} port {{ $labels.port }}',
        description:
          'Port {{ $labels.port }} of {{ $labels.device }} (fleet {{ $labels.fleet }}) reports its link down; it carries no traffic.',
        runbook: 'synthetic#syntheticportlinkdown',
      },
      {
        alert: 'SyntheticPortBufferNearCapacity',
        expr: `${bufferBytes.record}\n/ ${ON_PORT} ${bufferCapacityBytes.record} > ${synthetic.bufferFillAbove}`,
        for: synthetic.bufferFor,
        severity: 'warning',
        summary:
          'Buffer of {{ $labels.device }} port {{ $labels.port }} {{ $value | humanizePercentage }} full',
        description:
          'The egress buffer of port {{ $labels.port }} on {{ $labels.device }} stays above the threshold: the port is congested and will drop packets.',
        runbook: 'synthetic#syntheticportbuffernearcapacity',
      },
      {
        alert: 'SyntheticPortNoTraffic',
        expr: `${linkUp.record} == 1\nand ${ON_PORT} ${receivePacketsRate.record} == 0\nand ${ON_PORT} ${transmitPacketsRate.record} == 0`,
        for: synthetic.noTrafficFor,
        severity: 'warning',
        summary: 'Link up but no traffic on {{ $labels.device }} port {{ $labels.port }}',
        description:
          'Port {{ $labels.port }} of {{ $labels.device }} is up but neither receives nor transmits packets.',
        runbook: 'synthetic#syntheticportnotraffic',
      },
      {
        alert: 'SyntheticDeviceRebooted',
        expr: `${rebooted.record} > 0`,
        severity: 'info',
        summary: '{{ $labels.device }} rebooted',
        description: `The boot time of {{ $labels.device }} (fleet {{ $labels.fleet }}) changed in the last ${synthetic.rebootWindow}: it rebooted and its counters restarted from zero.`,
        runbook: 'synthetic#syntheticdevicerebooted',
      },
    ],
  };
}
