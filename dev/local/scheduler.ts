import { join } from 'node:path';
import type { Env } from '../../src/config/env';
import type { LambdaHandler } from '../../src/handlers/lambdaHandler';
import { describeError } from '../../src/shared/errors';
import { localLambdaContext } from './lambdaContext';
import type { ScheduledFunction } from './serverlessSchedules';

/**
 * Runs the scheduled functions in-process on the schedules serverless.yml declares, with the
 * same handler code Lambda runs. `speed` runs the schedules faster (a virtual clock advancing
 * `speed` seconds per real second); the tick's event time is the real time, so the
 * synthetic counters stay true to the wall clock.
 */
export interface SchedulerOptions {
  root: string;
  functions: ScheduledFunction[];
  speed: number;
  /** The configuration the functions run with (what Lambda would have in its environment). */
  env: Env;
  /**
   * Where the runs are told: a function's first run, then at most one line per
   * `progressEveryMs` (counting the runs in between), and every failure, so the alerts
   * printed among them stand out.
   */
  report: (line: string) => void;
  /** Default one minute of real time. */
  progressEveryMs?: number;
}

type Handler = LambdaHandler<unknown>;

export function startScheduler(options: SchedulerOptions): { stop(): void } {
  const startReal = Date.now();
  const virtualNow = () => startReal + (Date.now() - startReal) * options.speed;
  const realAt = (virtual: number) => startReal + (virtual - startReal) / options.speed;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  for (const fn of options.functions) {
    const [modulePath, exportName = 'handler'] = splitHandler(fn.handler);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = (require(join(options.root, modulePath)) as Record<string, Handler>)[
      exportName
    ];
    if (typeof exported?.withEnv !== 'function')
      throw new Error(
        `${fn.handler}: no exported handler "${exportName}" (src/handlers/lambdaHandler.ts)`,
      );
    const handler = exported.withEnv(options.env);
    let running = false;
    const progressEveryMs = options.progressEveryMs ?? 60_000;
    let lastToldAt: number | undefined;
    let untold = 0;
    /** A good run's line, when it is time for one; the runs since the last line in it. */
    const tellProgress = (line: string) => {
      const now = Date.now();
      if (lastToldAt !== undefined && now - lastToldAt < progressEveryMs) {
        untold++;
        return;
      }
      options.report(untold > 0 ? `${line} (and ${untold} runs like it before)` : line);
      lastToldAt = now;
      untold = 0;
    };

    const runOnce = async () => {
      if (running) {
        options.report(`${label(fn.name)} skipped: the previous run is still going`);
        return;
      }
      running = true;
      const started = Date.now();
      try {
        const result = await handler(
          fn.event(new Date()),
          localLambdaContext(fn.name, fn.timeoutSeconds * 1000),
        );
        tellProgress(
          `${label(fn.name)} ${describeResult(result)}, ${((Date.now() - started) / 1000).toFixed(2)} s`,
        );
      } catch (error) {
        options.report(
          `${label(fn.name)} FAILED after ${((Date.now() - started) / 1000).toFixed(2)} s: ${describeError(error)}`,
        );
      } finally {
        running = false;
      }
    };
    const plan = (afterVirtual: number) => {
      if (stopped) return;
      const nextVirtual = fn.schedule.next(afterVirtual);
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          void runOnce();
          plan(nextVirtual);
        },
        Math.max(0, realAt(nextVirtual) - Date.now()),
      );
      timers.add(timer);
    };
    // Run once right away so there is data to look at, then on schedule.
    void runOnce();
    plan(virtualNow());
  }
  return {
    stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}

function label(name: string): string {
  return `${new Date().toISOString().slice(11, 19)} ${name.padEnd(14)}`;
}

function describeResult(result: unknown): string {
  const r = (result ?? {}) as Record<string, unknown>;
  if (typeof r.targets === 'number' && Array.isArray(r.down))
    return `${r.schedule} (job ${r.job}): ${r.up}/${r.targets} targets up${r.down.length ? ` (down: ${(r.down as Array<{ instance: string }>).map((d) => d.instance).join(', ')})` : ''}, ${r.seriesPushed} series pushed`;
  if (typeof r.targets === 'number' && typeof r.newestBucketEnd === 'string')
    return `${r.ok}/${r.targets} CP codes up to the bucket ending ${r.newestBucketEnd.slice(11, 16)}Z${r.backfilledBuckets ? `, ${r.backfilledBuckets} missed buckets filled in` : ''}${r.upToDate ? `, ${r.upToDate} already current` : ''}`;
  if (typeof r.targets === 'number')
    return `${r.ok}/${r.targets} targets, ${r.seriesPushed} series pushed`;
  if (typeof r.devices === 'number')
    return `${r.devices} devices / ${r.ports} ports, ${r.seriesPushed} series pushed`;
  if (Array.isArray(r.written))
    return `wrote ${r.written.length ? (r.written as string[]).join(', ') : 'nothing (unchanged)'}`;
  return 'done';
}
