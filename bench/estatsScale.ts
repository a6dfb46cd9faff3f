/**
 * eStats runs against the Akamai stand-in enforcing its limit (40 requests per window per API
 * client, the X-RateLimit headers on every answer), pushing to a real Pushgateway, each timed
 * against the floor the budget itself imposes:
 * - a run at estate size, against the budget-paced collector before issue 45
 *   (baseline/rateBudgetBefore.ts) and the fixed pacing before that (one request at a time,
 *   1.5 s between starts);
 * - schedules that share one client and fire together (measureOverlap), against the pacing
 *   before issue 45.
 * Each run is the schedule packaging makes (its first wave, deploy/estatsBudget.ts).
 *
 * Time is scaled where the budget paces a run: the window is PACED_TIME_SCALE times shorter
 * than Akamai's minute and answers (1 s at Akamai's scale) that much faster, so a case takes
 * seconds instead of minutes; the budget arithmetic (requests per window, recovery per ms) is
 * the same. A run whose requests all fit the burst runs at Akamai's own pace: its floor is one
 * answer, and what a run costs besides the budget (TLS, signing, the pushes) does not scale.
 * Every figure is reported at Akamai's minute.
 */
import type { AkamaiClient } from '../src/akamai/clients';
import { DEFAULT_CLIENT, usablePerMinute } from '../src/akamai/clients';
import { fetchEstats } from '../src/akamai/estatsClient';
import { loadSigner } from '../src/akamai/credentials';
import type { EstatsSchedule, EstatsTarget } from '../src/akamai/targets';
import { assignTargets } from '../src/akamai/spread';
import { collectEstats } from '../src/collectors/estats';
import { DEFAULT_ESTATS_CLIENT_OPTIONS } from '../src/akamai/estatsClient';
import { connectSinks } from '../src/sinks/connect';
import { NO_DEADLINE } from '../src/shared/deadline';
import { createLogger } from '../src/shared/logger';
import { RateLimiter } from '../dev/simulators/akamai/rateLimit';
import { type EstatsSimulator, startEstatsSimulator } from '../dev/simulators/akamai/server';
import { testTls } from '../dev/simulators/tls';
import { firstWaves } from '../src/deploy/estatsBudget';
import { RateBudgetBefore } from './baseline/rateBudgetBefore';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How much faster than Akamai's minute the runs the budget paces are measured. */
export const PACED_TIME_SCALE = 4;
const LIMIT = 40;

/** A speed-up of Akamai's minute and its 1 s answers. */
interface TimeScale {
  factor: number;
  windowMs: number;
  answerMs: number;
}

function timeScale(factor: number): TimeScale {
  return { factor, windowMs: 60_000 / factor, answerMs: 1_000 / factor };
}

/** Akamai's own pace for runs that fit the burst, PACED_TIME_SCALE for the others. */
function scaleFor(perClient: readonly number[], client: AkamaiClient): TimeScale {
  const fits = perClient.every((count) => count <= usablePerMinute(client));
  return timeScale(fits ? 1 : PACED_TIME_SCALE);
}

export interface EstatsScalePoint {
  targets: number;
  clients: number;
  /** Milliseconds at Akamai's minute (measured `timeScale` times faster). */
  oursMs: number;
  beforeMs: number;
  fixedMs: number;
  floorMs: number;
  throttled: number;
  throttledBefore: number;
  timeScale: number;
}

/** How a run's client budget is paced: today's, or the one issue 45 replaced. */
type Pacing = 'ours' | 'before';

function pacingAt(scale: TimeScale) {
  return { fallbackIntervalMs: scale.windowMs / LIMIT, windowMs: scale.windowMs, maxInFlight: 16 };
}

/**
 * The floor, at Akamai's minute: per client, one answer when its targets fit the burst above
 * the reserve, otherwise the time the limit forces on the rest, plus the last answer; the
 * slowest client.
 */
export function floorMs(perClient: readonly number[], client: AkamaiClient): number {
  const usable = usablePerMinute(client);
  return Math.max(
    ...perClient.map(
      (count) => Math.max(0, count - usable) * (60_000 / client.rateLimitPerMinute) + 1_000,
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
      const schedule = { name: 'bench', topEdgeIps: 5, targets: list, clients: stageClients };
      const scale = scaleFor(perClient, DEFAULT_CLIENT);
      // Each client on its own host, as Akamai gives them.
      const ours = await withStandin(names, clients, scale, (standin, edgercs) =>
        timedRuns(standin, edgercs, [schedule], pushgatewayUrl, 'ours', scale),
      );
      const before = await withStandin(names, clients, scale, (standin, edgercs) =>
        timedRuns(standin, edgercs, [schedule], pushgatewayUrl, 'before', scale),
      );
      const fixed = await withStandin(names, clients, scale, (_standin, edgercs) =>
        fixedPacing(list, stageClients, edgercs[0] ?? '', scale),
      );
      const point = {
        targets,
        clients,
        oursMs: ours.ms * scale.factor,
        beforeMs: before.ms * scale.factor,
        fixedMs: fixed * scale.factor,
        floorMs: floorMs(perClient, DEFAULT_CLIENT),
        throttled: ours.throttled,
        throttledBefore: before.throttled,
        timeScale: scale.factor,
      };
      progress(
        `${targets} targets on ${clients} client(s): ${Math.round(point.oursMs)} ms (floor ${Math.round(point.floorMs)} ms, before ${Math.round(point.beforeMs)} ms, fixed pacing ${Math.round(point.fixedMs)} ms, ${point.throttled} × 429)`,
      );
      points.push(point);
    }
  }
  return points;
}

/**
 * Schedules that run together as packaging made them, each with its own client budget (as
 * separate Lambda instances have), until the last one ends; what the stand-in refused.
 */
async function timedRuns(
  standin: Standin,
  edgercs: readonly string[],
  schedules: readonly EstatsSchedule[],
  pushgatewayUrl: string,
  pacing: Pacing,
  scale: TimeScale,
): Promise<{ ms: number; throttled: number }> {
  const waves = firstWaves(
    schedules.map((s) => ({ name: s.name, targets: s.targets, clients: s.clients ?? [] })),
  );
  const before = standin.requests().length;
  const started = performance.now();
  await Promise.all(
    schedules.map(async (schedule, s) => {
      const edgerc = edgercs[s % edgercs.length] ?? '';
      const firstWave = waves.get(schedule.name);
      const summary = await collectEstats(
        pacing === 'ours' && firstWave ? { ...schedule, firstWave } : schedule,
        {
          credentialSourceOf: (client) => ({
            kind: 'edgerc',
            path: edgerc,
            section: client.edgercSection ?? 'client-1',
          }),
          sinks: await connectSinks({ PUSHGATEWAY_URL: pushgatewayUrl }, NO_DEADLINE),
          clientOptions: DEFAULT_ESTATS_CLIENT_OPTIONS,
          pacing: pacingAt(scale),
          logger: createLogger({ level: 'warn', write: () => {} }),
          ...(pacing === 'before'
            ? { rateBudget: (settings) => new RateBudgetBefore(settings) }
            : {}),
        },
        NO_DEADLINE,
      );
      if (summary.failed.length > 0)
        throw new Error(`bench run failed: ${summary.failed[0]?.message ?? ''}`);
    }),
  );
  return {
    ms: performance.now() - started,
    throttled: standin
      .requests()
      .slice(before)
      .filter((r) => r.status === 429).length,
  };
}

export interface OverlapPoint {
  schedules: number;
  targets: number;
  pacing: Pacing;
  /** Time until the last run ended, per repetition, at Akamai's minute (ms). */
  runsMs: number[];
  floorMs: number;
  throttled: number;
  timeScale: number;
}

/**
 * `schedules` schedules of `targets` CP codes each on one client, fired together, `repeat`
 * times with a fresh budget each, today's pacing and the one before: the time until the last
 * run ends against the floor of all their requests together.
 */
export async function measureOverlap(
  scheduleCounts: readonly number[],
  sizes: readonly number[],
  repeat: number,
  pushgatewayUrl: string,
  progress: (line: string) => void,
): Promise<OverlapPoint[]> {
  const points: OverlapPoint[] = [];
  const client: AkamaiClient = { ...DEFAULT_CLIENT, name: 'client-1', edgercSection: 'client-1' };
  for (const count of scheduleCounts) {
    for (const targets of sizes) {
      const schedules: EstatsSchedule[] = Array.from({ length: count }, (_, s) => ({
        name: `overlap-${s + 1}`,
        topEdgeIps: 5,
        clients: [client],
        targets: Array.from({ length: targets }, (_, i) => ({ cpCode: 100_000 * (s + 1) + i })),
      }));
      const scale = scaleFor([count * targets], client);
      for (const pacing of ['ours', 'before'] as const) {
        const point: OverlapPoint = {
          schedules: count,
          targets,
          pacing,
          runsMs: [],
          floorMs: floorMs([count * targets], client),
          throttled: 0,
          timeScale: scale.factor,
        };
        for (let r = 0; r < repeat; r++) {
          // Each schedule's run on its own connections, as separate Lambda instances.
          const run = await withStandin([client.name], count, scale, (standin, edgercs) =>
            timedRuns(standin, edgercs, schedules, pushgatewayUrl, pacing, scale),
          );
          point.runsMs.push(run.ms * scale.factor);
          point.throttled += run.throttled;
        }
        progress(
          `${count} schedules × ${targets} targets, ${pacing}: worst ${(Math.max(...point.runsMs) / point.floorMs).toFixed(2)}× the floor, ${point.throttled} × 429`,
        );
        points.push(point);
      }
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
  scale: TimeScale,
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
        const wait = last + scale.windowMs / LIMIT - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        last = performance.now();
        await fetchEstats(target, { signer, deadline: NO_DEADLINE });
      }
    }),
  );
  return performance.now() - started;
}

/**
 * Akamai as a run meets it: each API client has its own host, and each Lambda instance its
 * own connections (the HTTP agent's 16 sockets are per origin), so the stand-in answers on
 * `origins` origins that spend one budget per client. `edgercs[j]` is the .edgerc of the j-th
 * caller: client i's host there is origin (i + j) mod `origins`.
 */
async function withStandin<T>(
  names: readonly string[],
  origins: number,
  scale: TimeScale,
  run: (standin: Standin, edgercs: string[]) => Promise<T>,
): Promise<T> {
  const credentials = names.map((name, i) => ({
    name,
    clientToken: `akab-bench-client-${i}-${Date.now()}`,
    accessToken: `akab-bench-access-${i}`,
    clientSecret: Buffer.from(`bench-secret-${i}-000000000000000`).toString('base64'),
  }));
  const rateLimiter = new RateLimiter({ limit: LIMIT, windowMs: scale.windowMs, now: Date.now });
  const sims: EstatsSimulator[] = [];
  try {
    for (let k = 0; k < origins; k++)
      sims.push(
        await startEstatsSimulator({
          tls: testTls(),
          clients: new Map(
            credentials.map((c) => [
              c.clientToken,
              { clientSecret: c.clientSecret, accessToken: c.accessToken },
            ]),
          ),
          rateLimiter,
          answerDelayMs: scale.answerMs,
        }),
      );
    const dir = mkdtempSync(join(tmpdir(), 'bench-edgerc-'));
    const edgercs = sims.map((_, j) => {
      const edgerc = join(dir, `caller-${j}.edgerc`);
      writeFileSync(
        edgerc,
        credentials
          .map(
            (c, i) =>
              `[${c.name}]\nclient_secret = ${c.clientSecret}\nhost = ${sims[(i + j) % origins]?.host ?? ''}\naccess_token = ${c.accessToken}\nclient_token = ${c.clientToken}\n`,
          )
          .join('\n'),
      );
      return edgerc;
    });
    return await run({ requests: () => sims.flatMap((sim) => sim.requests) }, edgercs);
  } finally {
    await Promise.all(sims.map((sim) => sim.stop()));
  }
}

/** What the stand-ins were asked, across their origins. */
interface Standin {
  requests(): EstatsSimulator['requests'];
}

/** Run time against targets, ours and its floor and the fixed pacing, per client count. */
export async function estatsScaleChartSvg(points: readonly EstatsScalePoint[]): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const values = points.flatMap((p) =>
    (
      [
        ['budget-paced (ours)', p.oursMs],
        ['budget-paced before issue 45', p.beforeMs],
        ['floor the budget imposes', p.floorMs],
        ['fixed 1.5 s pacing (before)', p.fixedMs],
      ] as const
    ).map(([how, ms]) => ({
      how: `${how}, ${p.clients} client${p.clients > 1 ? 's' : ''}`,
      targets: p.targets,
      seconds: ms / 1000,
    })),
  );
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'eStats run time against targets, 40 requests a minute per API client',
      subtitle: `npm run bench; stand-in enforcing the limit, 1 s answers; runs the budget paces measured ${PACED_TIME_SCALE}× faster, shown at Akamai's minute`,
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

/** Schedules sharing a client: the last run's end as a ratio to the floor, worst and median. */
export async function overlapChartSvg(points: readonly OverlapPoint[]): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const values = points.flatMap((p) => {
    const sorted = [...p.runsMs].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const pacing = p.pacing === 'ours' ? 'ours' : 'before issue 45';
    return (
      [
        ['worst', sorted[sorted.length - 1] ?? 0],
        ['median', median],
      ] as const
    ).map(([which, ms]) => ({
      line: `${pacing}, ${p.schedules} schedules, ${which}`,
      targets: p.targets,
      ratio: ms / p.floorMs,
    }));
  });
  const spec = vegaLite.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Schedules sharing one API client, fired together: last run end / floor',
      subtitle: `npm run bench; stand-in enforcing 40 requests a minute, 1 s answers; runs the budget paces measured ${PACED_TIME_SCALE}× faster; dashed: 1.15×`,
    },
    width: 560,
    height: 320,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'targets', type: 'quantitative', title: 'targets per schedule' },
          y: {
            field: 'ratio',
            type: 'quantitative',
            title: 'time until the last run ends, ÷ floor (log scale)',
            scale: { type: 'log' },
          },
          color: { field: 'line', type: 'nominal', title: 'pacing', legend: { labelLimit: 400 } },
        },
      },
      {
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { y: { datum: 1.15 } },
      },
    ],
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  return view.toSVG();
}
