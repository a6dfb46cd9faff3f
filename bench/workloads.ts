/**
 * The load of the benchmarks: `size` series of the synthetic telemetry model in one group,
 * built either the product's way (catalogue families in `PushMetrics`, a prom-client registry
 * created per push) or with a bare prom-client registry (the peer). Both walk the same devices and ports in the same order and write the same samples.
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { type MetricDefinition, SYNTHETIC } from '../src/metrics/catalogue';
import { PushMetrics } from '../src/metrics/registry';
import { parseFleet } from '../src/synthetic/fleetConfig';
import { type PortSample, modelSettings, sampleDevice } from '../src/synthetic/model';

const TICK_SECONDS = Date.parse('2026-11-20T18:00:00Z') / 1000;
const PORTS_PER_DEVICE = 8;

/** The families of one port, each with `device` as an extra label (all devices in one group). */
type Family = [MetricDefinition<'device' | 'port'>, (port: PortSample) => number];
const withDevice = (definition: MetricDefinition, value: (port: PortSample) => number): Family => [
  { ...definition, labels: ['device', 'port'] },
  value,
];
const FAMILIES: Family[] = [
  withDevice(SYNTHETIC.linkUp, (p) => (p.linkUp ? 1 : 0)),
  withDevice(SYNTHETIC.bufferBytes, (p) => p.bufferBytes),
  withDevice(SYNTHETIC.portSpeed, (p) => p.speedBytes),
  withDevice(SYNTHETIC.receiveBytes, (p) => p.receive.bytes),
  withDevice(SYNTHETIC.transmitBytes, (p) => p.transmit.bytes),
  withDevice(SYNTHETIC.receivePackets, (p) => p.receive.packets),
  withDevice(SYNTHETIC.transmitPackets, (p) => p.transmit.packets),
];

const plans = new Map<number, ReturnType<typeof parseFleet>>();
function planFor(size: number) {
  const devices = Math.max(1, Math.ceil(size / (FAMILIES.length * PORTS_PER_DEVICE)));
  let plan = plans.get(devices);
  if (!plan) {
    plan = parseFleet({ deviceCount: devices, portsPerDevice: PORTS_PER_DEVICE });
    plans.set(devices, plan);
  }
  return plan;
}

/** One port's labels and the value of each family, as the model computed them. */
export interface PortValues {
  labels: { device: string; port: string };
  values: number[];
}

/** Run the model for `size` series: the data a collector has before any metric is written. */
export function sampleModel(size: number): PortValues[] {
  const plan = planFor(size);
  const settings = modelSettings(plan);
  const ports: PortValues[] = [];
  let remaining = size;
  for (const device of plan.devices) {
    for (const port of sampleDevice(device, TICK_SECONDS, settings).ports) {
      const count = Math.min(remaining, FAMILIES.length);
      ports.push({
        labels: { device: device.name, port: port.port.name },
        values: FAMILIES.slice(0, count).map(([, value]) => value(port)),
      });
      remaining -= count;
      if (remaining === 0) return ports;
    }
  }
  return ports;
}

/** The product's path: catalogue families created at their first sample, in a fresh registry. */
export function buildOurs(ports: PortValues[]): PushMetrics {
  const metrics = new PushMetrics();
  const writers = FAMILIES.map(([definition]) => metrics.family(definition));
  for (const { labels, values } of ports) {
    for (let f = 0; f < values.length; f++) writers[f]?.set(labels, values[f] as number);
  }
  return metrics;
}

/** The peer: the same samples in a prom-client registry. */
export function buildPromClient(ports: PortValues[]): Registry {
  const registry = new Registry();
  const writers = FAMILIES.map(([definition]) => {
    const options = {
      name: definition.name,
      help: definition.help,
      labelNames: [...definition.labels],
      registers: [registry],
    };
    if (definition.type === 'counter') {
      const counter = new Counter(options);
      return (labels: PortValues['labels'], value: number) => counter.inc(labels, value);
    }
    const gauge = new Gauge(options);
    return (labels: PortValues['labels'], value: number) => gauge.set(labels, value);
  });
  for (const { labels, values } of ports) {
    for (let f = 0; f < values.length; f++) writers[f]?.(labels, values[f] as number);
  }
  return registry;
}
