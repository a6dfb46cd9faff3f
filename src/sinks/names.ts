import { ConfigurationError } from '../shared/errors';
import { SINK_NAMES, type SinkName } from './factories';
import type { Env } from '../config/env';

/** SINKS: where the groups go; several at once (e.g. while moving from one to another). */
export function sinkNamesFromEnv(env: Env): SinkName[] {
  return parseSinkNames(env.SINKS, 'environment variable SINKS');
}

/** A comma- or space-separated list of sinks (default pushgateway); `source` names it in errors. */
export function parseSinkNames(value: string | undefined, source: string): SinkName[] {
  const raw = (value ?? '').trim() || 'pushgateway';
  const names = raw.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((n) => !(SINK_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0)
    throw new ConfigurationError(
      `${source}=${JSON.stringify(raw)} names unknown sink(s) ${unknown.join(', ')}`,
      { hint: `choose from ${SINK_NAMES.join(', ')}` },
    );
  return [...new Set(names)] as SinkName[];
}
