import type { CarbonClientOptions } from './client';
import { DEFAULT_PUSH_RETRY } from '../../constants';
import { ConfigurationError } from '../../shared/errors';
import { type Env, readInteger, readOptionalString } from '../../config/env';

/** Carbon's plaintext line receiver as GRAPHITE_HOST names it: `host` or `host:port` (2003). */
export function carbonOptionsFromEnv(env: Env): CarbonClientOptions {
  const raw = readOptionalString(env, 'GRAPHITE_HOST');
  if (!raw)
    throw new ConfigurationError('SINKS names graphite, but GRAPHITE_HOST is not set', {
      hint: "set GRAPHITE_HOST to Carbon's plaintext receiver, e.g. carbon.internal:2003",
    });
  const match = /^([^\s:/]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(raw);
  const port = Number(match?.[2] ?? 2003);
  if (!match || port < 1 || port > 65535)
    throw new ConfigurationError(
      `environment variable GRAPHITE_HOST=${JSON.stringify(raw)} must be host or host:port`,
      {
        hint: 'no scheme: Carbon speaks its plaintext protocol over TCP, e.g. carbon.internal:2003',
      },
    );
  return {
    host: (match[1] ?? '').replace(/^\[|\]$/g, ''),
    port,
    timeoutMs: readInteger(env, 'GRAPHITE_TIMEOUT_MS', 10_000, { min: 100, max: 300_000 }),
    retry: {
      ...DEFAULT_PUSH_RETRY,
      maxAttempts: readInteger(env, 'GRAPHITE_MAX_ATTEMPTS', DEFAULT_PUSH_RETRY.maxAttempts, {
        min: 1,
        max: 10,
      }),
    },
  };
}
