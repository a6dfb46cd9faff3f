import { type AkamaiClient, akamaiClientSchema } from '../../akamai/clients';
import type { FileProblems } from '../../config/fileProblems';
import { fieldsOf } from '../../shared/validation';
import type { StageClient } from './schema';

/** akamai.clients: each validated with the schema the function itself uses. */
export function parseClients(
  section: Record<string, StageClient>,
  problems: FileProblems,
): Map<string, AkamaiClient> {
  const clients = new Map<string, AkamaiClient>();
  for (const [name, fields] of Object.entries(section)) {
    const at = ['akamai', 'clients', name];
    const parsed = akamaiClientSchema.safeParse({ name, ...fields });
    if (!parsed.success) {
      problems.addFields(fieldsOf(parsed.error, at), 'see docs/guides/estats.md (API clients)');
      continue;
    }
    if (parsed.data.secret !== undefined && parsed.data.edgercSection !== undefined) {
      problems.add(
        at,
        'names both a secret and an .edgerc section',
        'a deployed function reads "secret" (Secrets Manager); "edgercSection" is for local runs: keep one',
      );
      continue;
    }
    clients.set(name, parsed.data);
  }
  return clients;
}
