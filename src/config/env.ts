import { ConfigurationError } from '../shared/errors';
import { canonicalUrl, maskUrlCredentials } from '../shared/urls';

/**
 * Typed readers for environment variables. Each either has a documented default or throws a
 * message naming the variable and what is wrong with it. Every variable is listed in the
 * settings reference (docs/reference/settings.md).
 */
export type Env = Readonly<Record<string, string | undefined>>;

export function readString(env: Env, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

export function readOptionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

export function readInteger(
  env: Env,
  name: string,
  fallback: number,
  bounds: { min?: number; max?: number } = {},
): number {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = bounds;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(
      `environment variable ${name}=${JSON.stringify(raw)} must be an integer between ${min} and ${max}`,
    );
  }
  return value;
}

/** An integer that is unset unless given (`undefined` when the variable is empty). */
export function readOptionalInteger(
  env: Env,
  name: string,
  bounds: { min?: number; max?: number } = {},
): number | undefined {
  return readOptionalString(env, name) === undefined
    ? undefined
    : readInteger(env, name, 0, bounds);
}

/** Several URLs, separated by commas or spaces (e.g. PUSHGATEWAY_URL="http://a:9091,http://b:9091"). */
export function readUrlList(env: Env, name: string, fallback: string): URL[] {
  const raws = readString(env, name, fallback)
    .split(/[\s,]+/)
    .filter((raw) => raw !== '');
  const urls = raws.map((raw) => parseHttpUrl(raw, name));
  // Two spellings of one Pushgateway (a trailing slash, a default port, a host in capitals).
  const seen = new Map<string, string>();
  urls.forEach((url, i) => {
    const key = canonicalUrl(url.href);
    const first = seen.get(key);
    if (first !== undefined)
      throw new ConfigurationError(
        `environment variable ${name} lists one Pushgateway twice: ${maskUrlCredentials(first)} and ${maskUrlCredentials(raws[i] ?? url.href)}`,
        { hint: 'each Pushgateway once: a duplicate would count twice towards the quorum' },
      );
    seen.set(key, raws[i] ?? url.href);
  });
  return urls;
}

/**
 * Exactly one URL: a list (commas or spaces) is refused rather than cut to its first entry.
 */
export function readSingleUrl(env: Env, name: string): URL | undefined {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return undefined;
  if (/[\s,]/.test(raw))
    throw new ConfigurationError(
      `environment variable ${name}=${JSON.stringify(maskUrlCredentials(raw))} lists several URLs; it takes one`,
      { hint: `set ${name} to one URL` },
    );
  return parseHttpUrl(raw, name);
}

function parseHttpUrl(raw: string, name: string): URL {
  if (!URL.canParse(raw) || !/^https?:$/.test(new URL(raw).protocol)) {
    throw new ConfigurationError(
      `environment variable ${name}=${JSON.stringify(maskUrlCredentials(raw))} must be an absolute http:// or https:// URL`,
    );
  }
  return new URL(raw);
}

export function readEnum<T extends string>(
  env: Env,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const raw = readOptionalString(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  const match = allowed.find((value) => value === lower);
  if (match === undefined) {
    throw new ConfigurationError(
      `environment variable ${name}=${JSON.stringify(raw)} must be one of ${allowed.join(', ')}`,
    );
  }
  return match;
}
