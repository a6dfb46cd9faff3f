import { LABEL, SYNTHETIC } from '../metrics/catalogue';
import { on } from './promql';
import { freshestCopy } from './recorded';

/** Two series of the same port meet on these. */
export const ON_PORT = on([LABEL.job, LABEL.fleet, LABEL.device, LABEL.port]);
/** The window of every recorded per-second rate. */
export const RATE_WINDOW = '5m';
/** The window of the dashboards' "last hour" counts. */
export const HOUR = '1h';

const rate = (metric: string) => freshestCopy('device', metric, { fn: 'rate', range: RATE_WINDOW });

/** The freshest copy of each synthetic series that alerts and dashboards read. */
export const SYNTHETIC_RECORDED = {
  linkUp: freshestCopy('device', SYNTHETIC.linkUp.name),
  bufferBytes: freshestCopy('device', SYNTHETIC.bufferBytes.name),
  bufferCapacityBytes: freshestCopy('device', SYNTHETIC.bufferCapacityBytes.name),
  portSpeed: freshestCopy('device', SYNTHETIC.portSpeed.name),
  bootTime: freshestCopy('device', SYNTHETIC.bootTime.name),
  receivePacketsRate: rate(SYNTHETIC.receivePackets.name),
  transmitPacketsRate: rate(SYNTHETIC.transmitPackets.name),
  receiveBytesRate: rate(SYNTHETIC.receiveBytes.name),
  transmitBytesRate: rate(SYNTHETIC.transmitBytes.name),
  receiveErrorsRate: rate(SYNTHETIC.receiveErrors.name),
  transmitErrorsRate: rate(SYNTHETIC.transmitErrors.name),
  receiveDropsRate: rate(SYNTHETIC.receiveDrops.name),
  transmitDropsRate: rate(SYNTHETIC.transmitDrops.name),
  linkFlapsLastHour: freshestCopy('device', SYNTHETIC.linkFlaps.name, {
    fn: 'increase',
    range: HOUR,
  }),
  rebootsLastHour: bootTimeChanges(HOUR),
} as const;

/** How often a device's boot time changed over `range`: its reboots. */
export function bootTimeChanges(range: string) {
  return freshestCopy('device', SYNTHETIC.bootTime.name, { fn: 'changes', range });
}
