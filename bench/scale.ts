import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchVictoriaMetrics } from '../dev/launchers';
import { RealPushgateway } from '../dev/realPushgateway';
import { collectSynthetic } from '../src/collectors/synthetic';
import { PushgatewayClient } from '../src/sinks/pushgateway/client';
import { PushgatewaySet } from '../src/sinks/pushgateway/pushgatewaySet';
import { RemoteWriteClient } from '../src/sinks/remoteWrite/client';
import { DEFAULT_REMOTE_WRITE_MAX_BYTES } from '../src/sinks/remoteWrite/settings';
import { DEFAULT_PUSH_RETRY } from '../src/constants';
import { NO_DEADLINE } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { pushgatewaySink } from '../src/sinks/pushgateway/sink';
import { Deliveries } from '../src/sinks/deliveries';
import { remoteWriteSink } from '../src/sinks/remoteWrite/sink';
import { parseFleet } from '../src/synthetic/fleetConfig';
import { RealPrometheus } from '../dev/realPrometheus';

/** One synthetic run's wall time, for a sink and a fleet size. */
export interface ScalePoint {
  sink: string;
  devices: number;
  series: number;
  samplesMs: number[];
}

const PORTS = 24;

/**
 * A synthetic run (the collector end to end: model, one group per device, 8 at once, the
 * health group) against fleet size, for each sink: the Pushgateway, remote write into
 * Prometheus, remote write into VictoriaMetrics. Each receiver starts empty for each size, as
 * a stage's Pushgateway holds only that fleet; each run is a new tick (remote write refuses
 * samples older than the series' last one).
 */
export async function measureScale(
  sizes: readonly number[],
  runs: number,
  log: (line: string) => void,
): Promise<ScalePoint[]> {
  const points: ScalePoint[] = [];
  const logger = createLogger({ write: () => {} });
  for (const devices of sizes) {
    const plan = parseFleet({ name: 'scale', deviceCount: devices, portsPerDevice: PORTS });
    for (const target of TARGETS) {
      const receiver = await target.start();
      try {
        let tick = Math.floor(Date.now() / 60_000) * 60 - (runs + 2) * 60;
        const samplesMs: number[] = [];
        let series = 0;
        // One warm-up run: the groups exist afterwards, as they do in steady state.
        for (let i = 0; i <= runs; i++) {
          const started = performance.now();
          const summary = await collectSynthetic(
            plan,
            tick,
            { sinks: receiver.deliveries(), logger },
            NO_DEADLINE,
          );
          const elapsed = performance.now() - started;
          if (summary.failedDevices.length > 0)
            throw new Error(`${target.name}: ${summary.failedDevices[0]?.message}`);
          series = summary.seriesPushed;
          if (i > 0) samplesMs.push(elapsed);
          tick += 60;
        }
        points.push({ sink: target.name, devices, series, samplesMs });
        log(`${target.name}, ${devices} devices: ${Math.round(median(samplesMs))} ms`);
      } finally {
        await receiver.stop();
      }
    }
  }
  return points;
}

interface Receiver {
  deliveries(): Deliveries;
  stop(): Promise<void>;
}

const remoteWriteTo = (url: string) =>
  new Deliveries([
    {
      sink: remoteWriteSink(
        new RemoteWriteClient({
          url: new URL(url),
          maxRequestBytes: DEFAULT_REMOTE_WRITE_MAX_BYTES,
          concurrency: 4,
          requestTimeoutMs: 60_000,
          retry: DEFAULT_PUSH_RETRY,
        }),
      ),
    },
  ]);

const TARGETS: Array<{ name: string; start(): Promise<Receiver> }> = [
  {
    name: 'Pushgateway',
    async start() {
      const pushgateway = await RealPushgateway.start();
      return {
        deliveries: () =>
          new Deliveries([
            pushgatewaySink(
              PushgatewaySet.of(new PushgatewayClient({ url: new URL(pushgateway.url) })),
            ),
          ]),
        stop: () => pushgateway.stop(),
      };
    },
  },
  {
    name: 'remote write → Prometheus',
    async start() {
      const prometheus = await RealPrometheus.startRemoteWriteReceiver();
      return {
        deliveries: () => remoteWriteTo(`${prometheus.url}/api/v1/write`),
        stop: () => prometheus.stop(),
      };
    },
  },
  {
    name: 'remote write → VictoriaMetrics',
    async start() {
      const victoria = await launchVictoriaMetrics({
        storagePath: join(mkdtempSync(join(tmpdir(), 'bench-vm-')), 'data'),
      });
      return {
        deliveries: () => remoteWriteTo(`${victoria.url}/api/v1/write`),
        stop: () => victoria.stop(),
      };
    },
  },
];

export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The points as a line chart (SVG, rendered by Vega-Lite): run time against fleet size. */
export async function scaleChartSvg(points: readonly ScalePoint[]): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Synthetic run time against fleet size (24 ports per device)',
      subtitle: 'npm run bench; median of the runs; one 2-core machine, receiver on loopback',
    },
    width: 560,
    height: 320,
    data: {
      values: points.map((p) => ({
        sink: p.sink,
        devices: p.devices,
        seconds: median(p.samplesMs) / 1000,
      })),
    },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'devices', type: 'quantitative', title: 'devices (× 24 ports)' },
      // Log scale: the Pushgateway's time grows with the square of the fleet, remote write's linearly.
      y: {
        field: 'seconds',
        type: 'quantitative',
        title: 'run time (s, log scale)',
        scale: { type: 'log' },
      },
      color: { field: 'sink', type: 'nominal', title: 'sink', legend: { labelLimit: 400 } },
    },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  return view.toSVG();
}
