import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  spawnBinary,
  startOnFreePort,
  stopProcess,
  waitUntilReady,
} from '../../dev/local/processes';
import { PROMETHEUS } from '../../dev/debianBinaries';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The real Prometheus binary, scraping the given Pushgateway with honor_labels: true. */
export class RealPrometheus {
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
  ) {}

  static start(pushgatewayUrl: string, scrapeInterval = '1s'): Promise<RealPrometheus> {
    return startOnFreePort(
      (port) => RealPrometheus.startOn(port, pushgatewayUrl, scrapeInterval),
      'prometheus',
    );
  }

  private static async startOn(
    port: number,
    pushgatewayUrl: string,
    scrapeInterval: string,
  ): Promise<RealPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      [
        'global:',
        `  scrape_interval: ${scrapeInterval}`,
        `  evaluation_interval: ${scrapeInterval}`,
        'scrape_configs:',
        '  - job_name: pushgateway',
        '    honor_labels: true',
        '    static_configs:',
        `      - targets: ['${new URL(pushgatewayUrl).host}']`,
        '',
      ].join('\n'),
    );
    const child = spawnBinary(PROMETHEUS, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    const url = `http://127.0.0.1:${port}`;
    const tsdb = join(dir, 'data');
    await waitUntilReady(
      `${url}/-/ready`,
      child,
      'prometheus',
      async () => {
        const flags = (await (await fetch(`${url}/api/v1/status/flags`)).json()) as {
          data?: Record<string, string>;
        };
        return flags.data?.['storage.tsdb.path'] === tsdb;
      },
      30_000,
    );
    return new RealPrometheus(url, child);
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }

  async query(expr: string): Promise<PromSample[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const json = (await res.json()) as {
      status: string;
      error?: string;
      data: { result: PromSample[] };
    };
    if (json.status !== 'success') throw new Error(`query ${expr} failed: ${json.error}`);
    return json.data.result;
  }

  /** Poll until `expr` returns at least one sample (scrapes take a moment). */
  async waitFor(expr: string, timeoutMs = 20_000): Promise<PromSample[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.query(expr);
      if (result.length > 0 || Date.now() > end) return result;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
