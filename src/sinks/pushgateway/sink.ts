import type { SinkLogger } from '../types';
import type { Env } from '../../config/env';
import type { Deadline } from '../../shared/deadline';
import type { ConnectedSink } from '../types';
import { clearTextCredentialsWarning } from '../../shared/httpAuth';
import { connectPushgateway } from './connect';
import type { PushgatewaySet } from './pushgatewaySet';
import { pushgatewaySettingsFromEnv } from './settings';

/**
 * The Pushgateway(s): the group as text exposition, PUT (replace) or POST (merge). Each
 * Pushgateway is a group store, and the set reports what each member missed.
 */
export function pushgatewaySink(pushgateways: PushgatewaySet): ConnectedSink {
  return {
    sink: {
      name: 'pushgateway',
      async write({ key, metrics, mode }, deadline) {
        const text = await metrics.text(key);
        if (mode === 'replace') await pushgateways.put(key, text, deadline);
        else await pushgateways.post(key, text, deadline);
      },
    },
    groupStores: pushgateways.members.map(({ name, client }) => ({
      name,
      listGroups: (deadline) => client.listGroups(deadline),
      delete: (key, deadline) => client.delete(key, deadline),
    })),
    delivery: () => pushgateways.delivery(),
  };
}

/** The Pushgateways the environment describes (PUSHGATEWAY_*), their secret read. */
export async function connectPushgatewaySink(
  env: Env,
  deadline: Deadline,
  logger?: SinkLogger,
): Promise<ConnectedSink> {
  const settings = pushgatewaySettingsFromEnv(env);
  const hasAuth = settings.auth.kind !== 'none';
  const warnings = settings.urls.flatMap(
    (url) => clearTextCredentialsWarning('Pushgateway', url, hasAuth) ?? [],
  );
  return { ...pushgatewaySink(await connectPushgateway(settings, deadline, logger)), warnings };
}
