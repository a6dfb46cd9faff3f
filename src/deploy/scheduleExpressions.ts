import { ConfigurationError } from '../shared/errors';

/**
 * EventBridge schedule expressions, as written in serverless.yml: `rate(5 minutes)` and
 * `cron(min hour day-of-month month day-of-week year)` (UTC). Supports `*`, `?`, lists,
 * ranges, steps and names (JAN, MON); not `L`, `W` or `#`, which are refused by name.
 */
export interface Schedule {
  expression: string;
  /** The first firing strictly after `afterMs` (epoch ms). */
  next(afterMs: number): number;
}

const UNIT_SECONDS: Record<string, number> = {
  minute: 60,
  minutes: 60,
  hour: 3600,
  hours: 3600,
  day: 86_400,
  days: 86_400,
};
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseSchedule(expression: string): Schedule {
  const rate = expression.match(/^rate\((\d+) (minutes?|hours?|days?)\)$/);
  if (rate) {
    const value = Number(rate[1]);
    const unit = rate[2] as string;
    if (value === 0 || (value === 1) !== !unit.endsWith('s')) {
      throw new ConfigurationError(
        `schedule ${expression}: use "rate(1 minute)" for one and "rate(N minutes)" for more (EventBridge's rule)`,
      );
    }
    const periodMs = value * (UNIT_SECONDS[unit] as number) * 1000;
    return { expression, next: (after) => (Math.floor(after / periodMs) + 1) * periodMs };
  }
  const cron = expression.match(/^cron\((.+)\)$/);
  if (cron) return cronSchedule(expression, (cron[1] as string).trim().split(/\s+/));
  throw new ConfigurationError(
    `schedule ${JSON.stringify(expression)} is neither rate(...) nor cron(...)`,
  );
}

function cronSchedule(expression: string, fields: string[]): Schedule {
  if (fields.length !== 6)
    throw new ConfigurationError(
      `schedule ${expression}: cron needs 6 fields (minutes hours day-of-month month day-of-week year)`,
    );
  const [min, hour, dom, month, dow, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (dom !== '?' && dow !== '?')
    throw new ConfigurationError(
      `schedule ${expression}: one of day-of-month and day-of-week must be "?" (EventBridge's rule)`,
    );
  const minutes = field(expression, min, 0, 59);
  const hours = field(expression, hour, 0, 23);
  const daysOfMonth = dom === '?' ? undefined : field(expression, dom, 1, 31);
  const months = field(expression, month, 1, 12, MONTHS, 1);
  // EventBridge numbers days 1-7 from Sunday; JavaScript 0-6.
  const daysOfWeek =
    dow === '?' ? undefined : new Set([...field(expression, dow, 1, 7, DAYS, 1)].map((d) => d - 1));
  const years = year === '*' ? undefined : field(expression, year, 1970, 2199);
  return {
    expression,
    next(after) {
      let t = (Math.floor(after / 60_000) + 1) * 60_000;
      const limit = after + 5 * 366 * 86_400_000;
      while (t < limit) {
        const d = new Date(t);
        if (
          minutes.has(d.getUTCMinutes()) &&
          hours.has(d.getUTCHours()) &&
          months.has(d.getUTCMonth() + 1) &&
          (!daysOfMonth || daysOfMonth.has(d.getUTCDate())) &&
          (!daysOfWeek || daysOfWeek.has(d.getUTCDay())) &&
          (!years || years.has(d.getUTCFullYear()))
        ) {
          return t;
        }
        t += 60_000;
      }
      throw new ConfigurationError(`schedule ${expression} never fires in the next five years`);
    },
  };
}

function field(
  expression: string,
  text: string,
  min: number,
  max: number,
  names: string[] = [],
  nameBase = 0,
): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    if (part.includes('#') || /^(L|LW|\d+[LW]|L-\d+)$/i.test(part))
      throw new ConfigurationError(
        `schedule ${expression}: "${part}" (L, W or #) is not supported locally`,
      );
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const value = (v: string) => {
      const named = names.indexOf(v.toUpperCase());
      const n = named >= 0 ? named + nameBase : Number(v);
      if (!Number.isInteger(n) || n < min || n > max)
        throw new ConfigurationError(
          `schedule ${expression}: "${v}" is out of range ${min}-${max}`,
        );
      return n;
    };
    let from: number;
    let to: number;
    if (range === '*' || range === '?') [from, to] = [min, max];
    else if (range.includes('-')) [from, to] = range.split('-').map(value) as [number, number];
    else [from, to] = [value(range), stepText === undefined ? value(range) : max];
    if (!Number.isInteger(step) || step < 1)
      throw new ConfigurationError(
        `schedule ${expression}: step "${stepText}" must be a positive integer`,
      );
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return values;
}

/**
 * The shortest and the longest time between two firings, in seconds: a rate's period, or for
 * a cron the smallest and the largest gap over its firings in a year. A schedule must fit its
 * runs into the shortest; a group it pushes is only late after the longest.
 */
export function intervalSeconds(expression: string): { shortest: number; longest: number } {
  const schedule = parseSchedule(expression);
  const start = Date.UTC(2027, 0, 1);
  let previous = schedule.next(start);
  let shortest = Number.POSITIVE_INFINITY;
  let longest = 0;
  for (let i = 0; i < 2_000; i++) {
    const next = schedule.next(previous);
    if (!Number.isFinite(next) || next - start > 366 * 86_400_000) break;
    shortest = Math.min(shortest, next - previous);
    longest = Math.max(longest, next - previous);
    previous = next;
  }
  // Once a year or less: a year is what anyone can say of it.
  if (!Number.isFinite(shortest)) return { shortest: 366 * 86_400, longest: 366 * 86_400 };
  return { shortest: shortest / 1000, longest: longest / 1000 };
}

/** The shortest time between two firings, in seconds (intervalSeconds). */
export function shortestIntervalSeconds(expression: string): number {
  return intervalSeconds(expression).shortest;
}

/** The hours of a billing month, as AWS prices count them (730 = 365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** How many times a schedule fires in a billing month (counted from 1 January 2027, UTC). */
export function firingsPerMonth(expression: string): number {
  const schedule = parseSchedule(expression);
  const start = Date.UTC(2027, 0, 1);
  const end = start + HOURS_PER_MONTH * 3_600_000;
  let count = 0;
  for (let at = schedule.next(start - 1); at < end && Number.isFinite(at); at = schedule.next(at))
    count++;
  return count;
}
