import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  EXAMPLE_STAGE,
  loadStageConfig,
  scheduleEvents,
  type StageConfig,
} from '../../src/deploy/stage';
import { ConfigurationError } from '../../src/shared/errors';
import { parseSchedule, type Schedule } from '../../src/deploy/scheduleExpressions';

/**
 * The scheduled functions exactly as serverless.yml declares them for the `local` stage:
 * handler, timeout, schedule expression and what EventBridge would deliver (constant `input`,
 * an `inputTransformer` filled with the tick's time, or the plain "Scheduled Event"). Events
 * that serverless.yml takes from the stage's file (`${self:custom.stage…}`, infra/serverless/stage.js)
 * come from the stage's file (`config/local.yml` unless `npm start` runs another), through the
 * same conversion.
 */
export interface ScheduledFunction {
  name: string;
  /** e.g. src/handlers/estats.handler */
  handler: string;
  timeoutSeconds: number;
  schedule: Schedule;
  /** The event for a tick at `time`. */
  event(time: Date): unknown;
}

// CloudFormation short-form tags: kept as plain values, we never evaluate them locally.
const CFN_TAGS = ['!Ref', '!GetAtt', '!Sub', '!Join', '!If', '!Equals'].flatMap((tag) => [
  { tag, resolve: (value: unknown) => ({ [tag]: value }) },
  { tag, collection: 'seq' as const, resolve: (value: unknown) => ({ [tag]: value }) },
]);

interface ScheduleEvent {
  rate?: string | string[];
  enabled?: boolean;
  input?: unknown;
  inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string };
}

/** A function's timeout: a number, or `${self:custom.stage.lambda.<name>}` (the stage's setting). */
function timeoutOf(
  fn: string,
  timeout: number | string | undefined,
  stage: () => StageConfig,
): number | undefined {
  if (typeof timeout !== 'string') return timeout;
  const setting = /^\$\{self:custom\.stage\.lambda\.(\w+)\}$/.exec(timeout)?.[1];
  const value = setting ? Number(stage().settings[setting]) : Number.NaN;
  if (!Number.isInteger(value))
    throw new ConfigurationError(
      `serverless.yml function ${fn}: timeout ${timeout} is not a number or a setting of the stage`,
    );
  return value;
}

export function readScheduledFunctions(
  serverlessYmlPath: string,
  stageConfigPath: string,
  stageName: string = EXAMPLE_STAGE,
): ScheduledFunction[] {
  const doc = parse(readFileSync(serverlessYmlPath, 'utf8'), { customTags: CFN_TAGS as never }) as {
    provider?: { timeout?: number };
    functions?: Record<
      string,
      {
        handler: string;
        timeout?: number | string;
        events?: Array<{ schedule?: ScheduleEvent | string }> | string;
      }
    >;
  };
  let config: StageConfig | undefined;
  const stage = () => (config ??= loadStageConfig(stageConfigPath, stageName));
  let fromStageFile: Record<string, Array<{ schedule?: ScheduleEvent }>> | undefined;
  const out: ScheduledFunction[] = [];
  for (const [name, fn] of Object.entries(doc.functions ?? {})) {
    let events = fn.events ?? [];
    if (typeof events === 'string') {
      fromStageFile ??= scheduleEvents(
        stage(),
        (fnName, schedule) => `${fnName}-${schedule}`,
      ) as Record<string, Array<{ schedule?: ScheduleEvent }>>;
      events = fromStageFile[name] ?? [];
    }
    for (const entry of events) {
      const raw = entry.schedule;
      if (raw === undefined) continue;
      const schedule: ScheduleEvent = typeof raw === 'string' ? { rate: raw } : raw;
      if (schedule.enabled === false) continue;
      const rates = Array.isArray(schedule.rate) ? schedule.rate : [schedule.rate];
      for (const rate of rates) {
        if (!rate)
          throw new ConfigurationError(`serverless.yml function ${name}: schedule without rate`);
        out.push({
          name,
          handler: fn.handler,
          timeoutSeconds: timeoutOf(name, fn.timeout, stage) ?? doc.provider?.timeout ?? 6,
          schedule: parseSchedule(rate),
          event: eventBuilder(name, schedule),
        });
      }
    }
  }
  return out;
}

function eventBuilder(name: string, schedule: ScheduleEvent): (time: Date) => unknown {
  if (schedule.input !== undefined) return () => structuredClone(schedule.input);
  const transformer = schedule.inputTransformer;
  if (transformer) {
    return (time) => {
      const scheduled = scheduledEvent(name, time);
      let text = transformer.inputTemplate;
      for (const [key, path] of Object.entries(transformer.inputPathsMap ?? {})) {
        const value = path
          .replace(/^\$\.?/, '')
          .split('.')
          .filter(Boolean)
          .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], scheduled);
        text = text.split(`<${key}>`).join(JSON.stringify(value));
      }
      return JSON.parse(text) as unknown;
    };
  }
  return (time) => scheduledEvent(name, time);
}

/** What EventBridge delivers for a scheduled rule without input. */
function scheduledEvent(name: string, time: Date) {
  return {
    version: '0',
    id: `local-${name}-${time.getTime()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: 'local',
    resources: [`arn:aws:events:local:000000000000:rule/${name}`],
    detail: {},
  };
}
