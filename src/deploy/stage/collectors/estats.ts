import * as z from 'zod/mini';
import '../../../shared/zod';
import { ESTATS_ALERTING } from '../../../alerting/rules/estats';
import { parseSlos } from '../../../alerting/slo';
import {
  describeTarget,
  type EstatsSchedule,
  estatsScheduleSchema,
  parseEstatsSchedule,
  targetWarnings,
} from '../../../akamai/targets';
import type { FileProblems } from '../../../config/fileProblems';
import { JOB } from '../../../metrics/catalogue';
import { isExampleHost } from '../../guards';
import { akamaiChecks, akamaiSecretChecks } from '../../doctor/akamai';
import { checkedEstatsBudget, estatsFirstWaves, estatsRunUsage } from './estatsBudget';
import { at, clientsOf, enabled, enabledInputs, intervalOf, NAME_HINT, rate } from './common';
import type {
  EventContext,
  Indexed,
  ReadContext,
  StageCollectorDefinition,
  StageSchedulesByKind,
} from './types';

/** The shipped example's run-time discovery (config/local.yml): the simulator's CP codes. */
export const EXAMPLE_DISCOVER_MATCH = '^example-';

/** One eStats schedule: its input is checked by the schema the function uses. */
const entry = z.strictObject({
  rate,
  enabled,
  /** The API client of the schedule's requests, or several to spread its targets over. */
  client: z.optional(z.string().check(z.describe("The API client of the schedule's requests"))),
  clients: z.optional(
    z
      .array(z.string())
      .check(z.minLength(1), z.describe('Several API clients to spread its targets over')),
  ),
  input: z.unknown(),
});
type EstatsEntry = z.infer<typeof entry>;

/**
 * The eStats schedules, each input checked with the schema the function uses, its clients
 * looked up, and its interval set. A schedule with a problem is left out (and reported).
 */
function readEstats(
  entries: ReadonlyArray<Indexed<EstatsEntry>>,
  { clients, problems, warnings, shown }: ReadContext,
): Array<Indexed<StageSchedulesByKind['estats'][number]>> {
  const names = new Map<string, number>();
  return entries.flatMap(({ index, entry }) => {
    const at = ['estats', index];
    const before = problems.count;
    const where = `estats[${index}]`;
    const input = problems.attempt([...at, 'input'], () =>
      parseEstatsSchedule(entry.input, `${where}.input`),
    );
    const intervalSeconds = intervalOf(entry.rate, [...at, 'rate'], problems);
    const named = problems.attempt(at, () => clientsOf(entry, clients, 'eStats'));
    if (input === undefined || problems.count > before || intervalSeconds === undefined) return [];
    warnings.push(...targetWarnings(input, `${shown}: ${where}.input`));
    if (input.discover)
      warnings.push(
        `${shown}: ${where} (${input.name}) discovers its CP codes at run time: its Akamai budget is known only then. The table counts its maxTargets (${input.discover.maxTargets}) besides the ${input.targets.length} listed; a run that matches more refuses, and the Akamai budget series and CollectorRunsOutgrowInterval show what the runs really ask`,
      );
    if (input.firstWave !== undefined) {
      problems.add(
        [...at, 'input', 'firstWave'],
        'packaging sets firstWave from the schedules that share each API client',
        "remove it: each client's limit and reserve (akamai.clients) decide it",
      );
      return [];
    }
    if (input.clients !== undefined) {
      problems.add([...at, 'input', 'clients'], 'name the clients beside "rate"', CLIENTS_HINT);
      return [];
    }
    const same = names.get(input.name);
    if (same !== undefined) {
      problems.add(
        [...at, 'input', 'name'],
        `two eStats schedules are named "${input.name}" (estats[${same}] too)`,
        NAME_HINT,
      );
      return [];
    }
    names.set(input.name, index);
    const schedule = {
      rate: entry.rate,
      enabled: entry.enabled ?? true,
      input: { ...input, ...(named ? { clients: named } : {}), intervalSeconds },
    };
    return [{ index, entry: schedule }];
  });
}

const CLIENTS_HINT =
  'define them under akamai.clients and write "client: NAME" (or "clients: [A, B]") on the schedule';

/**
 * What a schedule needs to own its groups with the others (collectors/estatsOwnership.ts):
 * for each target, the other schedules of the stage that collect the same group; and, when it
 * discovers CP codes at run time, the CP codes whose group another schedule lists, which it
 * leaves out (`discover.exclude`), so each group has one owner.
 */
function withOwnership(input: EstatsSchedule, config: EventContext): EstatsSchedule {
  const collectors = new Map<string, string[]>();
  for (const { input: other } of config.estats)
    for (const target of other.targets) {
      const id = describeTarget(target);
      collectors.set(id, [...(collectors.get(id) ?? []), other.name]);
    }
  const othersOf = (id: string) => (collectors.get(id) ?? []).filter((n) => n !== input.name);
  return {
    ...input,
    targets: input.targets.map(({ sharedWith: _given, ...target }) => {
      const others = othersOf(describeTarget(target));
      return others.length > 0 ? { ...target, sharedWith: others } : target;
    }),
    ...(input.discover ? { discover: withListedElsewhere(input.discover, config, othersOf) } : {}),
  };
}

/** The discovery with the CP codes other schedules list (as its groups) added to `exclude`. */
function withListedElsewhere(
  discover: NonNullable<EstatsSchedule['discover']>,
  config: EventContext,
  othersOf: (id: string) => string[],
): NonNullable<EstatsSchedule['discover']> {
  const { delivery, errorType } = discover;
  const listed = config.estats.flatMap(({ input }) =>
    input.targets.flatMap((t) => ('cpCode' in t ? [t.cpCode] : [])),
  );
  const elsewhere = listed.filter(
    (cpCode) =>
      othersOf(
        describeTarget({
          cpCode,
          ...(delivery ? { delivery } : {}),
          ...(errorType ? { errorType } : {}),
        }),
      ).length > 0,
  );
  const exclude = [...new Set([...(discover.exclude ?? []), ...elsewhere])].sort((a, b) => a - b);
  return exclude.length > 0 ? { ...discover, exclude } : discover;
}

/** CP code 424242 and the domains reserved for examples (RFC 2606) are the shipped examples. */
function isExampleTarget(target: EstatsSchedule['targets'][number]): boolean {
  if ('cpCode' in target) return target.cpCode === 424242;
  return isExampleHost(new URL(target.url).hostname);
}

/**
 * The shipped examples (CP code 424242, URLs on example domains, the simulator's discovery
 * filter) would call Akamai for someone else's property on a deployed stage.
 */
function checkExampleTargets(
  estats: ReadonlyArray<Indexed<StageSchedulesByKind['estats'][number]>>,
  stage: string,
  problems: FileProblems,
): void {
  for (const { index, entry } of estats) {
    const { input } = entry;
    const first = input.targets.findIndex(isExampleTarget);
    if (first >= 0)
      problems.add(
        ['estats', index, 'input', 'targets', first],
        `still lists example targets (${input.targets.filter(isExampleTarget).map(describeTarget).join(', ')}): stage "${stage}" would call Akamai for someone else's property`,
        'list your own CP codes and URLs',
      );
    if (input.discover?.match === EXAMPLE_DISCOVER_MATCH)
      problems.add(
        ['estats', index, 'input', 'discover', 'match'],
        `schedule ${input.name} still discovers the example CP codes (match: "${EXAMPLE_DISCOVER_MATCH}"): stage "${stage}" would ask Akamai for CP codes it does not have`,
        'give discover your own filters (contract, product, name, match), or remove it',
      );
  }
}

/** Akamai eStats: CP codes and URLs, each target its own group. */
export const ESTATS_COLLECTOR: StageCollectorDefinition<
  'estats',
  EstatsEntry,
  typeof ESTATS_ALERTING
> = {
  kind: 'estats',
  job: JOB.estats,
  alerting: ESTATS_ALERTING,
  what: 'eStats schedule',
  entry,
  editableEntry: z.strictObject({
    ...entry.def.shape,
    input: z.omit(estatsScheduleSchema, { clients: true, intervalSeconds: true, firstWave: true }),
  }),
  describes: 'eStats schedules: CP codes and URLs, each an EventBridge rule',
  read: readEstats,
  schedulesOf: (config) => config.estats.map((s) => ({ ...s, name: s.input.name })),
  eventOf(config, index) {
    const { input } = at(config.estats, index);
    const firstWave = estatsFirstWaves(config.estats).get(input.name);
    const packaged = { ...withOwnership(input, config), ...(firstWave ? { firstWave } : {}) };
    return {
      description: `eStats targets of the ${input.name} schedule (${config.file})`,
      inputTemplate: `{"time": <time>, "schedule": ${JSON.stringify(packaged)}}`,
      targets: input.targets.length,
    };
  },
  checkDeployed: checkExampleTargets,
  packagingBudget: (config, margin) =>
    checkedEstatsBudget(config, Number(config.settings.estatsTimeout), margin),
  // An SLO is of eStats targets: each must be one a schedule collects.
  slosOf: (section, config, file) =>
    parseSlos(
      section,
      config.estats.map((s) => s.input),
      file,
    ),
  runUsage: estatsRunUsage,
  // Its API clients' secrets, and the function's own (akamaiSecretName) for a schedule without.
  secretsRead(config, settings) {
    const schedules = enabledInputs(config.estats);
    const own = schedules.some((s) => s.clients === undefined) ? [settings.akamaiSecretName] : [];
    const clients = schedules.flatMap((s) => s.clients ?? []).map((client) => client.secret);
    return [...new Set([...own, ...clients])].filter((id): id is string => Boolean(id)).sort();
  },
  preflight(config, env) {
    const schedules = enabledInputs(config.estats);
    return {
      secrets: akamaiSecretChecks(schedules, env),
      services: akamaiChecks(schedules, env),
    };
  },
};
