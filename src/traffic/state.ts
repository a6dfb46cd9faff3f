import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as z from 'zod/mini';
import '../shared/zod';
import { s3 } from '../aws/s3';
import type { Deadline } from '../shared/deadline';
import { CollectorError, describeError } from '../shared/errors';
import { describeIssues } from '../shared/validation';
import type { CostLearning } from './queryCost';

/**
 * What a traffic schedule has delivered: for each CP code, the end of the newest bucket that
 * every sink took. It is how a stateless function learns what an outage missed: the next run
 * fetches every bucket after it (within the backfill window). Kept outside the function, so
 * it survives a cold container: an S3 object in the stage's own bucket (packaging creates it),
 * or a file for local runs.
 */
export interface DeliveredState {
  version: 1;
  /** CP code → end of its newest bucket every sink took (Unix seconds). */
  delivered: Record<string, number>;
  /**
   * What the runs learned of Akamai's query-cost limit (traffic/queryCost.ts) once it refused
   * a request: the next runs start from it instead of learning again.
   */
  queryCost?: CostLearning;
}

export interface TrafficStateStore {
  /** How logs name it: `s3://bucket/key`, a path. */
  readonly where: string;
  /** The state; undefined when there is none yet (the schedule's first run). */
  read(deadline: Deadline): Promise<DeliveredState | undefined>;
  write(state: DeliveredState, deadline: Deadline): Promise<void>;
}

const stateSchema = z.strictObject({
  version: z.literal(1),
  delivered: z.record(z.string().check(z.regex(/^\d+$/)), z.int().check(z.nonnegative())),
  queryCost: z.optional(
    z.strictObject({
      goodRows: z.optional(z.int().check(z.positive())),
      refusedRows: z.optional(z.int().check(z.positive())),
    }),
  ),
});

export class TrafficStateError extends CollectorError {}

/** The state's object: one per stage and schedule. */
export function stateKey(stage: string | undefined, schedule: string): string {
  return `traffic-state/${stage ?? 'unstaged'}/${schedule}.json`;
}

function parseState(text: string, where: string): DeliveredState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TrafficStateError(`the traffic state at ${where} is not JSON`, {
      hint: 'delete it: the next run then writes the newest bucket only, and the gap before it stays',
    });
  }
  const parsed = stateSchema.safeParse(json);
  if (!parsed.success)
    throw new TrafficStateError(
      `the traffic state at ${where} is not one this version wrote: ${describeIssues(parsed.error)}`,
      { hint: 'delete it: the next run then writes the newest bucket only' },
    );
  return parsed.data;
}

/** The state in S3 (TRAFFIC_STATE_BUCKET): read and written by the traffic function alone. */
export class S3TrafficState implements TrafficStateStore {
  readonly where: string;

  constructor(
    private readonly bucket: string,
    private readonly key: string,
  ) {
    this.where = `s3://${bucket}/${key}`;
  }

  async read(deadline: Deadline): Promise<DeliveredState | undefined> {
    const { client, sdk } = s3();
    try {
      const answer = await client.send(
        new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.key }),
        { abortSignal: timeoutOf(deadline) },
      );
      return parseState((await answer.Body?.transformToString('utf8')) ?? '', this.where);
    } catch (error) {
      if (error instanceof TrafficStateError) throw error;
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw new TrafficStateError(
        `cannot read the traffic state ${this.where}: ${describeError(error)}`,
        {
          cause: error,
          hint: "check the traffic function's network path to S3 and its role (s3:GetObject on the state bucket)",
        },
      );
    }
  }

  async write(state: DeliveredState, deadline: Deadline): Promise<void> {
    const { client, sdk } = s3();
    try {
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: this.key,
          Body: JSON.stringify(state),
          ContentType: 'application/json',
        }),
        { abortSignal: timeoutOf(deadline) },
      );
    } catch (error) {
      throw new TrafficStateError(
        `cannot write the traffic state ${this.where}: ${describeError(error)}`,
        {
          cause: error,
          hint: 'the next run fetches the same buckets again (the sinks take a repeat as the same sample)',
        },
      );
    }
  }
}

/** The state in a local folder (TRAFFIC_STATE_DIR): `npm start` and local runs. */
export class FileTrafficState implements TrafficStateStore {
  readonly where: string;

  constructor(directory: string, key: string) {
    this.where = join(directory, key);
  }

  read(): Promise<DeliveredState | undefined> {
    let text: string;
    try {
      text = readFileSync(this.where, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return Promise.resolve(undefined);
      return Promise.reject(
        new TrafficStateError(
          `cannot read the traffic state ${this.where}: ${describeError(error)}`,
        ),
      );
    }
    return Promise.resolve(parseState(text, this.where));
  }

  write(state: DeliveredState): Promise<void> {
    mkdirSync(dirname(this.where), { recursive: true });
    // Written whole, then moved in place: a run killed mid-write leaves the old state.
    const temporary = `${this.where}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(state));
    renameSync(temporary, this.where);
    return Promise.resolve();
  }
}

/** An abort signal at the deadline (at most 10 s: a state read is one small object). */
function timeoutOf(deadline: Deadline): AbortSignal {
  return AbortSignal.timeout(Math.max(1, Math.min(10_000, Math.floor(deadline.remainingMs()))));
}
