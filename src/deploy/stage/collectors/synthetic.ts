import * as z from 'zod/mini';
import '../../../shared/zod';
import { SYNTHETIC_ALERTING } from '../../../alerting/rules/synthetic';
import { JOB } from '../../../metrics/catalogue';
import { fleetSchema, parseFleet } from '../../../synthetic/fleetConfig';
import { shortestIntervalSeconds } from '../../scheduleExpressions';
import { at, enabled, intervalOf, rate } from './common';
import type {
  Indexed,
  ReadContext,
  RunUsage,
  StageCollectorDefinition,
  StageSchedulesByKind,
  UsageContext,
} from './types';
import { plural } from '../../../shared/plural';

/** One simulated fleet: its fleet is checked by the schema the function uses. */
const entry = z.strictObject({ rate, enabled, fleet: z.unknown() });
type SyntheticEntry = z.infer<typeof entry>;

/** The synthetic fleets, each checked as the function checks it. */
function readSynthetic(
  entries: ReadonlyArray<Indexed<SyntheticEntry>>,
  { problems }: ReadContext,
): Array<Indexed<StageSchedulesByKind['synthetic'][number]>> {
  return entries.flatMap(({ index, entry }) => {
    const at = ['synthetic', index];
    const fleet = problems.attempt([...at, 'fleet'], () =>
      parseFleet(entry.fleet, `synthetic[${index}].fleet`),
    );
    const intervalSeconds = intervalOf(entry.rate, [...at, 'rate'], problems);
    if (fleet === undefined || intervalSeconds === undefined) return [];
    const given = (entry.fleet ?? {}) as Record<string, unknown>;
    return [{ index, entry: { rate: entry.rate, enabled: entry.enabled ?? true, fleet: given } }];
  });
}

/** A fleet's name (validated by parseFleet when the file was read), `default` when unnamed. */
function fleetName(fleet: Record<string, unknown>): string {
  return typeof fleet.name === 'string' ? fleet.name : 'default';
}

/**
 * What a synthetic run logs and pushes, measured on the real handler and the real Pushgateway
 * (test/integration/costInputs.test.ts), and its run time, assumed.
 */
export const SYNTHETIC_RUN_FIGURES = {
  logBytesPerRun: 360,
  samplesPerPort: 14,
  /** Assumed: a fleet is generated in memory; a run is a push, about a second. */
  secondsPerRun: 1,
} as const;

function syntheticRunUsage(context: UsageContext, index: number): RunUsage {
  const { fleet } = at(context.synthetic, index);
  const ports = parseFleet(fleet).devices.reduce((sum, d) => sum + d.ports.length, 0);
  const figures = SYNTHETIC_RUN_FIGURES;
  return {
    seconds: figures.secondsPerRun,
    secrets: 0,
    logBytes: figures.logBytesPerRun,
    samples: figures.samplesPerPort * ports,
    basis: `${figures.secondsPerRun} s assumed, ${plural(ports, 'port')}`,
  };
}

/** The synthetic switch fleet: one group per device, its values those of the tick time. */
export const SYNTHETIC_COLLECTOR: StageCollectorDefinition<
  'synthetic',
  SyntheticEntry,
  typeof SYNTHETIC_ALERTING
> = {
  kind: 'synthetic',
  job: JOB.synthetic,
  alerting: SYNTHETIC_ALERTING,
  what: 'synthetic fleet',
  entry,
  editableEntry: z.strictObject({ ...entry.def.shape, fleet: fleetSchema }),
  describes: 'Simulated switch fleets, each an EventBridge rule',
  read: readSynthetic,
  schedulesOf: (config) => config.synthetic.map((s) => ({ ...s, name: fleetName(s.fleet) })),
  eventOf(config, index) {
    const { rate, fleet } = at(config.synthetic, index);
    // The tick time (event.time) makes every value reproducible: a retried or duplicated
    // delivery pushes identical values. The fleet rides along in the same input.
    return {
      description: `Simulated switch fleet ${fleetName(fleet)} (${config.file})`,
      inputTemplate: `{"time": <time>, "intervalSeconds": ${shortestIntervalSeconds(rate)}, "fleet": ${JSON.stringify(fleet)}}`,
    };
  },
  // A simulated fleet names no address and no target.
  checkDeployed: () => {},
  // A fleet is simulated in memory: no budget of a service or a timeout to fit.
  packagingBudget: () => '',
  runUsage: syntheticRunUsage,
  secretsRead: () => [],
  // A simulated fleet reads no secret and reaches no service of its own.
  preflight: () => ({ secrets: [], services: [] }),
};
