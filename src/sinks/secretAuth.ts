import { getJsonSecret, invalidateSecret, type SecretSettings } from '../aws/secrets';
import type { Deadline } from '../shared/deadline';
import { type AuthOwner, type AuthSource, authFromFields, type HttpAuth } from '../shared/httpAuth';
import type { SinkLogger } from './types';

/**
 * The auth of a receiver whose credentials sit in a Secrets Manager secret (the Pushgateway's,
 * remote write's). Read at connect time, cached across warm runs like every secret, and read
 * again once per run after a 401 or 403: a rotated password then costs one refused request,
 * not every run until the cache expires. A secret of the wrong shape is never cached.
 */
export async function secretAuthSource(
  secret: SecretSettings,
  owner: AuthOwner,
  deadline: Deadline,
  logger?: SinkLogger,
): Promise<AuthSource> {
  const read = (within: Deadline) =>
    getJsonSecret<HttpAuth>(secret.secretId, {
      ttlMs: secret.cacheTtlMs,
      deadline: within,
      ...(secret.kmsKeyArn ? { kmsKeyArn: secret.kmsKeyArn } : {}),
      shape: (fields) => authFromFields(fields, secret.secretId, owner),
    });
  let auth = await read(deadline);
  let refreshed: Promise<boolean> | undefined;
  return {
    current: () => auth,
    refresh: (within) =>
      (refreshed ??= (async () => {
        invalidateSecret(secret.secretId);
        try {
          const next = await read(within);
          const changed = JSON.stringify(next) !== JSON.stringify(auth);
          auth = next;
          // Named, never its value: a rotation that recovered, or one that did not happen.
          const fields = { service: owner.service, secret: secret.secretId };
          if (changed)
            logger?.info(
              `${owner.service} refused the credentials; read again, the secret had changed: retrying with them`,
              fields,
            );
          else
            logger?.warn(
              `${owner.service} refused the credentials; read again, the secret is unchanged`,
              fields,
            );
          return changed;
        } catch {
          // The refusal stays the error the run reports: it names the receiver and its status.
          return false;
        }
      })()),
  };
}
