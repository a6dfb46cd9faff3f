import { accountSwitchKeyOf, type AkamaiClient, DEFAULT_CLIENT } from '../../akamai/clients';
import { loadSigner } from '../../akamai/credentials';
import { EDGEGRID_FIELDS } from '../../akamai/edgegrid';
import { secretSettingsFromEnv } from '../../config/secrets';
import { type AccountCpCode, cpCodeFiltersOf, listCpCodes } from '../../akamai/cpCodes';
import { fetchEstats } from '../../akamai/estatsClient';
import {
  describeTarget,
  type DiscoverTargets,
  type EstatsSchedule,
  type EstatsTarget,
} from '../../akamai/targets';
import type { Env } from '../../config/env';
import { estatsSettingsFromEnv } from '../../config/estats';
import { ConfigurationError } from '../../shared/errors';
import { type DoctorCheck, secretCheck } from './checks';

/** The API clients of the enabled schedules (eStats, traffic), each with the schedules that use it. */
function clientsOf<S extends { clients?: AkamaiClient[] | undefined }>(schedules: readonly S[]) {
  const byClient = new Map<string, { client: AkamaiClient; schedules: S[] }>();
  for (const input of schedules)
    for (const client of input.clients ?? [DEFAULT_CLIENT]) {
      const entry = byClient.get(client.name) ?? { client, schedules: [] };
      entry.schedules.push(input);
      byClient.set(client.name, entry);
    }
  return [...byClient.values()];
}

/**
 * The secret of each API client (or the function's own, akamaiSecretName, for a schedule
 * without clients): it exists and holds EdgeGrid credentials, every field.
 */
export function akamaiSecretChecks(
  schedules: ReadonlyArray<{ clients?: AkamaiClient[] | undefined }>,
  env: Env,
): DoctorCheck[] {
  return clientsOf(schedules).flatMap(({ client }) => {
    const secret = client.secret ?? (client === DEFAULT_CLIENT ? env.AKAMAI_SECRET_ID : undefined);
    if (!secret) return [];
    const whose =
      client === DEFAULT_CLIENT
        ? 'the default API client, akamaiSecretName'
        : `API client ${client.name}`;
    return [
      secretCheck(secret, whose, async (deadline) => {
        await loadSigner(
          { kind: 'secretsManager', ...secretSettingsFromEnv(env, secret) },
          deadline,
        );
        return `EdgeGrid credentials, with ${EDGEGRID_FIELDS.join(', ')}`;
      }),
    ];
  });
}

/**
 * Each API client of the enabled eStats schedules, asked what its schedules need: one eStats
 * request for a target of its own (the Edge Diagnostics grant, and access to that CP code or
 * URL), and where a schedule discovers, one CP-code listing (that API's grant). One attempt
 * each, no retry: at most two requests of the client's budget.
 */
export function akamaiChecks(schedules: readonly EstatsSchedule[], env: Env): DoctorCheck[] {
  const settings = estatsSettingsFromEnv(env);
  const once = {
    ...settings.clientOptions,
    retry: { ...settings.clientOptions.retry, maxAttempts: 1 },
  };
  return clientsOf(schedules).flatMap(({ client, schedules }) => {
    const source = settings.credentialSourceOf(client);
    const signerOf = async (deadline: Parameters<DoctorCheck['run']>[0]) => {
      const signer = await loadSigner(source, deadline);
      return { signer, accountSwitchKey: accountSwitchKeyOf({ client }, signer) };
    };
    const discovering = schedules.find((s) => s.discover);
    const listed = schedules.flatMap((s) => s.targets)[0];
    // One listing per client, shared by both checks: the budget is spent once.
    let listing: Promise<AccountCpCode[]> | undefined;
    const listOnce = (deadline: Parameters<DoctorCheck['run']>[0], discover: DiscoverTargets) =>
      (listing ??= signerOf(deadline).then(({ signer, accountSwitchKey }) =>
        listCpCodes(signer, {
          filters: cpCodeFiltersOf(discover),
          ...(accountSwitchKey ? { accountSwitchKey } : {}),
          deadline,
        }),
      ));
    const checks: DoctorCheck[] = [];
    if (discovering?.discover) {
      const discover = discovering.discover;
      checks.push({
        subject: `Akamai client ${client.name}: CP-code listing (schedule ${discovering.name} discovers)`,
        run: async (deadline) => {
          const codes = await listOnce(deadline, discover);
          return `answered: ${codes.length} CP codes for the schedule's filters (1 request)`;
        },
      });
    }
    checks.push({
      subject: `Akamai client ${client.name}: eStats`,
      run: async (deadline) => {
        const { signer, accountSwitchKey } = await signerOf(deadline);
        let target: EstatsTarget | undefined = listed;
        if (!target && discovering?.discover) {
          // The listing check's answer: no request of its own.
          const [first] = await listOnce(deadline, discovering.discover);
          if (first) target = { cpCode: first.cpCode };
        }
        if (!target)
          throw new ConfigurationError(
            `no target to ask about: its schedules list none and discovery found none`,
            {
              hint: "list a CP code under the schedule's targets, or loosen its discover filters",
            },
          );
        const answer = await fetchEstats(target, {
          signer,
          ...(accountSwitchKey ? { accountSwitchKey } : {}),
          deadline,
          options: once,
        });
        const left =
          answer.rateLimitRemaining === undefined
            ? ''
            : `; ${answer.rateLimitRemaining} requests left of its budget now`;
        return `answered for ${describeTarget(target)} (1 request${left})`;
      },
    });
    return checks;
  });
}
