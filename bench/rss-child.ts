import { Gauge, Registry } from 'prom-client';
import { PushgatewayClient } from '../src/pushgateway/client';

/** Build, serialize and push `size` series in this process (peak RSS is read by the parent). */
export async function syntheticRegistryForBench(size: number, url: string): Promise<void> {
  const registry = new Registry();
  const gauge = new Gauge({
    name: 'synthetic_port_buffer_bytes',
    help: 'Bytes queued in the port egress buffer.',
    labelNames: ['device', 'port'],
    registers: [registry],
  });
  for (let i = 0; i < size; i++)
    gauge.set({ device: `switch-${Math.floor(i / 8)}`, port: `eth${i % 8}` }, i);
  await new PushgatewayClient({ url: new URL(url) }).put(
    { job: 'bench', labels: { size: 'rss' } },
    await registry.metrics(),
  );
}
