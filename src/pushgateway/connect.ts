import { getJsonSecret } from '../aws/secrets';
import type { PushgatewaySettings } from '../config/pushgateway';
import type { Deadline } from '../shared/deadline';
import { authFromFields } from './auth';
import { PushgatewayClient } from './client';

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
