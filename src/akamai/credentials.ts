import * as z from 'zod/mini';
import '../shared/zod';
import { getJsonSecret, invalidateSecret, SecretError } from '../aws/secrets';
import { redact } from '../shared/logger';
import { readEdgercSection } from './edgerc';

/** The four EdgeGrid fields, named as in `.edgerc` and in our Secrets Manager secret. */
export interface EdgeGridCredentials {
  host: string;
  clientToken: string;
  clientSecret: string;
  accessToken: string;
}

export type CredentialSource =
  | { kind: 'secretsManager'; secretId: string; cacheTtlMs: number }
  | { kind: 'edgerc'; path: string; section: string };

const FIELDS = ['host', 'client_token', 'client_secret', 'access_token'] as const;

const credentialFields = z.object({
  host: z.string().check(z.minLength(1)),
  client_token: z.string().check(z.minLength(1)),
  client_secret: z.string().check(z.minLength(1)),
  access_token: z.string().check(z.minLength(1)),
});

export async function loadCredentials(source: CredentialSource): Promise<EdgeGridCredentials> {
  if (source.kind === 'secretsManager') {
    const value = await getJsonSecret(source.secretId, { ttlMs: source.cacheTtlMs });
    return fromFields(value, `secret ${JSON.stringify(source.secretId)}`, () =>
      invalidateSecret(source.secretId),
    );
  }
  return fromFields(readEdgercSection(source.path, source.section), describeEdgerc(source));
}

/** Drop cached credentials so the next run reads them again (after a 401: maybe rotated). */
export function forgetCredentials(source: CredentialSource): void {
  if (source.kind === 'secretsManager') invalidateSecret(source.secretId);
}

function fromFields(
  value: Record<string, unknown>,
  where: string,
  onInvalid: () => void = () => {},
): EdgeGridCredentials {
  const parsed = credentialFields.safeParse(value);
  if (!parsed.success) {
    onInvalid();
    const missing = FIELDS.filter(
      (field) => typeof value[field] !== 'string' || value[field] === '',
    );
    throw new SecretError(`EdgeGrid credentials in ${where} are missing: ${missing.join(', ')}`, {
      hint: `provide all of ${FIELDS.join(', ')} (the fields of an .edgerc section)`,
    });
  }
  const fields = parsed.data;
  redact(fields.client_secret);
  redact(fields.access_token);
  redact(fields.client_token);
  return {
    host: fields.host,
    clientToken: fields.client_token,
    clientSecret: fields.client_secret,
    accessToken: fields.access_token,
  };
}

function describeEdgerc(source: { path: string; section: string }): string {
  return `${source.path} section [${source.section}]`;
}
