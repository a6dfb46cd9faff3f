import { loadSigner } from '../../akamai/credentials';
import { EDGEGRID_FIELDS } from '../../akamai/edgegrid';
import { getJsonSecret } from '../../aws/secrets';
import type { Env } from '../../config/env';
import { secretSettingsFromEnv } from '../../config/secrets';
import { readScrapeAuthSecret, readScrapeTlsSecret } from '../../scrape/fetch';
import { authFromFields } from '../../shared/httpAuth';
import type { StageConfig } from '../stage/config';
import type { DoctorCheck } from './checks';

/**
 * Every secret the stage's functions read, each read once with the deployer's credentials and
 * shaped by the reader its function uses: the API clients' EdgeGrid credentials, the sinks'
 * auth, the scrape targets' auth and TLS. A secret given by ARN is read in the ARN's region.
 */
export function secretChecks(config: StageConfig, env: Env): DoctorCheck[] {
  const settings = (id: string) => secretSettingsFromEnv(env, id);
  const checks = new Map<string, DoctorCheck>();
  const add = (
    id: string,
    whose: string,
    read: (deadline: Parameters<DoctorCheck['run']>[0]) => Promise<string>,
  ) => {
    if (!checks.has(id)) checks.set(id, { subject: `secret ${id} (${whose})`, run: read });
  };

  const clients = config.estats.filter((s) => s.enabled).flatMap((s) => s.input.clients ?? []);
  for (const client of clients)
    if (client.secret)
      add(client.secret, `API client ${client.name}`, async (deadline) => {
        await loadSigner(
          { kind: 'secretsManager', ...settings(client.secret as string) },
          deadline,
        );
        return `EdgeGrid credentials, with ${EDGEGRID_FIELDS.join(', ')}`;
      });
  const defaultSecret = env.AKAMAI_SECRET_ID;
  if (defaultSecret && config.estats.some((s) => s.enabled && s.input.clients === undefined))
    add(defaultSecret, 'the default API client, akamaiSecretName', async (deadline) => {
      await loadSigner({ kind: 'secretsManager', ...settings(defaultSecret) }, deadline);
      return `EdgeGrid credentials, with ${EDGEGRID_FIELDS.join(', ')}`;
    });

  for (const [variable, owner] of [
    ['PUSHGATEWAY_AUTH_SECRET_ID', { service: 'Pushgateway', envPrefix: 'PUSHGATEWAY' }],
    ['REMOTE_WRITE_AUTH_SECRET_ID', { service: 'remote write', envPrefix: 'REMOTE_WRITE' }],
  ] as const) {
    const id = env[variable];
    if (id)
      add(id, `${owner.service} auth`, async (deadline) => {
        const auth = await getJsonSecret(id, {
          ttlMs: 0,
          deadline,
          shape: (fields) => authFromFields(fields, id, owner),
        });
        return `${auth.kind} auth`;
      });
  }

  for (const { enabled, input } of config.scrape) {
    if (!enabled) continue;
    for (const target of input.targets) {
      const auth = target.auth?.secret;
      if (auth)
        add(auth, `scrape target auth, schedule ${input.name}`, async (deadline) => {
          const read = await readScrapeAuthSecret(auth, settings, deadline);
          return `${read.kind} auth`;
        });
      const tls = target.tls?.secret;
      if (tls)
        add(tls, `scrape target TLS, schedule ${input.name}`, async (deadline) => {
          const pem = await readScrapeTlsSecret(tls, settings, deadline);
          return `PEM ${Object.keys(pem).join(', ') || 'nothing'}`;
        });
    }
  }
  return [...checks.values()];
}
