import { getJsonSecret } from '../aws/secrets';
import type { Deadline } from '../shared/deadline';
import { authFromFields } from './auth';
import { type PushgatewayAuth, PushgatewayClient, type PushgatewayClientOptions } from './client';

/** The push client as configuration describes it, before any secret is read. */
export interface PushgatewaySettings extends Omit<PushgatewayClientOptions, 'auth'> {
  auth: PushgatewayAuth | { kind: 'secret'; secretId: string; cacheTtlMs: number };
}

/** The push client of the settings, its credentials read from Secrets Manager when named there. */
export async function connectPushgateway(
  settings: PushgatewaySettings,
  deadline: Deadline,
): Promise<PushgatewayClient> {
  const { auth } = settings;
  if (auth.kind !== 'secret') return new PushgatewayClient({ ...settings, auth });
  const fields = await getJsonSecret(auth.secretId, { ttlMs: auth.cacheTtlMs, deadline });
  return new PushgatewayClient({ ...settings, auth: authFromFields(fields, auth.secretId) });
}
