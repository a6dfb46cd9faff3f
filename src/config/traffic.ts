import type { AkamaiClient } from '../akamai/clients';
import type { CredentialSource } from '../akamai/credentials';
import { ConfigurationError } from '../shared/errors';
import type { TrafficFetchSettings } from '../traffic/fetch';
import { parseTrafficSchedule, type TrafficSchedule } from '../traffic/schedule';
import {
  FileTrafficState,
  S3TrafficState,
  stateKey,
  type TrafficStateStore,
} from '../traffic/state';
import { type Env, readInteger, readOptionalString } from './env';
import { akamaiCredentialSources } from './estats';
import { isRecord, type Tick, withTick } from './synthetic';

export interface TrafficSettings {
  credentialSourceOf(client: AkamaiClient): CredentialSource;
  fetch: Pick<TrafficFetchSettings, 'requestTimeoutMs' | 'maxInFlight'>;
  /**
   * Where a schedule's delivered state is kept: TRAFFIC_STATE_BUCKET (deployed: packaging
   * creates the bucket), else TRAFFIC_STATE_DIR (local runs). Neither: no state, and an outage
   * is not filled in.
   */
  stateStoreOf(stage: string | undefined, schedule: string): TrafficStateStore | undefined;
}

export function trafficSettingsFromEnv(env: Env): TrafficSettings {
  const bucket = readOptionalString(env, 'TRAFFIC_STATE_BUCKET');
  const directory = readOptionalString(env, 'TRAFFIC_STATE_DIR');
  return {
    credentialSourceOf: akamaiCredentialSources(env),
    fetch: {
      requestTimeoutMs: readInteger(env, 'TRAFFIC_REQUEST_TIMEOUT_MS', 30_000, {
        min: 1_000,
        max: 900_000,
      }),
      maxInFlight: readInteger(env, 'TRAFFIC_MAX_IN_FLIGHT', 4, { min: 1, max: 32 }),
    },
    stateStoreOf: (stage, schedule) => {
      const key = stateKey(stage, schedule);
      if (bucket) return new S3TrafficState(bucket, key);
      if (directory) return new FileTrafficState(directory, key);
      return undefined;
    },
  };
}

/** What a traffic invocation is asked to do: a schedule, at a tick when the event says. */
export interface TrafficInvocation {
  schedule: TrafficSchedule;
  tick?: Tick;
}

/**
 * The schedule to run: a packaged schedule's event is `{"time": <tick>, "schedule": {…}}`;
 * an event that is the schedule itself (it carries `targets`) is taken as is.
 */
export function resolveTrafficInvocation(event: unknown): TrafficInvocation {
  if (isRecord(event) && isRecord(event.schedule)) {
    return withTick(event, parseTrafficSchedule(event.schedule, 'schedule input (event.schedule)'));
  }
  if (isRecord(event) && 'targets' in event)
    return { schedule: parseTrafficSchedule(event, 'schedule input (event)') };
  throw new ConfigurationError('no traffic schedule: the event has no "schedule" or "targets"', {
    hint: 'list the schedule under "traffic:" in the stage file; by hand, invoke with {"schedule": {"name": …, "targets": [{"cpCode": …}]}}',
  });
}
