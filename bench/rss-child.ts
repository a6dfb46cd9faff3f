import { Pushgateway } from 'prom-client';
import { PushgatewayClient } from '../src/sinks/pushgateway/client';
import { peakRssBytes } from '../dev/peakRss';
import { buildOurs, buildPromClient, sampleModel } from './workloads';

/**
 * Build, serialize and push `size` series in this process, with our writer and client or with
 * prom-client's registry and Pushgateway; the parent reads the peak RSS of the process.
 */
export async function buildAndPushForBench(
  path: 'ours' | 'prom-client',
  size: number,
  url: string,
): Promise<void> {
  if (path === 'ours') {
    await new PushgatewayClient({ url: new URL(url) }).put(
      { job: 'bench', labels: { size: 'rss' } },
      await buildOurs(sampleModel(size)).text(),
    );
  } else {
    const registry = buildPromClient(sampleModel(size));
    await new Pushgateway(url, {}, registry).push({ jobName: 'bench', groupings: { size: 'rss' } });
  }
}

// Run as `node rss-child.js <ours|prom-client> <size> <pushgateway url>` (bundled by bench/run).
if (require.main === module) {
  const [path, size, url] = process.argv.slice(2);
  buildAndPushForBench(path === 'ours' ? 'ours' : 'prom-client', Number(size), url ?? '').then(
    () => process.stdout.write(String(peakRssBytes())),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
