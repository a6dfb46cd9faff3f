import type { Env } from '../../config/env';
import { secretSettingsFromEnv } from '../../config/secrets';
import { secretAuthSource } from '../../sinks/secretAuth';
import { REMOTE_WRITE_AUTH } from '../../sinks/remoteWrite/settings';
import { PUSHGATEWAY_AUTH } from '../../sinks/pushgateway/client';
import { type DoctorCheck, secretCheck } from './checks';

/** The sinks' auth secrets, each read as its sink reads it (secretAuthSource): it exists and has a shape the sink takes. */
export function sinkSecretChecks(env: Env): DoctorCheck[] {
  return (
    [
      ['PUSHGATEWAY_AUTH_SECRET_ID', PUSHGATEWAY_AUTH],
      ['REMOTE_WRITE_AUTH_SECRET_ID', REMOTE_WRITE_AUTH],
    ] as const
  ).flatMap(([variable, owner]) => {
    const id = env[variable];
    if (!id) return [];
    return [
      secretCheck(id, `${owner.service} auth`, async (deadline) => {
        const auth = await secretAuthSource(secretSettingsFromEnv(env, id), owner, deadline);
        return `${auth.current().kind} auth`;
      }),
    ];
  });
}
