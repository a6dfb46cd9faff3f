import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { ConfigurationError } from '../shared/errors';

/**
 * Read one section of an `.edgerc` file the way Akamai's tools do: `key = value` lines,
 * values optionally quoted, `;` comments, a trailing `/` on the host dropped. As in every
 * Akamai tool, `AKAMAI_[SECTION_]HOST`, `…_CLIENT_TOKEN`, `…_CLIENT_SECRET` and
 * `…_ACCESS_TOKEN` take precedence over the file when all four are set.
 *
 * Our own reader rather than akamai-edgegrid's: the library's returns `{}` when any field is
 * missing, so it cannot say *which* one is, and constructing it to read a file would add
 * another pair of global axios interceptors.
 */
export function readEdgercSection(
  path: string,
  section: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string> {
  const prefix =
    section === 'default' ? 'AKAMAI_' : `AKAMAI_${section.toUpperCase().replace(/-/g, '_')}_`;
  const fromEnv = {
    host: env[`${prefix}HOST`],
    client_token: env[`${prefix}CLIENT_TOKEN`],
    client_secret: env[`${prefix}CLIENT_SECRET`],
    access_token: env[`${prefix}ACCESS_TOKEN`],
  };
  if (Object.values(fromEnv).every((value) => value !== undefined && value !== '')) {
    return fromEnv as Record<string, string>;
  }

  const resolved = path.startsWith('~') ? homedir() + path.slice(1) : path;
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    throw new ConfigurationError(
      `cannot read the EdgeGrid credentials file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        cause: error,
        hint: 'create it with an API client from Akamai Control Center, point AKAMAI_EDGERC at it, or set AKAMAI_SECRET_ID to use Secrets Manager',
      },
    );
  }
  const values: Record<string, string> = {};
  let current: string | undefined;
  let found = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = line.match(/^\[(.*)\]$/);
    if (header) {
      current = header[1]?.trim();
      if (current === section) found = true;
      continue;
    }
    if (current !== section) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    values[key] = cleanValue(line.slice(eq + 1));
  }
  if (!found) {
    throw new ConfigurationError(
      `the EdgeGrid credentials file ${path} has no section [${section}]`,
      {
        hint: 'set AKAMAI_EDGERC_SECTION to one of its sections',
      },
    );
  }
  return values;
}

function cleanValue(raw: string): string {
  let value = raw.trim();
  const quoted = value.match(/^(['"])(.*?)\1\s*(;.*)?$/);
  if (quoted) value = quoted[2] ?? '';
  else value = value.replace(/\s*;.*$/, '').trim();
  return value.endsWith('/') ? value.slice(0, -1) : value;
}
