/**
 * An eStats run at estate size against the Akamai stand-in enforcing its limit (40 requests
 * per window per API client, the X-RateLimit headers on every answer), pushing to a real
 * Pushgateway: its time against the floor the budget itself imposes, and against the fixed
 * pacing the collector had before (one request at a time, 1.5 s between starts), in one run.
 *
 * Time is scaled: the window is WINDOW_MS instead of Akamai's minute, and every answer takes
 * ANSWER_MS, so one case takes seconds instead of minutes. The budget arithmetic is the same
 * (requests per window, recovery per ms), so the ratios are those of a real minute.
 */
import type { AkamaiClient } from '../src/akamai/clients';
import { DEFAULT_CLIENT, usablePerMinute } from '../src/akamai/clients';
import { fetchEstats } from '../src/akamai/estatsClient';
import { loadSigner } from '../src/akamai/credentials';
import type { EstatsTarget } from '../src/akamai/targets';
import { assignTargets } from '../src/akamai/spread';
import { collectEstats } from '../src/collectors/estats';
import { DEFAULT_ESTATS_CLIENT_OPTIONS } from '../src/akamai/estatsClient';
import { connectSinks } from '../src/sinks/connect';
import { NO_DEADLINE } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { type EstatsSimulator, startEstatsSimulator } from '../dev/simulators/akamai/server';
import { testTls } from '../dev/simulators/tls';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A tenth of Akamai's minute: the whole bench in about two minutes. */
export const TIME_SCALE = 10;
const WINDOW_MS = 60_000 / TIME_SCALE;
/** An answer of 1 s at Akamai's scale. */
const ANSWER_MS = 1_000 / TIME_SCALE;
const LIMIT = 40;

export interface EstatsScalePoint {
  targets: number;
  clients: number;
  /** Milliseconds, at the bench's scale. */
  oursMs: number;
  fixedMs: number;
  floorMs: number;
  throttled: number;
}

/**
 * The floor: per client, one answer when its targets fit the burst above the reserve,
 * otherwise the time the limit forces on the rest, plus the last answer; the slowest client.
 */
export function floorMs(perClient: readonly number[], client: AkamaiClient): number {
  const usable = usablePerMinute(client);
  return Math.max(
    ...perClient.map(
      (count) => Math.max(0, count - usable) * (WINDOW_MS / client.rateLimitPerMinute) + ANSWER_MS,
    ),
  );
}

export async function measureEstatsScale(
  sizes: readonly number[],
  clientCounts: readonly number[],
  pushgatewayUrl: string,
  progress: (line: string) => void,
): Promise<EstatsScalePoint[]> {
  const points: EstatsScalePoint[] = [];
  for (const clients of clientCounts) {
    for (const targets of sizes) {
      const list: EstatsTarget[] = Array.from({ length: targets }, (_, i) => ({
        cpCode: 100_000 + i,
      }));
      const names = Array.from({ length: clients }, (_, i) => `client-${i + 1}`);
      const stageClients: AkamaiClient[] = names.map((name) => ({
        ...DEFAULT_CLIENT,
        name,
        edgercSection: name,
      }));
      const perClient = names.map(
        (name) =>
          [...assignTargets(list, stageClients).values()].filter((c) => c.name === name).length,
      );
      // A fresh stand-in for each: every client starts with its whole budget.
      const ours = await withStandin(names, async (akamai, edgerc) => {
        const started = performance.now();
        const summary = await collectEstats(
          { name: 'bench', topEdgeIps: 5, targets: list, clients: stageClients },
          {
            credentialSourceOf: (client) => ({
              kind: 'edgerc',
              path: edgerc,
              section: client.edgercSection ?? 'client-1',
            }),
            sinks: await connectSinks({ PUSHGATEWAY_URL: pushgatewayUrl }, NO_DEADLINE),
            clientOptions: DEFAULT_ESTATS_CLIENT_OPTIONS,
            pacing: { fallbackIntervalMs: WINDOW_MS / LIMIT, windowMs: WINDOW_MS, maxInFlight: 16 },
            logger: createLogger({ level: 'warn', write: () => {} }),
          },
          NO_DEADLINE,
        );
        if (summary.failed.length > 0)
          throw new Error(`bench run failed: ${summary.failed[0]?.message ?? ''}`);
        return {
          ms: performance.now() - started,
          throttled: akamai.requests.filter((r) => r.status === 429).length,
        };
      });
      const fixed = await withStandin(names, (_akamai, edgerc) =>
        fixedPacing(list, stageClients, edgerc),
      );
      const point = {
        targets,
        clients,
        oursMs: ours.ms,
        fixedMs: fixed,
        floorMs: floorMs(perClient, DEFAULT_CLIENT),
        throttled: ours.throttled,
      };
      progress(
        `${targets} targets on ${clients} client(s): ${Math.round(point.oursMs)} ms (floor ${Math.round(point.floorMs)} ms, fixed pacing ${Math.round(point.fixedMs)} ms, ${point.throttled} × 429)`,
      );
      points.push(point);
    }
  }
  return points;
}

/**
 * The collector before the budget: per client, one request at a time, at least 1.5 s (at
 * Akamai's scale) between request starts; the clients side by side.
 */
async function fixedPacing(
  targets: readonly EstatsTarget[],
  clients: readonly AkamaiClient[],
  edgerc: string,
): Promise<number> {
  const assigned = assignTargets(targets, clients);
  const started = performance.now();
  await Promise.all(
    clients.map(async (client) => {
      const signer = await loadSigner(
        { kind: 'edgerc', path: edgerc, section: client.edgercSection ?? '' },
        NO_DEADLINE,
      );
      let last = Number.NEGATIVE_INFINITY;
      for (const target of targets.filter((t) => assigned.get(t)?.name === client.name)) {
        const wait = last + WINDOW_MS / LIMIT - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        last = performance.now();
        await fetchEstats(target, { signer, deadline: NO_DEADLINE });
      }
    }),
  );
  return performance.now() - started;
}

async function withStandin<T>(
  names: readonly string[],
  run: (akamai: EstatsSimulator, edgerc: string) => Promise<T>,
): Promise<T> {
  const credentials = names.map((name, i) => ({
    name,
    clientToken: `akab-bench-client-${i}-${Date.now()}`,
    accessToken: `akab-bench-access-${i}`,
    clientSecret: Buffer.from(`bench-secret-${i}-000000000000000`).toString('base64'),
  }));
  const akamai = await startEstatsSimulator({
    tls: testTls(),
    clients: new Map(
      credentials.map((c) => [
        c.clientToken,
        { clientSecret: c.clientSecret, accessToken: c.accessToken },
      ]),
    ),
    rateLimitPerMinute: LIMIT,
    rateWindowMs: WINDOW_MS,
    answerDelayMs: ANSWER_MS,
  });
  const edgerc = join(mkdtempSync(join(tmpdir(), 'bench-edgerc-')), '.edgerc');
  writeFileSync(
    edgerc,
    credentials
      .map(
        (c) =>
          `[${c.name}]\nclient_secret = ${c.clientSecret}\nhost = ${akamai.host}\naccess_token = ${c.accessToken}\nclient_token = ${c.clientToken}\n`,
      )
      .join('\n'),
  );
  try {
    return await run(akamai, edgerc);
  } finally {
    await akamai.stop();
  }
}

/** Run time against targets, ours and its floor and the fixed pacing, per client count. */
export async function estatsScaleChartSvg(points: readonly EstatsScalePoint[]): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const values = points.flatMap((p) =>
    (
      [
        ['budget-paced (ours)', p.oursMs],
        ['floor the budget imposes', p.floorMs],
        ['fixed 1.5 s pacing (before)', p.fixedMs],
      ] as const
    ).map(([how, ms]) => ({
      how: `${how}, ${p.clients} client${p.clients > 1 ? 's' : ''}`,
      targets: p.targets,
      seconds: (ms * TIME_SCALE) / 1000,
    })),
  );
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'eStats run time against targets, 40 requests a minute per API client',
      subtitle: `npm run bench; stand-in enforcing the limit, 1 s answers; measured ${TIME_SCALE}× faster, shown at Akamai's minute`,
    },
    width: 560,
    height: 320,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'targets', type: 'quantitative', title: 'targets in the run' },
      y: {
        field: 'seconds',
        type: 'quantitative',
        title: 'run time (s, log scale)',
        scale: { type: 'log' },
      },
      color: { field: 'how', type: 'nominal', title: 'pacing', legend: { labelLimit: 400 } },
    },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  return view.toSVG();
}
