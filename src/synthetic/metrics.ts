import type { Registry } from 'prom-client';
import { JOB, LABEL, SYNTHETIC } from '../metrics/catalogue';
import { createRunRegistry, registerCounter, registerGauge } from '../metrics/registry';
import type { GroupingKey } from '../pushgateway/grouping';
import type { DeviceSample } from './model';

export function deviceGroupingKey(fleet: string, device: string): GroupingKey {
  return { job: JOB.synthetic, labels: { [LABEL.fleet]: fleet, [LABEL.device]: device } };
}

/** One device's sample as the metric families of its group. */
export function buildDeviceRegistry(sample: DeviceSample): Registry {
  const registry = createRunRegistry();
  const info = registerGauge(registry, SYNTHETIC.portInfo);
  const speed = registerGauge(registry, SYNTHETIC.portSpeed);
  const linkUp = registerGauge(registry, SYNTHETIC.linkUp);
  const flaps = registerCounter(registry, SYNTHETIC.linkFlaps);
  const buffer = registerGauge(registry, SYNTHETIC.bufferBytes);
  const capacity = registerGauge(registry, SYNTHETIC.bufferCapacityBytes);
  const counters = {
    receiveBytes: registerCounter(registry, SYNTHETIC.receiveBytes),
    transmitBytes: registerCounter(registry, SYNTHETIC.transmitBytes),
    receivePackets: registerCounter(registry, SYNTHETIC.receivePackets),
    transmitPackets: registerCounter(registry, SYNTHETIC.transmitPackets),
    receiveErrors: registerCounter(registry, SYNTHETIC.receiveErrors),
    transmitErrors: registerCounter(registry, SYNTHETIC.transmitErrors),
    receiveDrops: registerCounter(registry, SYNTHETIC.receiveDrops),
    transmitDrops: registerCounter(registry, SYNTHETIC.transmitDrops),
  };
  registerGauge(registry, SYNTHETIC.bootTime).set(sample.bootTimeSeconds);

  for (const port of sample.ports) {
    const labels = { port: port.port.name };
    info.set({ port: port.port.name, port_type: port.port.type }, 1);
    speed.set(labels, port.speedBytes);
    linkUp.set(labels, port.linkUp ? 1 : 0);
    buffer.set(labels, port.bufferBytes);
    capacity.set(labels, port.bufferCapacityBytes);
    flaps.inc(labels, port.linkFlaps);
    counters.receiveBytes.inc(labels, port.receive.bytes);
    counters.transmitBytes.inc(labels, port.transmit.bytes);
    counters.receivePackets.inc(labels, port.receive.packets);
    counters.transmitPackets.inc(labels, port.transmit.packets);
    counters.receiveErrors.inc(labels, port.receive.errors);
    counters.transmitErrors.inc(labels, port.transmit.errors);
    counters.receiveDrops.inc(labels, port.receive.drops);
    counters.transmitDrops.inc(labels, port.transmit.drops);
  }
  return registry;
}
