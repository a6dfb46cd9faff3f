import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPrometheus, type RunningBinary } from './launchers';
import { renderPrometheusConfig } from '../src/alerting/prometheusConfig';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The real Prometheus binary, scraping the given Pushgateway(s) with our scrape configuration. */
export class RealPrometheus {
  readonly url: string;

  private constructor(private readonly running: RunningBinary) {
    this.url = running.url;
  }

  /** `rulesYaml`: a rule file to load (evaluated at the scrape interval unless a group says). */
  static start(
    pushgatewayUrl: string | readonly string[],
    scrapeInterval = '1s',
    rulesYaml?: string,
  ): Promise<RealPrometheus> {
    return RealPrometheus.launch(
      typeof pushgatewayUrl === 'string' ? [pushgatewayUrl] : pushgatewayUrl,
      scrapeInterval,
      rulesYaml,
      [],
    );
  }

  /** A Prometheus that scrapes nothing and takes remote writes at `${url}/api/v1/write`. */
  static startRemoteWriteReceiver(
    rulesYaml?: string,
    options: { outOfOrderWindow?: string } = {},
  ): Promise<RealPrometheus> {
    return RealPrometheus.launch(
      [],
      '1s',
      rulesYaml,
      ['--web.enable-remote-write-receiver'],
      options.outOfOrderWindow,
    );
  }

  private static async launch(
    pushgatewayUrls: readonly string[],
    scrapeInterval: string,
    rulesYaml: string | undefined,
    extraArgs: string[],
    /** `storage.tsdb.out_of_order_time_window`: how far behind its newest it takes samples. */
    outOfOrderWindow?: string,
  ): Promise<RealPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    const configFile = join(dir, 'prometheus.yml');
    if (rulesYaml !== undefined) writeFileSync(join(dir, 'rules.yml'), rulesYaml);
    writeFileSync(
      configFile,
      renderPrometheusConfig({
        header: 'A Prometheus of the tests and benchmarks (dev/realPrometheus.ts).',
        scrapeInterval,
        pushgateways: pushgatewayUrls.map((url) => new URL(url).host),
        ...(rulesYaml !== undefined ? { ruleFiles: [join(dir, 'rules.yml')] } : {}),
      }) +
        (outOfOrderWindow
          ? `\nstorage:\n  tsdb:\n    out_of_order_time_window: ${outOfOrderWindow}\n`
          : ''),
    );
    return new RealPrometheus(
      await launchPrometheus({ configFile, tsdbPath: join(dir, 'data'), extraArgs }),
    );
  }

  stop(): Promise<void> {
    return this.running.stop();
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

  /** Poll until `expr` returns nothing (a series went stale); returns what it last saw. */
  async waitUntilEmpty(expr: string, timeoutMs = 20_000): Promise<PromSample[]> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const result = await this.query(expr);
      if (result.length === 0 || Date.now() > end) return result;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
