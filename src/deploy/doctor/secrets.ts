import { getJsonSecret } from '../../aws/secrets';
import type { Env } from '../../config/env';
import { REMOTE_WRITE_AUTH } from '../../sinks/remoteWrite/settings';
import { PUSHGATEWAY_AUTH } from '../../sinks/pushgateway/client';
import { authFromFields } from '../../shared/httpAuth';
import { type DoctorCheck, secretCheck } from './checks';

/** The sinks' auth secrets: each exists and holds credentials of a shape the sink reads. */
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
        const auth = await getJsonSecret(id, {
          ttlMs: 0,
          deadline,
          shape: (fields) => authFromFields(fields, id, owner),
        });
        return `${auth.kind} auth`;
      }),
    ];
  });
}
