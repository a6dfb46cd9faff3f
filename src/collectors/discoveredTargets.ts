import { accountSwitchKeyOf, DEFAULT_CLIENT } from '../akamai/clients';
import { type AccountCpCode, cpCodeFiltersOf, listCpCodes, selectCpCodes } from '../akamai/cpCodes';
import { type CredentialSource, loadSigner } from '../akamai/credentials';
import type { AkamaiClient } from '../akamai/clients';
import type { DiscoverTargets, EstatsSchedule, EstatsTarget } from '../akamai/targets';
import type { Deadline } from '../shared/deadline';
import { CollectorError, ConfigurationError, describeError } from '../shared/errors';
import type { Logger } from '../shared/logger';

/**
 * Run-time discovery (`targets: { discover: {…} }`): the schedule's targets are its listed
 * ones plus the CP codes its first API client's account has that match, asked of Akamai's CP
 * Codes and Reporting Groups API at most once per `refreshSeconds` per warm container. Targets
 * that appear are collected from the next refresh on. One answer is never enough to delete:
 * a CP code's group goes only when two answers in a row lack it (a container's first answer,
 * cold, confirms nothing), or after the janitor's TTL. More matches than `maxTargets` refuse
 * the run. When Akamai cannot be asked, the last list is used (and said); with none, the run
 * fails, deleting nothing.
 */
interface Discovered {
  cpCodes: AccountCpCode[];
  fetchedAtMs: number;
  /** The CP codes whose groups removal keeps for now (collectors/estatsOwnership.ts). */
  pending: PendingRemoval;
}

/**
 * The CP codes absent from the last answer whose absence is not confirmed yet: removal keeps
 * their groups. `all`: no earlier answer to confirm any absence (a cold container).
 */
export type PendingRemoval = 'all' | ReadonlySet<number>;

/** A schedule with its discovered targets, and what its removal must keep for now. */
export interface DiscoveredSchedule {
  schedule: EstatsSchedule;
  /** Absent without discovery: removal goes by the targets alone. */
  pending?: PendingRemoval;
}

const discovered = new Map<string, Discovered>();
/** The clock of the refresh: only tests move it (the signatures keep the real one). */
let clock: () => number = Date.now;

/** For tests: forget every discovered list (a cold container), and set the refresh clock. */
export function resetDiscoveryForTests(now: () => number = Date.now): void {
  discovered.clear();
  clock = now;
}

export interface DiscoveryDeps {
  credentialSourceOf(client: AkamaiClient): CredentialSource;
  logger: Logger;
  /** Whose targets its log lines name: `eStats` unless said (the traffic collector's). */
  collector?: string;
}

/** The schedule with its discovered targets added (itself when it discovers nothing). */
export async function withDiscoveredTargets(
  schedule: EstatsSchedule,
  deps: DiscoveryDeps,
  deadline: Deadline,
): Promise<DiscoveredSchedule> {
  const discover = schedule.discover;
  if (!discover) return { schedule };
  const now = clock;
  const client = schedule.clients?.[0] ?? DEFAULT_CLIENT;
  const key = JSON.stringify([
    schedule.name,
    client.name,
    schedule.accountSwitchKey ?? '',
    discover,
  ]);
  const cached = discovered.get(key);
  let cpCodes: AccountCpCode[];
  let pending: PendingRemoval = cached?.pending ?? 'all';
  if (cached && now() - cached.fetchedAtMs < discover.refreshSeconds * 1000) {
    cpCodes = cached.cpCodes;
  } else {
    try {
      const signer = await loadSigner(deps.credentialSourceOf(client), deadline);
      const accountSwitchKey = accountSwitchKeyOf(
        { client, schedule: schedule.accountSwitchKey },
        signer,
      );
      const listed = await listCpCodes(signer, {
        filters: cpCodeFiltersOf(discover),
        ...(accountSwitchKey ? { accountSwitchKey } : {}),
        deadline,
      });
      cpCodes = selectCpCodes(listed, {
        ...(discover.exclude ? { exclude: discover.exclude } : {}),
        ...(discover.match ? { namePattern: new RegExp(discover.match, 'i') } : {}),
        ...(discover.excludeMatch
          ? { excludeNamePattern: new RegExp(discover.excludeMatch, 'i') }
          : {}),
      });
      refuseTooMany(schedule.name, discover, cpCodes.length);
      if (cpCodes.length === 0 && cached && cached.cpCodes.length > 0)
        // None at all after some: a grant or filter that changed, more likely than an estate
        // that vanished. Deleting every group on it would be worse than a stale list.
        throw new CollectorError(
          `Akamai listed none of the ${cached.cpCodes.length} CP codes it listed before`,
          {
            hint: 'check the API client and the discover filters; if the CP codes are really gone, the janitor deletes their groups after its TTL',
          },
        );
      pending = cached ? absentNow(cached.cpCodes, cpCodes) : 'all';
      discovered.set(key, { cpCodes, fetchedAtMs: now(), pending });
      deps.logger.info(`${deps.collector ?? 'eStats'} targets discovered`, {
        schedule: schedule.name,
        client: client.name,
        listed: listed.length,
        matched: cpCodes.length,
        ...(cached ? changesSince(cached.cpCodes, cpCodes) : {}),
      });
    } catch (error) {
      if (error instanceof ConfigurationError || !cached)
        throw discoveryFailed(schedule.name, error);
      // Akamai could not be asked: the last list stands until it can.
      deps.logger.warn(
        `${deps.collector ?? 'eStats'} target discovery failed: the last discovered targets are used`,
        {
          schedule: schedule.name,
          ageSeconds: Math.round((now() - cached.fetchedAtMs) / 1000),
          error: describeError(error),
        },
      );
      cpCodes = cached.cpCodes;
    }
  }
  return {
    schedule: { ...schedule, targets: mergedTargets(schedule.targets, cpCodes, discover) },
    pending,
  };
}

/** The CP codes of the earlier answer the new one lacks: their absence is not confirmed yet. */
function absentNow(
  before: readonly AccountCpCode[],
  after: readonly AccountCpCode[],
): ReadonlySet<number> {
  const now = new Set(after.map((cp) => cp.cpCode));
  return new Set(before.map((cp) => cp.cpCode).filter((id) => !now.has(id)));
}

/**
 * The listed targets (a listed CP code without a name takes Akamai's; one written by hand
 * wins), then the discovered CP codes they do not list already.
 */
function mergedTargets(
  listed: readonly EstatsTarget[],
  cpCodes: readonly AccountCpCode[],
  discover: DiscoverTargets,
): EstatsTarget[] {
  const present = new Set(listed.flatMap((t) => ('cpCode' in t ? [t.cpCode] : [])));
  // A target name is at most 128 characters (targets.ts); Akamai's may be longer.
  const names = new Map(cpCodes.map((cp) => [cp.cpCode, cp.name.slice(0, 128)]));
  return [
    ...listed.map((target) => {
      const name = 'cpCode' in target && !target.name ? names.get(target.cpCode) : undefined;
      return name ? { ...target, name } : target;
    }),
    ...cpCodes
      .filter((cp) => !present.has(cp.cpCode))
      .map((cp) => ({
        cpCode: cp.cpCode,
        ...(names.get(cp.cpCode) ? { name: names.get(cp.cpCode) } : {}),
        ...(discover.delivery ? { delivery: discover.delivery } : {}),
        ...(discover.errorType ? { errorType: discover.errorType } : {}),
      })),
  ];
}

function refuseTooMany(schedule: string, discover: DiscoverTargets, matched: number): void {
  if (matched > discover.maxTargets)
    throw new ConfigurationError(
      `schedule ${schedule}: discovery matched ${matched} CP codes, more than its maxTargets ${discover.maxTargets}`,
      {
        hint: `narrow targets.discover (contract, group, product, name, match, exclude), or raise maxTargets to at least ${matched}: packaging then checks the Akamai budget for that many`,
      },
    );
}

function changesSince(
  before: readonly AccountCpCode[],
  after: readonly AccountCpCode[],
): { appeared: number[]; disappeared: number[] } {
  const was = new Set(before.map((cp) => cp.cpCode));
  const is = new Set(after.map((cp) => cp.cpCode));
  return {
    appeared: [...is].filter((id) => !was.has(id)),
    disappeared: [...was].filter((id) => !is.has(id)),
  };
}

function discoveryFailed(schedule: string, error: unknown): Error {
  if (error instanceof ConfigurationError) return error;
  const hint = (error as { hint?: string }).hint;
  return new CollectorError(
    `schedule ${schedule}: its targets cannot be discovered: ${(error as Error).message}`,
    {
      cause: error,
      hint: hint ?? 'check the API client and its CP Codes and Reporting Groups grant',
    },
  );
}
