import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchPushgateway, type RunningBinary } from './launchers';

export interface PushgatewayMetricFamily {
  type: string;
  help: string;
  metrics: Array<{ labels: Record<string, string>; value?: string }>;
}

export interface PushgatewayGroup {
  labels: Record<string, string>;
  families: Map<string, PushgatewayMetricFamily>;
}

/** The real Pushgateway binary on a free loopback port, and what a test asks of it. */
export class RealPushgateway {
  readonly url: string;
  readonly port: number;

  /** The Authorization header of its own reads, when it was started with auth. */
  private readonly headers: Record<string, string>;

  private constructor(
    private readonly running: RunningBinary,
    authorization?: string,
  ) {
    this.url = running.url;
    this.port = running.port;
    this.headers = authorization ? { authorization } : {};
  }

  static async start(
    extraArgs: string[] = [],
    access: { scheme?: 'http' | 'https'; authorization?: string } = {},
  ): Promise<RealPushgateway> {
    return new RealPushgateway(
      await launchPushgateway({
        persistenceFile: join(mkdtempSync(join(tmpdir(), 'pushgateway-')), 'metrics.db'),
        extraArgs,
        ...(access.scheme ? { scheme: access.scheme } : {}),
        ...(access.authorization ? { headers: { authorization: access.authorization } } : {}),
      }),
      access.authorization,
    );
  }

  stop(): Promise<void> {
    return this.running.stop();
  }

  /** Start a stopped Pushgateway again, on its port, with its persistence file. */
  startAgain(): Promise<void> {
    return this.running.restart();
  }

  /**
   * Stop the process (SIGTERM: it writes its persistence file), call `whileDown`, stay down
   * for `downMs`, then start it again on the same port with the same persistence file.
   */
  async restart(downMs: number, whileDown: () => void = () => {}): Promise<void> {
    await this.running.stop();
    whileDown();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.running.restart();
  }

  /** Delete every group (admin API). */
  async wipe(): Promise<void> {
    const res = await fetch(`${this.url}/api/v1/admin/wipe`, {
      method: 'PUT',
      headers: this.headers,
    });
    if (res.status !== 202) throw new Error(`wipe answered ${res.status}`);
  }

  /** Text exposition of everything the Pushgateway exposes to Prometheus. */
  async scrape(): Promise<string> {
    return (await fetch(`${this.url}/metrics`, { headers: this.headers })).text();
  }

  /** Groups as the Pushgateway's JSON API reports them. */
  async groups(): Promise<PushgatewayGroup[]> {
    const res = await fetch(`${this.url}/api/v1/metrics`, { headers: this.headers });
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
