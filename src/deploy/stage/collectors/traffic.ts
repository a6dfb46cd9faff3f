import * as z from 'zod/mini';
import '../../../shared/zod';
import { TRAFFIC_ALERTING } from '../../../alerting/rules/traffic';
import { JOB } from '../../../metrics/catalogue';
import { plural } from '../../../shared/plural';
import { BUCKET_SECONDS } from '../../../traffic/report';
import { parseTrafficSchedule, trafficScheduleSchema } from '../../../traffic/schedule';
import { akamaiSecretChecks } from '../../doctor/akamai';
import { trafficChecks } from '../../doctor/traffic';
import { EXAMPLE_DISCOVER_MATCH } from './estats';
import { at, clientsOf, enabled, enabledInputs, intervalOf, NAME_HINT, rate } from './common';
import { checkedTrafficBudget, runSeconds, trafficBudget, trafficShares } from './trafficBudget';
import type {
  Indexed,
  ReadContext,
  RunUsage,
  StageCollectorDefinition,
  StageSchedulesByKind,
  UsageContext,
} from './types';

/** One traffic schedule: its input is checked by the schema the function uses. */
const entry = z.strictObject({
  rate,
  enabled,
  /** The API client of the schedule's requests (akamai.clients); none: the environment's. */
  client: z.optional(z.string().check(z.describe("The API client of the schedule's requests"))),
  input: z.unknown(),
});
type TrafficEntry = z.infer<typeof entry>;

/** The shipped example's CP codes (config/local.yml): the simulator's account. */
const EXAMPLE_CP_CODES = new Set([424242, 424243, 424244]);

/** The traffic schedules, each input checked as the function checks it, its client looked up. */
function readTraffic(
  entries: ReadonlyArray<Indexed<TrafficEntry>>,
  { clients, problems, warnings, shown }: ReadContext,
): Array<Indexed<StageSchedulesByKind['traffic'][number]>> {
  const names = new Map<string, number>();
  return entries.flatMap(({ index, entry }) => {
    const where = ['traffic', index];
    const before = problems.count;
    const input = problems.attempt([...where, 'input'], () =>
      parseTrafficSchedule(entry.input, `traffic[${index}].input`),
    );
    const intervalSeconds = intervalOf(entry.rate, [...where, 'rate'], problems);
    const client = problems.attempt(where, () => clientsOf(entry, clients, 'traffic')?.[0]);
    if (input === undefined || intervalSeconds === undefined || problems.count > before) return [];
    if (intervalSeconds < BUCKET_SECONDS) {
      // Its CP codes' groups are pushed once a bucket: a faster schedule would find nothing
      // new, and their groups would look stale at its interval.
      problems.add(
        [...where, 'rate'],
        `runs every ${intervalSeconds} s: a traffic bucket is ${BUCKET_SECONDS / 60} minutes, so a faster run finds nothing new`,
        'use rate(5 minutes) or slower',
      );
      return [];
    }
    for (const set of ['client', 'requestsPerMinute', 'intervalSeconds'] as const)
      if ((entry.input as Record<string, unknown>)[set] !== undefined) {
        problems.add(
          [...where, 'input', set],
          `packaging sets ${set}`,
          set === 'client'
            ? 'name the client beside "rate" (client: NAME)'
            : "remove it: packaging sets it from the account's budget and the rate",
        );
        return [];
      }
    const same = names.get(input.name);
    if (same !== undefined) {
      problems.add(
        [...where, 'input', 'name'],
        `two traffic schedules are named "${input.name}" (traffic[${same}] too)`,
        NAME_HINT,
      );
      return [];
    }
    names.set(input.name, index);
    if (input.discover)
      warnings.push(
        `${shown}: traffic[${index}] (${input.name}) discovers its CP codes at run time: its Reporting budget counts its maxTargets (${input.discover.maxTargets}) besides the ${input.targets.length} listed; a run that matches more refuses`,
      );
    return [
      {
        index,
        entry: {
          rate: entry.rate,
          enabled: entry.enabled ?? true,
          input: { ...input, ...(client ? { client } : {}), intervalSeconds },
        },
      },
    ];
  });
}

/**
 * What a traffic run logs and pushes, for the cost estimate: the series of a CP code's group
 * counted from its content (traffic/content.ts), the bytes of its two log lines estimated
 * from the ones the tests print (not measured by test/integration/costInputs.test.ts).
 */
export const TRAFFIC_RUN_FIGURES = {
  /** Its "traffic run finished" and "Akamai Reporting budget" lines. */
  logBytesPerRun: 700,
  /** Each CP code's group: hits, bytes, offloads, bucket end and width, up, name. */
  samplesPerCpCode: 10,
} as const;

function trafficRunUsage(context: UsageContext, index: number): RunUsage {
  const { input } = at(context.traffic, index);
  const row = trafficBudget(context.traffic)
    .flatMap((account) => account.rows)
    .find((r) => r.schedule === input.name);
  const requests = row?.requestsPerRun ?? 1;
  return {
    seconds: runSeconds(requests, row?.share ?? 1),
    secrets: input.client?.secret !== undefined || input.client === undefined ? 1 : 0,
    logBytes: TRAFFIC_RUN_FIGURES.logBytesPerRun,
    samples: TRAFFIC_RUN_FIGURES.samplesPerCpCode * (row?.cpCodes ?? input.targets.length),
    basis: `${plural(requests, 'report request')} at its share of the account, ${plural(row?.cpCodes ?? input.targets.length, 'CP code')}`,
  };
}

/** Akamai traffic (Reporting API v2): each CP code's 5-minute buckets, its own group. */
export const TRAFFIC_COLLECTOR: StageCollectorDefinition<
  'traffic',
  TrafficEntry,
  typeof TRAFFIC_ALERTING
> = {
  kind: 'traffic',
  job: JOB.traffic,
  alerting: TRAFFIC_ALERTING,
  what: 'traffic schedule',
  entry,
  editableEntry: z.strictObject({
    ...entry.def.shape,
    input: z.omit(trafficScheduleSchema, {
      client: true,
      requestsPerMinute: true,
      intervalSeconds: true,
    }),
  }),
  describes:
    'Traffic schedules: hits, bytes and offload per CP code from the Reporting API, each an EventBridge rule',
  read: readTraffic,
  schedulesOf: (config) => config.traffic.map((s) => ({ ...s, name: s.input.name })),
  eventOf(config, index) {
    const { input } = at(config.traffic, index);
    const share = trafficShares(config.traffic).get(input.name);
    const packaged = { ...input, ...(share ? { requestsPerMinute: share } : {}) };
    return {
      description: `Traffic of the CP codes of the ${input.name} schedule (${config.file})`,
      inputTemplate: `{"time": <time>, "schedule": ${JSON.stringify(packaged)}}`,
      targets: input.targets.length,
    };
  },
  checkDeployed(traffic, stage, problems) {
    for (const { index, entry } of traffic) {
      if (entry.input.discover?.match === EXAMPLE_DISCOVER_MATCH)
        problems.add(
          ['traffic', index, 'input', 'discover', 'match'],
          `schedule ${entry.input.name} still discovers the example CP codes (match: "${EXAMPLE_DISCOVER_MATCH}"): stage "${stage}" would ask Akamai for CP codes it does not have`,
          'give discover your own filters (contract, product, name, match), or remove it',
        );
      const first = entry.input.targets.findIndex((t) => EXAMPLE_CP_CODES.has(t.cpCode));
      if (first >= 0)
        problems.add(
          ['traffic', index, 'input', 'targets', first],
          `still lists the example CP codes: stage "${stage}" would ask Akamai for someone else's traffic`,
          'list your own CP codes',
        );
    }
  },
  packagingBudget: (config, margin) =>
    checkedTrafficBudget(config, Number(config.settings.trafficTimeout), margin),
  runUsage: trafficRunUsage,
  secretsRead(config, settings) {
    const schedules = enabledInputs(config.traffic);
    const own = schedules.some((s) => s.client === undefined) ? [settings.akamaiSecretName] : [];
    const clients = schedules.map((s) => s.client?.secret);
    return [...new Set([...own, ...clients])].filter((id): id is string => Boolean(id)).sort();
  },
  preflight(config, env) {
    const schedules = enabledInputs(config.traffic).map((s) => ({
      clients: s.client ? [s.client] : undefined,
    }));
    return {
      secrets: akamaiSecretChecks(schedules, env),
      services: trafficChecks(enabledInputs(config.traffic), env),
    };
  },
};
