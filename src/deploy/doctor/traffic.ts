import { accountSwitchKeyOf, DEFAULT_CLIENT } from '../../akamai/clients';
import { loadSigner } from '../../akamai/credentials';
import type { Env } from '../../config/env';
import { trafficSettingsFromEnv } from '../../config/traffic';
import type { BackoffPolicy } from '../../shared/backoff';
import { ConfigurationError } from '../../shared/errors';
import { AccountPacer } from '../../traffic/accountPacer';
import { fetchTraffic } from '../../traffic/fetch';
import { planTraffic } from '../../traffic/plan';
import type { TrafficSchedule } from '../../traffic/schedule';
import type { DoctorCheck } from './checks';

/**
 * The Reporting API's traffic report, asked once per API client of the enabled traffic
 * schedules: one CP code's newest final bucket, one request, no retry. It proves the grant,
 * the account and that Akamai has the CP code's data; a 403 names the CP codes it refuses.
 */
export function trafficChecks(schedules: readonly TrafficSchedule[], env: Env): DoctorCheck[] {
  const settings = trafficSettingsFromEnv(env);
  const byClient = new Map<string, TrafficSchedule>();
  for (const schedule of schedules) {
    const { name } = schedule.client ?? DEFAULT_CLIENT;
    if (!byClient.has(name)) byClient.set(name, schedule);
  }
  return [...byClient].map(([name, schedule]) => ({
    subject: `Akamai client ${name}: Reporting API traffic report (schedule ${schedule.name})`,
    run: async (deadline) => {
      const [target] = schedule.targets;
      if (!target)
        throw new ConfigurationError('no CP code to ask about: the schedule lists none', {
          hint: 'the run finds its CP codes by discovery: the eStats checks of the same client test that listing',
        });
      const client = schedule.client ?? DEFAULT_CLIENT;
      const signer = await loadSigner(settings.credentialSourceOf(client), deadline);
      const accountSwitchKey = accountSwitchKeyOf({ client }, signer);
      // The newest final bucket by the schedule's own lag, as a run with no state asks it.
      const { windows, newestEndSec } = planTraffic(
        [target.cpCode],
        undefined,
        Date.now(),
        schedule,
      );
      const fetched = await fetchTraffic(
        windows,
        { signer, pacer: new AccountPacer(1), ...(accountSwitchKey ? { accountSwitchKey } : {}) },
        { ...settings.fetch, maxRowsPerRequest: 1, retry: RETRY_ONCE },
        deadline,
      );
      const failure = fetched.failed.get(target.cpCode);
      if (failure) throw failure;
      const [row] = fetched.rows;
      return `answered for CP code ${target.cpCode}: ${row?.edgeHits ?? 0} edge hits in the bucket ending ${new Date(newestEndSec * 1000).toISOString().slice(11, 16)}Z (1 request)`;
    },
  }));
}

/** One attempt: the doctor spends as little of the account's budget as it can. */
const RETRY_ONCE: BackoffPolicy = { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 };
