import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import EdgeGrid from 'akamai-edgegrid';
import { z } from 'zod';
import { getJsonSecret, invalidateSecret, SecretError } from '../aws/secrets';
import { ConfigurationError } from '../shared/errors';
import { redact } from '../shared/logger';

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
  host: z.string().min(1),
  client_token: z.string().min(1),
  client_secret: z.string().min(1),
  access_token: z.string().min(1),
});

export async function loadCredentials(source: CredentialSource): Promise<EdgeGridCredentials> {
  if (source.kind === 'secretsManager') {
    const value = await getJsonSecret(source.secretId, { ttlMs: source.cacheTtlMs });
    return fromFields(value, `secret ${JSON.stringify(source.secretId)}`, () =>
      invalidateSecret(source.secretId),
    );
  }
  return fromFields(readEdgerc(source.path, source.section), describeEdgerc(source));
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

/**
 * Parse an `.edgerc` section with akamai-edgegrid's own parser (quotes, `;` comments and the
 * trailing `/` of hosts are handled the way every Akamai tool does). As in every Akamai tool,
 * `AKAMAI_[SECTION_]HOST`, `…_CLIENT_TOKEN`, `…_CLIENT_SECRET`, `…_ACCESS_TOKEN` variables
 * take precedence over the file when all four are set.
 */
function readEdgerc(path: string, section: string): Record<string, unknown> {
  const resolved = path.startsWith('~') ? homedir() + path.slice(1) : path;
  let config: Record<string, unknown>;
  try {
    if (!existsSync(resolved) && !hasEnvCredentials(section)) {
      throw new Error('file not found');
    }
    config = new EdgeGrid({ path: resolved, section }).config as Record<string, unknown>;
  } catch (error) {
    throw new ConfigurationError(
      `cannot read EdgeGrid credentials from ${describeEdgerc({ path, section })}: ${(error as Error).message}`,
      {
        cause: error,
        hint: 'create the file with an API client from Akamai Control Center, set AKAMAI_EDGERC / AKAMAI_EDGERC_SECTION, or set AKAMAI_SECRET_ID to use Secrets Manager',
      },
    );
  }
  return config;
}

function hasEnvCredentials(section: string): boolean {
  const prefix = section === 'default' ? 'AKAMAI_' : `AKAMAI_${section.toUpperCase()}_`;
  return ['HOST', 'CLIENT_TOKEN', 'CLIENT_SECRET', 'ACCESS_TOKEN'].every(
    (key) => (process.env[prefix + key] ?? '') !== '',
  );
}

function describeEdgerc(source: { path: string; section: string }): string {
  return `${source.path} section [${source.section}]`;
}
