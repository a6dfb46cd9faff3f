import type { SinkLogger } from '../types';
import type { SecretSettings } from '../../aws/secrets';
import type { Deadline } from '../../shared/deadline';
import { secretAuthSource } from '../secretAuth';
import {
  PUSHGATEWAY_AUTH,
  type PushgatewayAuth,
  PushgatewayClient,
  type PushgatewayClientOptions,
} from './client';
import { PushgatewaySet } from './pushgatewaySet';

/** The Pushgateways as configuration describes them, before any secret is read. */
export interface PushgatewaySettings extends Omit<PushgatewayClientOptions, 'auth' | 'url'> {
  /** One or several Pushgateways: every group goes to each. */
  urls: URL[];
  /** How many of them must take every group for a run to count as delivered. */
  quorum: number;
  auth: PushgatewayAuth | ({ kind: 'secret' } & SecretSettings);
}

/** The Pushgateways of the settings, their credentials read from Secrets Manager when named there. */
export async function connectPushgateway(
  settings: PushgatewaySettings,
  deadline: Deadline,
  logger?: SinkLogger,
): Promise<PushgatewaySet> {
  const { urls, quorum, auth: configured, ...options } = settings;
  // One source for every member: a refused password is read again once, for all of them.
  const auth =
    configured.kind === 'secret'
      ? await secretAuthSource(configured, PUSHGATEWAY_AUTH, deadline, logger)
      : configured;
  const members = urls.map((url) => ({
    name: pushgatewayName(url),
    client: new PushgatewayClient({ ...options, url, auth }),
  }));
  return new PushgatewaySet(members, quorum);
}

/** How logs, errors and self-metrics name a Pushgateway: its URL, without a trailing slash. */
export function pushgatewayName(url: URL): string {
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
