/**
 * The first push of a fresh process, as on a Lambda cold start: `node first-push.js <ours|bare>
 * <pushgateway url>` prints the milliseconds from just before the first request to its answer.
 * Bundled by bench/run.ts, so module loading is not part of the figure (it is measured apart).
 */
import http from 'node:http';
import { SYNTHETIC } from '../src/metrics/catalogue';
import { PushMetrics } from '../src/metrics/registry';
import { PushgatewayClient } from '../src/sinks/pushgateway/client';

function smallBatch(): Promise<string> {
  const metrics = new PushMetrics();
  const buffer = metrics.family(SYNTHETIC.bufferBytes);
  const linkUp = metrics.family(SYNTHETIC.linkUp);
  for (let i = 1; i <= 10; i++) {
    const labels = { port: `eth${i}` };
    buffer.set(labels, i * 1000);
    linkUp.set(labels, 1);
  }
  return metrics.text();
}

function barePut(url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/metrics/job/bench/first/bare`,
      { method: 'PUT', headers: { 'content-type': 'text/plain; version=0.0.4' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const [path, url = ''] = process.argv.slice(2);
  const body = await smallBatch();
  const start = performance.now();
  if (path === 'ours') {
    await new PushgatewayClient({ url: new URL(url) }).put(
      { job: 'bench', labels: { first: 'ours' } },
      body,
    );
  } else {
    await barePut(url, body);
  }
  process.stdout.write(String(performance.now() - start));
  // Keep-alive sockets would hold the process open.
  process.exit(0);
}

void main();
