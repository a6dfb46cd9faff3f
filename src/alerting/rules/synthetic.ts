import { JOB, LABEL, SYNTHETIC } from '../../metrics/catalogue';
import { alertRule } from '../builders';
import type { AlertingConfig } from '../config';
import { quote } from '../promql';
import type { RuleGroup } from '../types';

const ON_PORT = `on(${LABEL.job}, ${LABEL.fleet}, ${LABEL.device}, ${LABEL.port})`;

export function syntheticRules(config: AlertingConfig): RuleGroup {
  const { synthetic, runbookBaseUrl } = config;
  const job = `${LABEL.job}=${quote(JOB.synthetic)}`;
  return {
    name: 'synthetic-telemetry',
    rules: [
      alertRule(
        {
          alert: 'SyntheticPortLinkDown',
          expr: `${SYNTHETIC.linkUp.name}{${job}} == 0`,
          for: synthetic.linkDownFor,
          severity: synthetic.linkDownSeverity,
          team: 'network',
          summary: 'Link down on {{ $labels.device }} port {{ $labels.port }}',
          description:
            'Port {{ $labels.port }} of {{ $labels.device }} (fleet {{ $labels.fleet }}) reports its link down; it carries no traffic.',
          runbook: 'synthetic#syntheticportlinkdown',
        },
        runbookBaseUrl,
      ),
      alertRule(
        {
          alert: 'SyntheticPortBufferNearCapacity',
          expr: `${SYNTHETIC.bufferBytes.name}{${job}}\n/ ${ON_PORT} ${SYNTHETIC.bufferCapacityBytes.name}{${job}} > ${synthetic.bufferFillAbove}`,
          for: synthetic.bufferFor,
          severity: 'warning',
          team: 'network',
          summary:
            'Buffer of {{ $labels.device }} port {{ $labels.port }} {{ $value | humanizePercentage }} full',
          description:
            'The egress buffer of port {{ $labels.port }} on {{ $labels.device }} stays above the threshold: the port is congested and will drop packets.',
          runbook: 'synthetic#syntheticportbuffernearcapacity',
        },
        runbookBaseUrl,
      ),
      alertRule(
        {
          alert: 'SyntheticPortNoTraffic',
          expr: `${SYNTHETIC.linkUp.name}{${job}} == 1\nand ${ON_PORT} rate(${SYNTHETIC.receivePackets.name}{${job}}[5m]) == 0\nand ${ON_PORT} rate(${SYNTHETIC.transmitPackets.name}{${job}}[5m]) == 0`,
          for: synthetic.noTrafficFor,
          severity: 'warning',
          team: 'network',
          summary: 'Link up but no traffic on {{ $labels.device }} port {{ $labels.port }}',
          description:
            'Port {{ $labels.port }} of {{ $labels.device }} is up but neither receives nor transmits packets.',
          runbook: 'synthetic#syntheticportnotraffic',
        },
        runbookBaseUrl,
      ),
      alertRule(
        {
          alert: 'SyntheticDeviceRebooted',
          expr: `changes(${SYNTHETIC.bootTime.name}{${job}}[${synthetic.rebootWindow}]) > 0`,
          severity: 'info',
          team: 'network',
          summary: '{{ $labels.device }} rebooted',
          description: `The boot time of {{ $labels.device }} (fleet {{ $labels.fleet }}) changed in the last ${synthetic.rebootWindow}: it rebooted and its counters restarted from zero.`,
          runbook: 'synthetic#syntheticdevicerebooted',
        },
        runbookBaseUrl,
      ),
    ],
  };
}
