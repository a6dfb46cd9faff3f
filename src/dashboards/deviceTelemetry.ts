import { fresh } from '../alerting/rules/synthetic';
import { JOB, LABEL, SYNTHETIC } from '../metrics/catalogue';
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
const ON_PORT = `on(${LABEL.job}, ${LABEL.fleet}, ${LABEL.device}, ${LABEL.port})`;
const LEGEND = '{{device}} {{port}}';

export function deviceTelemetryDashboard(): Dashboard {
  const rate = (metric: string, legend: string, refId = 'A') =>
    target(fresh(`rate(${metric}{${SELECTOR}}[$__rate_interval])`), `${LEGEND} ${legend}`, refId);
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
              rate(SYNTHETIC.receivePackets.name, 'rx'),
              rate(SYNTHETIC.transmitPackets.name, 'tx', 'B'),
            ],
            'pps',
          ),
          timeseries(
            'Bytes per second',
            { w: 12, h: 8 },
            [
              rate(SYNTHETIC.receiveBytes.name, 'rx'),
              rate(SYNTHETIC.transmitBytes.name, 'tx', 'B'),
            ],
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
                `${fresh(`rate(${SYNTHETIC.transmitBytes.name}{${SELECTOR}}[$__rate_interval])`)}\n/ ${ON_PORT} ${fresh(`${SYNTHETIC.portSpeed.name}{${SELECTOR}}`)}`,
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
                `${fresh(`${SYNTHETIC.bufferBytes.name}{${SELECTOR}}`)}\n/ ${ON_PORT} ${fresh(`${SYNTHETIC.bufferCapacityBytes.name}{${SELECTOR}}`)}`,
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
            [target(fresh(`${SYNTHETIC.linkUp.name}{${SELECTOR}}`), LEGEND)],
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
            [
              rate(SYNTHETIC.receiveErrors.name, 'rx'),
              rate(SYNTHETIC.transmitErrors.name, 'tx', 'B'),
            ],
            'pps',
          ),
          timeseries(
            'Drops per second',
            { w: 12, h: 8 },
            [
              rate(SYNTHETIC.receiveDrops.name, 'rx'),
              rate(SYNTHETIC.transmitDrops.name, 'tx', 'B'),
            ],
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
            [
              target(
                `time() - ${fresh(`${SYNTHETIC.bootTime.name}{${DEVICE_SELECTOR}}`)}`,
                '{{device}}',
              ),
            ],
            's',
            { description: 'Drops to zero when a device reboots (its counters restart too).' },
          ),
          timeseries(
            'Reboots and link flaps (last hour)',
            { w: 12, h: 8 },
            [
              target(
                fresh(`changes(${SYNTHETIC.bootTime.name}{${DEVICE_SELECTOR}}[1h])`),
                '{{device}} reboots',
              ),
              target(
                fresh(`increase(${SYNTHETIC.linkFlaps.name}{${SELECTOR}}[1h])`),
                `${LEGEND} flaps`,
                'B',
              ),
            ],
            'short',
          ),
        ],
      },
    ],
  });
}
