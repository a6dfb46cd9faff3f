import { ConfigurationError } from '../shared/errors';
import { type FleetPlan, parseFleet } from '../synthetic/fleetConfig';
import { type Env, readOptionalString } from './env';

/**
 * The fleet to simulate: `fleet` in the event (serverless.yml inputTransformer), else the
 * JSON file SYNTHETIC_FLEET_FILE, else the JSON in SYNTHETIC_FLEET, else the default fleet
 * (2 switches × 4 ports of 10G).
 */
export function resolveFleet(
  event: unknown,
  env: Env,
  /** Reads SYNTHETIC_FLEET_FILE: the handler passes the file system; configuration does no I/O. */
  readFile: (path: string) => string,
): FleetPlan {
  const fromEvent = isRecord(event) ? event.fleet : undefined;
  if (fromEvent !== undefined) return parseFleet(fromEvent, 'fleet in the event');
  const file = readOptionalString(env, 'SYNTHETIC_FLEET_FILE');
  if (file !== undefined) {
    let text: string;
    try {
      text = readFile(file);
    } catch (error) {
      throw new ConfigurationError(
        `SYNTHETIC_FLEET_FILE ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    return parseFleet(parseJson(text, `SYNTHETIC_FLEET_FILE ${file}`), `fleet in ${file}`);
  }
  const inline = readOptionalString(env, 'SYNTHETIC_FLEET');
  if (inline !== undefined)
    return parseFleet(parseJson(inline, 'SYNTHETIC_FLEET'), 'SYNTHETIC_FLEET');
  return parseFleet({});
}

/** A scheduled delivery: its tick, and the schedule's interval when packaging set it. */
export interface Tick {
  /** The scheduled time EventBridge put in the event. */
  time: Date;
  /** The schedule's interval, when packaging set it. */
  intervalSeconds?: number;
}

/**
 * The tick time: `time` of the scheduled event (EventBridge sets it to the scheduled minute),
 * so a retried or duplicated delivery of the same tick pushes identical values.
 */
export function resolveTickSeconds(
  event: unknown,
  now: () => number = Date.now,
): { seconds: number; fromEvent: boolean } {
  const time = isRecord(event) ? event.time : undefined;
  if (time === undefined) return { seconds: Math.floor(now() / 1000), fromEvent: false };
  const ms = typeof time === 'string' ? Date.parse(time) : Number.NaN;
  if (Number.isNaN(ms) || ms < Date.UTC(2020, 0, 1)) {
    throw new ConfigurationError(
      `event.time ${JSON.stringify(time)} is not an ISO-8601 time after 2020`,
      {
        hint: 'scheduled events carry it as "time"; pass it through the inputTransformer as "<time>"',
      },
    );
  }
  return { seconds: Math.floor(ms / 1000), fromEvent: true };
}

/**
 * A schedule with the tick its event carries (`time`), and the interval packaging put in the
 * schedule: what tells a late delivery (collectors/lateDelivery.ts). No tick without a time.
 */
export function withTick<S extends { intervalSeconds?: number | undefined }>(
  event: unknown,
  schedule: S,
): { schedule: S; tick?: Tick } {
  const time = resolveTickSeconds(event);
  if (!time.fromEvent) return { schedule };
  return {
    schedule,
    tick: {
      time: new Date(time.seconds * 1000),
      ...(schedule.intervalSeconds ? { intervalSeconds: schedule.intervalSeconds } : {}),
    },
  };
}

/** The schedule's interval, which packaging puts in the event beside the tick time. */
export function resolveIntervalSeconds(event: unknown): number | undefined {
  const value = isRecord(event) ? event.intervalSeconds : undefined;
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || (value as number) <= 0)
    throw new ConfigurationError(
      `event.intervalSeconds ${JSON.stringify(value)} must be a positive integer`,
      { hint: 'packaging sets it from the schedule; leave it out or give whole seconds' },
    );
  return value as number;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A JSON object (not an array, not null): what an event's parts are read from. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
