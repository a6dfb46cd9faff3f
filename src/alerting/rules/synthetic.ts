import { bootTimeChanges, ON_PORT, SYNTHETIC_RECORDED } from '../../queries/synthetic';
import type { AlertGroupDefinition } from '../builders';
import type { AlertingConfig } from '../config';

export function syntheticRules(config: AlertingConfig): AlertGroupDefinition {
  const { synthetic } = config;
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
