import { ConfigurationError } from '../shared/errors';
import { nearestOf } from '../shared/nearest';
import { KNOWN_VARIABLES, VARIABLE_PREFIXES } from './settings';
import type { Env } from './env';

/**
 * A variable under our prefixes that no setting names (src/config/settings.ts) is a typo:
 * `PUSHGATEWAY_QUOROM=2` would otherwise give a quorum of 1 without a word.
 */
const PREFIXES = new RegExp(`^(${VARIABLE_PREFIXES.join('|')})`);

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
      hint: 'fix the name or remove it; every variable is listed in docs/reference/settings.md',
    },
  );
}

/** The known variable closest to `name`, if it is a plausible typo. */
export function nearestKnown(name: string): string | undefined {
  return nearestOf(name, KNOWN_VARIABLES);
}
