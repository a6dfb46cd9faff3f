import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  spawnBinary,
  startOnFreePort,
  stopProcess,
  waitUntilReady,
} from '../../dev/local/processes';
import { PUSHGATEWAY } from '../../dev/debianBinaries';

export interface PushgatewayMetricFamily {
  type: string;
  help: string;
  metrics: Array<{ labels: Record<string, string>; value?: string }>;
}

export interface PushgatewayGroup {
  labels: Record<string, string>;
  families: Map<string, PushgatewayMetricFamily>;
}

/** The real Pushgateway binary on a free loopback port. */
export class RealPushgateway {
  private constructor(
    readonly url: string,
    readonly port: number,
    private child: ChildProcess,
    private readonly launch: (port: number) => Promise<ChildProcess>,
  ) {}

  static start(
    extraArgs: string[] = [],
    access: { scheme?: 'http' | 'https'; authorization?: string } = {},
  ): Promise<RealPushgateway> {
    const scheme = access.scheme ?? 'http';
    const headers: Record<string, string> = access.authorization
      ? { authorization: access.authorization }
      : {};
    // A flag value only this instance has: proves the answers come from it. Kept across a
    // restart, so the groups persisted before it come back.
    const persistence = join(mkdtempSync(join(tmpdir(), 'pushgateway-')), 'metrics.db');
    const launch = async (port: number) => {
      const child = spawnBinary(PUSHGATEWAY, [
        `--web.listen-address=127.0.0.1:${port}`,
        `--persistence.file=${persistence}`,
        '--web.enable-admin-api',
        '--log.level=warn',
        ...extraArgs,
      ]);
      const url = `${scheme}://127.0.0.1:${port}`;
      await waitUntilReady(
        `${url}/-/ready`,
        child,
        'prometheus-pushgateway',
        async () => {
          const status = (await (await fetch(`${url}/api/v1/status`, { headers })).json()) as {
            data?: { flags?: Record<string, string> };
          };
          return status.data?.flags?.['persistence.file'] === persistence;
        },
        15_000,
        headers,
      );
      return child;
    };
    return startOnFreePort(
      async (port) =>
        new RealPushgateway(`${scheme}://127.0.0.1:${port}`, port, await launch(port), launch),
      'prometheus-pushgateway',
    );
  }

  stop(): Promise<void> {
    return stopProcess(this.child);
  }

  /**
   * Stop the process (SIGTERM: it writes its persistence file), call `whileDown`, stay down
   * for `downMs`, then start it again on the same port with the same persistence file.
   */
  async restart(downMs: number, whileDown: () => void = () => {}): Promise<void> {
    await stopProcess(this.child);
    whileDown();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    this.child = await this.launch(this.port);
  }

  /** Delete every group (admin API). */
  async wipe(): Promise<void> {
    const res = await fetch(`${this.url}/api/v1/admin/wipe`, { method: 'PUT' });
    if (res.status !== 202) throw new Error(`wipe answered ${res.status}`);
  }

  /** Text exposition of everything the Pushgateway exposes to Prometheus. */
  async scrape(): Promise<string> {
    return (await fetch(`${this.url}/metrics`)).text();
  }

  /** Groups as the Pushgateway's JSON API reports them. */
  async groups(): Promise<PushgatewayGroup[]> {
    const res = await fetch(`${this.url}/api/v1/metrics`);
    const json = (await res.json()) as { data: Array<Record<string, unknown>> };
    return json.data.map((entry) => {
      const families = new Map<string, PushgatewayMetricFamily>();
      for (const [name, value] of Object.entries(entry)) {
        if (name === 'labels' || name === 'last_push_successful') continue;
        const family = value as {
          time_stamp: string;
          type: string;
          metrics: PushgatewayMetricFamily['metrics'];
        } & { help?: string };
        families.set(name, { type: family.type, help: family.help ?? '', metrics: family.metrics });
      }
      return { labels: entry.labels as Record<string, string>, families };
    });
  }

  async group(labels: Record<string, string>): Promise<PushgatewayGroup | undefined> {
    const groups = await this.groups();
    return groups.find(
      (g) =>
        Object.keys(g.labels).length === Object.keys(labels).length &&
        Object.entries(labels).every(([k, v]) => g.labels[k] === v),
    );
  }
}
