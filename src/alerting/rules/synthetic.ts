import { JOB, LABEL, SYNTHETIC } from '../../metrics/catalogue';
import type { AlertGroupDefinition } from '../builders';
import type { AlertingConfig } from '../config';
import { freshest, quote } from '../promql';

const ON_PORT = `on(${LABEL.job}, ${LABEL.fleet}, ${LABEL.device}, ${LABEL.port})`;
/** A synthetic series as the freshest Pushgateway holds it (promql.ts). */
export const fresh = (series: string): string => freshest(series, JOB.synthetic);

export function syntheticRules(config: AlertingConfig): AlertGroupDefinition {
  const { synthetic } = config;
  const job = `${LABEL.job}=${quote(JOB.synthetic)}`;
  return {
    name: 'synthetic-telemetry',
    team: 'network',
    alerts: [
      {
        alert: 'SyntheticPortLinkDown',
        expr: `${fresh(`${SYNTHETIC.linkUp.name}{${job}}`)} == 0`,
        for: synthetic.linkDownFor,
        severity: synthetic.linkDownSeverity,
        summary: 'Link down on {{ $labels.device }} port {{ $labels.port }}',
        description:
          'Port {{ $labels.port }} of {{ $labels.device }} (fleet {{ $labels.fleet }}) reports its link down; it carries no traffic.',
        runbook: 'synthetic#syntheticportlinkdown',
      },
      {
        alert: 'SyntheticPortBufferNearCapacity',
        expr: `${fresh(`${SYNTHETIC.bufferBytes.name}{${job}}`)}\n/ ${ON_PORT} ${fresh(`${SYNTHETIC.bufferCapacityBytes.name}{${job}}`)} > ${synthetic.bufferFillAbove}`,
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
        expr: `${fresh(`${SYNTHETIC.linkUp.name}{${job}}`)} == 1\nand ${ON_PORT} ${fresh(`rate(${SYNTHETIC.receivePackets.name}{${job}}[5m])`)} == 0\nand ${ON_PORT} ${fresh(`rate(${SYNTHETIC.transmitPackets.name}{${job}}[5m])`)} == 0`,
        for: synthetic.noTrafficFor,
        severity: 'warning',
        summary: 'Link up but no traffic on {{ $labels.device }} port {{ $labels.port }}',
        description:
          'Port {{ $labels.port }} of {{ $labels.device }} is up but neither receives nor transmits packets.',
        runbook: 'synthetic#syntheticportnotraffic',
      },
      {
        alert: 'SyntheticDeviceRebooted',
        expr: `${fresh(`changes(${SYNTHETIC.bootTime.name}{${job}}[${synthetic.rebootWindow}])`)} > 0`,
        severity: 'info',
        summary: '{{ $labels.device }} rebooted',
        description: `The boot time of {{ $labels.device }} (fleet {{ $labels.fleet }}) changed in the last ${synthetic.rebootWindow}: it rebooted and its counters restarted from zero.`,
        runbook: 'synthetic#syntheticdevicerebooted',
      },
    ],
  };
}
