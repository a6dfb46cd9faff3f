import * as z from 'zod/mini';
import '../shared/zod';
import { SecretError } from '../aws/errors';
import { getJsonSecret, invalidateSecret, type SecretSettings } from '../aws/secrets';
import type { Deadline } from '../shared/deadline';
import { redact } from '../shared/redaction';
import {
  EDGEGRID_FIELDS,
  type EdgeGridSigner,
  SECRET_EDGEGRID_FIELDS,
  signerFromEdgerc,
  signerFromFields,
} from './edgegrid';

export type CredentialSource =
  ({ kind: 'secretsManager' } & SecretSettings) | { kind: 'edgerc'; path: string; section: string };

const credentialFields = z.object({
  host: z.string().check(z.minLength(1)),
  client_token: z.string().check(z.minLength(1)),
  client_secret: z.string().check(z.minLength(1)),
  access_token: z.string().check(z.minLength(1)),
});

/**
 * The EdgeGrid signer of the configured credentials: the Secrets Manager secret (cached while
 * warm, see src/aws/secrets.ts) or an `.edgerc` section. Both are signed by akamai-edgegrid.
 */
export async function loadSigner(
  source: CredentialSource,
  deadline: Deadline,
): Promise<EdgeGridSigner> {
  if (source.kind === 'edgerc') return signerFromEdgerc(source.path, source.section);
  // A secret missing a field is not cached: someone is probably fixing it right now.
  const fields = await getJsonSecret(source.secretId, {
    ttlMs: source.cacheTtlMs,
    deadline,
    ...(source.kmsKeyArn ? { kmsKeyArn: source.kmsKeyArn } : {}),
    shape: (value) => edgegridFields(value, source.secretId),
  });
  for (const field of SECRET_EDGEGRID_FIELDS) redact(fields[field]);
  return signerFromFields(fields);
}

function edgegridFields(value: Record<string, unknown>, secretId: string) {
  const parsed = credentialFields.safeParse(value);
  if (parsed.success) return parsed.data;
  const missing = EDGEGRID_FIELDS.filter(
    (field) => typeof value[field] !== 'string' || value[field] === '',
  );
  throw new SecretError(
    `EdgeGrid credentials in secret ${JSON.stringify(secretId)} are missing: ${missing.join(', ')}`,
    { hint: `provide all of ${EDGEGRID_FIELDS.join(', ')} (the fields of an .edgerc section)` },
  );
}

/**
 * Read a secret again on the next load (after a 401: it may have been rotated). An `.edgerc`
 * file needs nothing: an edited file is a new signer by its modification time.
 */
export function forgetSigner(source: CredentialSource): void {
  if (source.kind === 'secretsManager') invalidateSecret(source.secretId);
}
