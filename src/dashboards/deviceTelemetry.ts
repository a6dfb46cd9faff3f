import { JOB, LABEL, SYNTHETIC } from '../metrics/catalogue';
import type { RecordedSeries } from '../queries/recorded';
import { ON_PORT, SYNTHETIC_RECORDED as RECORDED } from '../queries/synthetic';
import {
  alertAnnotation,
  dashboard,
  labelVariable,
  stateTimeline,
  target,
  timeseries,
} from './common';
import type { Dashboard } from './model';

const SELECTOR = `${LABEL.job}="${JOB.synthetic}", ${LABEL.fleet}=~"$fleet", ${LABEL.device}=~"$device", ${LABEL.port}=~"$port"`;
const DEVICE_SELECTOR = `${LABEL.job}="${JOB.synthetic}", ${LABEL.fleet}=~"$fleet", ${LABEL.device}=~"$device"`;
const LEGEND = '{{device}} {{port}}';

export function deviceTelemetryDashboard(): Dashboard {
  const rate = (series: RecordedSeries, legend: string, refId = 'A') =>
    target(`${series.record}{${SELECTOR}}`, `${LEGEND} ${legend}`, refId);
  return dashboard({
    uid: 'pushgate-devices',
    title: 'Device telemetry',
    description:
      'Switch ports per device: traffic, buffers, link state, errors, drops and reboots.',
    tags: ['devices', 'network'],
    variables: [
      labelVariable('fleet', 'Fleet', SYNTHETIC.linkUp.name, LABEL.fleet),
      labelVariable('device', 'Device', SYNTHETIC.linkUp.name, LABEL.device),
      labelVariable('port', 'Port', SYNTHETIC.linkUp.name, LABEL.port),
    ],
    annotations: [alertAnnotation('Synthetic.*')],
    rows: [
      {
        title: 'Traffic',
        panels: [
          timeseries(
            'Packets per second',
            { w: 12, h: 8 },
            [
              rate(RECORDED.receivePacketsRate, 'rx'),
              rate(RECORDED.transmitPacketsRate, 'tx', 'B'),
            ],
            'pps',
          ),
          timeseries(
            'Bytes per second',
            { w: 12, h: 8 },
            [rate(RECORDED.receiveBytesRate, 'rx'), rate(RECORDED.transmitBytesRate, 'tx', 'B')],
            'Bps',
          ),
        ],
      },
      {
        title: 'Utilisation and buffers',
        panels: [
          timeseries(
            'Line-rate utilisation (tx)',
            { w: 12, h: 8 },
            [
              target(
                `${RECORDED.transmitBytesRate.record}{${SELECTOR}}\n/ ${ON_PORT} ${RECORDED.portSpeed.record}{${SELECTOR}}`,
                LEGEND,
              ),
            ],
            'percentunit',
            { max: 1 },
          ),
          timeseries(
            'Buffer fill',
            { w: 12, h: 8 },
            [
              target(
                `${RECORDED.bufferBytes.record}{${SELECTOR}}\n/ ${ON_PORT} ${RECORDED.bufferCapacityBytes.record}{${SELECTOR}}`,
                LEGEND,
              ),
            ],
            'percentunit',
            { max: 1 },
          ),
        ],
      },
      {
        title: 'Links',
        panels: [
          stateTimeline(
            'Link state',
            { w: 24, h: 8 },
            [target(`${RECORDED.linkUp.record}{${SELECTOR}}`, LEGEND)],
            [
              { value: '1', text: 'up', color: 'green' },
              { value: '0', text: 'down', color: 'red' },
            ],
          ),
        ],
      },
      {
        title: 'Errors and drops',
        panels: [
          timeseries(
            'Errors per second',
            { w: 12, h: 8 },
            [rate(RECORDED.receiveErrorsRate, 'rx'), rate(RECORDED.transmitErrorsRate, 'tx', 'B')],
            'pps',
          ),
          timeseries(
            'Drops per second',
            { w: 12, h: 8 },
            [rate(RECORDED.receiveDropsRate, 'rx'), rate(RECORDED.transmitDropsRate, 'tx', 'B')],
            'pps',
          ),
        ],
      },
      {
        title: 'Lifecycle',
        panels: [
          timeseries(
            'Uptime',
            { w: 12, h: 8 },
            [target(`time() - ${RECORDED.bootTime.record}{${DEVICE_SELECTOR}}`, '{{device}}')],
            's',
            { description: 'Drops to zero when a device reboots (its counters restart too).' },
          ),
          timeseries(
            'Reboots and link flaps (last hour)',
            { w: 12, h: 8 },
            [
              target(
                `${RECORDED.rebootsLastHour.record}{${DEVICE_SELECTOR}}`,
                '{{device}} reboots',
              ),
              target(`${RECORDED.linkFlapsLastHour.record}{${SELECTOR}}`, `${LEGEND} flaps`, 'B'),
            ],
            'short',
          ),
        ],
      },
    ],
  });
}
