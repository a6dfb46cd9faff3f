import { SYNTHETIC } from '../metrics/catalogue';
import { PushMetrics } from '../metrics/registry';
import type { DeviceSample } from './model';

/** One device's sample as the metric families of its group. */
export function buildDeviceMetrics(sample: DeviceSample): PushMetrics {
  const metrics = new PushMetrics(sample.tickSeconds * 1000);
  const info = metrics.family(SYNTHETIC.portInfo);
  const speed = metrics.family(SYNTHETIC.portSpeed);
  const linkUp = metrics.family(SYNTHETIC.linkUp);
  const flaps = metrics.family(SYNTHETIC.linkFlaps);
  const buffer = metrics.family(SYNTHETIC.bufferBytes);
  const capacity = metrics.family(SYNTHETIC.bufferCapacityBytes);
  const counters = {
    receiveBytes: metrics.family(SYNTHETIC.receiveBytes),
    transmitBytes: metrics.family(SYNTHETIC.transmitBytes),
    receivePackets: metrics.family(SYNTHETIC.receivePackets),
    transmitPackets: metrics.family(SYNTHETIC.transmitPackets),
    receiveErrors: metrics.family(SYNTHETIC.receiveErrors),
    transmitErrors: metrics.family(SYNTHETIC.transmitErrors),
    receiveDrops: metrics.family(SYNTHETIC.receiveDrops),
    transmitDrops: metrics.family(SYNTHETIC.transmitDrops),
  };
  metrics.family(SYNTHETIC.bootTime).set(sample.bootTimeSeconds);

  for (const port of sample.ports) {
    const labels = { port: port.port.name };
    info.set({ port: port.port.name, port_type: port.port.type }, 1);
    speed.set(labels, port.speedBytes);
    linkUp.set(labels, port.linkUp ? 1 : 0);
    buffer.set(labels, port.bufferBytes);
    capacity.set(labels, port.bufferCapacityBytes);
    flaps.set(labels, port.linkFlaps);
    counters.receiveBytes.set(labels, port.receive.bytes);
    counters.transmitBytes.set(labels, port.transmit.bytes);
    counters.receivePackets.set(labels, port.receive.packets);
    counters.transmitPackets.set(labels, port.transmit.packets);
    counters.receiveErrors.set(labels, port.receive.errors);
    counters.transmitErrors.set(labels, port.transmit.errors);
    counters.receiveDrops.set(labels, port.receive.drops);
    counters.transmitDrops.set(labels, port.transmit.drops);
  }
  return metrics;
}
