import { CollectorRunError, runFailed, type RunReport } from '../collectors/errors';
import {
  reportSkippedDelivery,
  type SkippedDelivery,
  supersededBy,
} from '../collectors/lateDelivery';
import type { RunSinks } from '../collectors/runner';
import { resolveEventStage } from '../config/eventStage';
import type { Tick } from '../config/synthetic';
import type { Deadline } from '../shared/deadline';
import { connectSinks } from '../sinks/connect';
import { type Invocation, type LambdaHandler, lambdaHandler } from './lambdaHandler';

/** What one delivery of a collector's schedule asks for, read from its event. */
export interface CollectorRun<S> {
  /** The schedule's name: its health group and log lines. */
  schedule: string;
  /** The tick the event carries, to skip a delivery the next tick supersedes. */
  tick: Tick | undefined;
  /** The run itself, once the sinks are connected and the delivery is current. */
  collect(sinks: RunSinks, deadline: Deadline): Promise<S>;
}

/** A collector as its function runs it: the one row each collector's handler gives. */
export interface CollectorFunction<S> {
  /** The function's name in serverless.yml and in every log line. */
  name: string;
  /** How its log lines call a run: "eStats run" logs "eStats run finished". */
  what: string;
  /** The job of its health groups (metrics/catalogue.ts JOB). */
  job: string;
  /**
   * Read the event (and the environment) into a run; a bad event throws what is wrong. The
   * stage is the event's (config/eventStage.ts): the owner of the groups the run writes.
   */
  invocation(
    event: unknown,
    invocation: Invocation & { stage: string | undefined },
  ): CollectorRun<S>;
  /** What the summary line logs, and what the run left undone (reportRun). */
  report(summary: S): RunReport;
}

/**
 * The one body of every collector's function: read the event, connect the sinks, skip a late
 * delivery (collectors/lateDelivery.ts), run, log one summary line, and throw a
 * CollectorRunError when the run left anything undone, so the on-failure destination sees it.
 */
export function collectorHandler<S>(
  collector: CollectorFunction<S>,
): LambdaHandler<S | SkippedDelivery> {
  return lambdaHandler(collector.name, collector.what, async (event, invocation) => {
    const { env, logger, deadline } = invocation;
    const stage = resolveEventStage(event);
    const run = collector.invocation(event, { ...invocation, stage });
    const sinks = await connectSinks(env, deadline, logger);
    const ageSeconds = supersededBy(run.tick);
    if (run.tick && ageSeconds !== undefined)
      return reportSkippedDelivery(
        { job: collector.job, schedule: run.schedule, stage, tick: run.tick, ageSeconds },
        sinks,
        deadline,
        logger,
      );
    const summary = await run.collect(sinks, deadline);
    const report = collector.report(summary);
    logger.info(`${collector.what} finished`, report.fields);
    if (runFailed(report.failures.length, report.delivery))
      throw new CollectorRunError(collector.name, report, summary);
    return summary;
  });
}
