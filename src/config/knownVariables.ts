import { ConfigurationError } from '../shared/errors';
import { nearestOf } from '../shared/nearest';
import type { Env } from './env';

/**
 * Every environment variable we read under one of our prefixes, each documented in the README
 * ("Configure"). A variable under these prefixes that is not listed is a typo:
 * `PUSHGATEWAY_QUOROM=2` would otherwise give a quorum of 1 without a word.
 */
export const KNOWN_VARIABLES = [
  'SINKS',
  'PUSHGATEWAY_URL',
  'PUSHGATEWAY_QUORUM',
  'PUSHGATEWAY_AUTH_SECRET_ID',
  'PUSHGATEWAY_USERNAME',
  'PUSHGATEWAY_PASSWORD',
  'PUSHGATEWAY_BEARER_TOKEN',
  'PUSHGATEWAY_TIMEOUT_MS',
  'PUSHGATEWAY_GZIP_MIN_BYTES',
  'PUSHGATEWAY_MAX_ATTEMPTS',
  // Read by npm start, the tests and the bench (dev/debianBinaries.ts), not by the functions.
  'PUSHGATEWAY_BIN',
  'REMOTE_WRITE_URL',
  'REMOTE_WRITE_TENANT',
  'REMOTE_WRITE_SIGV4_REGION',
  'REMOTE_WRITE_AUTH_SECRET_ID',
  'REMOTE_WRITE_USERNAME',
  'REMOTE_WRITE_PASSWORD',
  'REMOTE_WRITE_BEARER_TOKEN',
  'REMOTE_WRITE_MAX_BYTES',
  'REMOTE_WRITE_CONCURRENCY',
  'REMOTE_WRITE_TIMEOUT_MS',
  'REMOTE_WRITE_MAX_ATTEMPTS',
  'GRAPHITE_HOST',
  'GRAPHITE_TIMEOUT_MS',
  'GRAPHITE_MAX_ATTEMPTS',
  'ESTATS_SCHEDULE',
  'ESTATS_MAX_ATTEMPTS',
  'ESTATS_MAX_IN_FLIGHT',
  'ESTATS_MIN_INTERVAL_MS',
  'ESTATS_REQUEST_TIMEOUT_MS',
  'AKAMAI_SECRET_ID',
  'AKAMAI_EDGERC',
  'AKAMAI_EDGERC_SECTION',
  // Read by akamai-edgegrid itself: its log level and format.
  'AKAMAI_LOG_LEVEL',
  'AKAMAI_LOG_PRETTY',
  'SYNTHETIC_FLEET',
  'SYNTHETIC_FLEET_FILE',
] as const;

const PREFIXES =
  /^(PUSHGATEWAY_|REMOTE_WRITE_|GRAPHITE_|ESTATS_|AKAMAI_|SYNTHETIC_|JANITOR_|SINKS)/;

/**
 * akamai-edgegrid reads an `.edgerc` section from `AKAMAI_[SECTION_]HOST`, `…_CLIENT_TOKEN`,
 * `…_CLIENT_SECRET` and `…_ACCESS_TOKEN` (src/akamai/edgegrid.ts); the Akamai CLI sets
 * `AKAMAI_CLI*` for the commands it runs.
 */
const LIBRARY_VARIABLES =
  /^AKAMAI_(([A-Z0-9_]+_)?(HOST|CLIENT_TOKEN|CLIENT_SECRET|ACCESS_TOKEN)|CLI(_[A-Z_]+)?)$/;

const known = new Set<string>(KNOWN_VARIABLES);

/**
 * Refuse a variable under our prefixes that nobody reads, naming the nearest known one. Only
 * names are looked at: a value never appears in the message.
 */
export function refuseUnknownVariables(env: Env): void {
  const unknown = Object.keys(env)
    .filter((name) => env[name] !== undefined && PREFIXES.test(name))
    .filter((name) => !known.has(name) && !LIBRARY_VARIABLES.test(name))
    .sort();
  if (unknown.length === 0) return;
  const described = unknown.map((name) => {
    const nearest = nearestKnown(name);
    return nearest ? `${name} (did you mean ${nearest}?)` : name;
  });
  throw new ConfigurationError(
    `unknown environment variable${unknown.length > 1 ? 's' : ''} ${described.join(', ')}`,
    {
      hint: 'fix the name or remove it; every variable is listed in the README ("Configure")',
    },
  );
}

/** The known variable closest to `name`, if it is a plausible typo. */
export function nearestKnown(name: string): string | undefined {
  return nearestOf(name, KNOWN_VARIABLES);
}
