import type { Env } from '../../config/env';
import { secretSettingsFromEnv } from '../../config/secrets';
import { readScrapeAuthSecret, readScrapeTlsSecret } from '../../scrape/fetch';
import type { ScrapeSchedule } from '../../scrape/schedule';
import { type DoctorCheck, secretCheck } from './checks';

/** The scrape targets' auth and TLS secrets, each read and shaped as a scrape reads it. */
export function scrapeSecretChecks(schedules: readonly ScrapeSchedule[], env: Env): DoctorCheck[] {
  const settings = (id: string) => secretSettingsFromEnv(env, id);
  return schedules.flatMap((input) =>
    input.targets.flatMap((target) => {
      const auth = target.auth?.secret;
      const tls = target.tls?.secret;
      return [
        ...(auth
          ? [
              secretCheck(auth, `scrape target auth, schedule ${input.name}`, async (deadline) => {
                const read = await readScrapeAuthSecret(auth, settings, deadline);
                return `${read.kind} auth`;
              }),
            ]
          : []),
        ...(tls
          ? [
              secretCheck(tls, `scrape target TLS, schedule ${input.name}`, async (deadline) => {
                const pem = await readScrapeTlsSecret(tls, settings, deadline);
                return `PEM ${Object.keys(pem).join(', ') || 'nothing'}`;
              }),
            ]
          : []),
      ];
    }),
  );
}
