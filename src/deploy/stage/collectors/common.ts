import * as z from 'zod/mini';
import '../../../shared/zod';
import type { FileProblems } from '../../../config/fileProblems';
import { shortestIntervalSeconds } from '../../scheduleExpressions';

/** When a schedule runs: an EventBridge rate(…) or cron(…) expression. */
export const rate = z
  .string()
  .check(
    z.regex(/^(rate|cron)\(.+\)$/, 'must be rate(…) or cron(…)'),
    z.describe('When it runs: an EventBridge rate(…) or cron(…) expression, e.g. rate(2 minutes)'),
  );

export const enabled = z.optional(
  z.boolean().check(z.describe('false keeps the schedule packaged but switched off')),
);

export const NAME_HINT =
  'each schedule needs its own name: it names its health group and its EventBridge rule';

/** A schedule's interval in seconds, or a problem at its rate. */
export function intervalOf(
  expression: string,
  at: ReadonlyArray<string | number>,
  problems: FileProblems,
): number | undefined {
  try {
    return shortestIntervalSeconds(expression);
  } catch (error) {
    problems.add(
      at,
      (error as Error).message,
      'EventBridge takes rate(N minutes|hours|days) or cron(min hour day-of-month month day-of-week year)',
    );
    return undefined;
  }
}

/** The `index`-th schedule of a list: a row's eventOf is only asked for one it listed. */
export function at<T>(list: readonly T[], index: number): T {
  const item = list[index];
  if (item === undefined) throw new RangeError(`no schedule ${index}`);
  return item;
}

/** The inputs of the schedules that are switched on. */
export function enabledInputs<T>(schedules: ReadonlyArray<{ enabled: boolean; input: T }>): T[] {
  return schedules.filter((s) => s.enabled).map((s) => s.input);
}
