import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import EdgeGrid from 'akamai-edgegrid';
import { MAX_CACHED_EDGEGRID_SIGNERS } from '../constants';
import { ConfigurationError } from '../shared/errors';
import { redact } from '../shared/redaction';

/** The four EdgeGrid fields, named as in `.edgerc` and in our Secrets Manager secret. */
export const EDGEGRID_FIELDS = ['host', 'client_token', 'client_secret', 'access_token'] as const;
export type EdgeGridField = (typeof EDGEGRID_FIELDS)[number];
/** The fields kept out of logs (the host is not a secret, and errors name it). */
export const SECRET_EDGEGRID_FIELDS = ['client_token', 'client_secret', 'access_token'] as const;
export type EdgeGridFields = Record<EdgeGridField, string>;

/** A request signed by akamai-edgegrid, to be sent by our own transport. */
export interface SignedRequest {
  url: URL;
  headers: Record<string, string>;
}

/** Signs eStats requests with one akamai-edgegrid instance (one credential set). */
export interface EdgeGridSigner {
  /** `https://host`, as the library resolved it. */
  readonly origin: string;
  /** The `.edgerc` section's `account_key` (Akamai's convention for an accountSwitchKey). */
  readonly accountKey?: string;
  /**
   * Sign a JSON POST. The query (e.g. `accountSwitchKey`) goes through the library's `qs`
   * option, so it is part of the signed path, never appended afterwards.
   */
  signJsonPost(path: string, body: string, query?: Record<string, string>): SignedRequest;
  /** Sign a GET of JSON, its query signed the same way. */
  signGet(path: string, query?: Record<string, string>): SignedRequest;
}

/**
 * Signers by credential set. Every `new EdgeGrid()` adds a request and a response interceptor
 * to the *global* axios instance (akamai-edgegrid 4, src/api.js), and they are never removed:
 * constructing one per request or per run would pile them up in a warm container. So there is
 * one instance per credential set, kept while warm; a rotation adds one more, and the map is
 * bounded so a container that sees many rotations does not grow without end.
 */
const signers = new Map<string, EdgeGridSigner>();
/**
 * Why a credential set could not be used, by the same key: a section the library parsed but
 * we refused was still constructed (interceptors added), so it is not constructed again for
 * every run of a warm container until the file changes.
 */
const refusals = new Map<string, unknown>();

/** The signer of credentials read from a secret: the library's four-argument constructor. */
export function signerFromFields(fields: EdgeGridFields): EdgeGridSigner {
  const key = `fields:${fingerprint(EDGEGRID_FIELDS.map((field) => fields[field]))}`;
  return cached(key, () =>
    silenced(
      () =>
        new EdgeGrid(fields.client_token, fields.client_secret, fields.access_token, fields.host),
    ),
  );
}

/**
 * The signer of an `.edgerc` section: `new EdgeGrid({ path, section })`, which also honours
 * `AKAMAI_[SECTION_]HOST`, `…_CLIENT_TOKEN`, `…_CLIENT_SECRET` and `…_ACCESS_TOKEN` when all
 * four are set. What the library's parser returns is checked, since it fails quietly: a
 * section with a missing field comes back as `{}`, an unquoted value keeps the space before a
 * `; comment`, and a header written `[ default ]` is not the section `default`.
 */
export function signerFromEdgerc(path: string, section: string): EdgeGridSigner {
  const where = `${path} section [${section}]`;
  // Keyed by the file's modification time too: an edited file (new credentials) gets a new
  // instance on the next run, an unchanged one keeps its single instance.
  return cached(`edgerc:${path}\0${section}\0${modifiedMs(path)}`, () => {
    const missing: string[] = [];
    let edgeGrid: EdgeGrid;
    try {
      edgeGrid = silenced(() => new EdgeGrid({ path, section }), missing);
    } catch (error) {
      throw edgercError(error, path, section);
    }
    const config = (edgeGrid as unknown as { config: Partial<Record<EdgeGridField, unknown>> })
      .config;
    const absent = EDGEGRID_FIELDS.filter((field) => typeof config[field] !== 'string');
    if (absent.length > 0) {
      // The library drops the whole section when a field is missing; it names the fields only
      // in its own error log, which `silenced` collected.
      const named = missing.length > 0 ? missing : absent;
      throw new ConfigurationError(
        `EdgeGrid credentials in ${where} are missing: ${named.join(', ')}`,
        {
          hint: `provide all of ${EDGEGRID_FIELDS.join(', ')} in that section (an API client from Akamai Control Center)`,
        },
      );
    }
    for (const field of SECRET_EDGEGRID_FIELDS) redact(String(config[field]));
    for (const field of EDGEGRID_FIELDS) {
      if (/\s/.test(String(config[field]))) {
        throw new ConfigurationError(
          `EdgeGrid credentials in ${where}: ${field} holds whitespace (an inline "; comment" after an unquoted value leaves it there)`,
          { hint: `put the comment on a line of its own, or quote the value of ${field}` },
        );
      }
    }
    return edgeGrid;
  });
}

function modifiedMs(path: string): number {
  try {
    return statSync(path.startsWith('~') ? homedir() + path.slice(1) : path).mtimeMs;
  } catch {
    return 0; // no file (credentials from AKAMAI_* variables), or the library will say why
  }
}

function cached(key: string, create: () => EdgeGrid): EdgeGridSigner {
  if (refusals.has(key)) throw refusals.get(key);
  const existing = signers.get(key);
  if (existing) {
    // Most recently used last, so the oldest goes first when the map is full.
    signers.delete(key);
    signers.set(key, existing);
    return existing;
  }
  let signer: EdgeGridSigner;
  try {
    signer = wrap(create());
  } catch (error) {
    if (refusals.size >= MAX_CACHED_EDGEGRID_SIGNERS) refusals.clear();
    refusals.set(key, error);
    throw error;
  }
  if (signers.size >= MAX_CACHED_EDGEGRID_SIGNERS) {
    const oldest = signers.keys().next().value;
    if (oldest !== undefined) signers.delete(oldest);
  }
  signers.set(key, signer);
  return signer;
}

function wrap(edgeGrid: EdgeGrid): EdgeGridSigner {
  const config = (edgeGrid as unknown as { config: { host: string; account_key?: unknown } })
    .config;
  const accountKey =
    typeof config.account_key === 'string' && config.account_key !== ''
      ? config.account_key
      : undefined;
  return {
    origin: config.host,
    ...(accountKey ? { accountKey } : {}),
    signJsonPost(path, body, query = {}) {
      edgeGrid.auth({
        path,
        method: 'POST',
        body,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        ...(Object.keys(query).length > 0 ? { qs: query } : {}),
      });
      return signedRequest(edgeGrid);
    },
    signGet(path, query = {}) {
      edgeGrid.auth({
        path,
        method: 'GET',
        headers: { Accept: 'application/json' },
        ...(Object.keys(query).length > 0 ? { qs: query } : {}),
      });
      return signedRequest(edgeGrid);
    },
  };
}

/** The request the library's last `auth()` signed. */
function signedRequest(edgeGrid: EdgeGrid): SignedRequest {
  const signed = (
    edgeGrid as unknown as { request: { url: string; headers: Record<string, string> } }
  ).request;
  return { url: new URL(signed.url), headers: { ...signed.headers } };
}

/** The library's logger is global; its `enableLogging` takes true, false or a logger object. */
type LoggingSwitch = { enableLogging(option: boolean | object): void };

/**
 * Run a construction with the library's logging replaced by a sink that prints nothing: with
 * `AKAMAI_LOG_LEVEL` set it would log the signing key, the signed `Authorization` header and
 * the body (src/auth.js, src/helpers.js). Only the names of missing fields, from its
 * configuration error, are kept. Logging stays off afterwards, for every later `auth()`.
 */
function silenced(construct: () => EdgeGrid, missingFields: string[] = []): EdgeGrid {
  const sink = {
    info: () => {},
    debug: () => {},
    warn: () => {},
    trace: () => {},
    fatal: () => {},
    error: (fields: unknown) => {
      const message = (fields as { errorMessage?: unknown } | undefined)?.errorMessage;
      if (typeof message !== 'string') return;
      for (const match of message.matchAll(/Missing: (\w+)/g)) {
        if (match[1] && (EDGEGRID_FIELDS as readonly string[]).includes(match[1]))
          missingFields.push(match[1]);
      }
    },
  };
  const logging = EdgeGrid.prototype as unknown as LoggingSwitch;
  logging.enableLogging(sink);
  try {
    return construct();
  } finally {
    logging.enableLogging(false);
  }
}

function edgercError(error: unknown, path: string, section: string): ConfigurationError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined) {
    return new ConfigurationError(`cannot read the EdgeGrid credentials file ${path}: ${code}`, {
      cause: error,
      hint: 'create it with an API client from Akamai Control Center, point AKAMAI_EDGERC at it, or set AKAMAI_SECRET_ID to use Secrets Manager',
    });
  }
  return new ConfigurationError(
    `the EdgeGrid credentials file ${path} has no section [${section}]`,
    {
      cause: error,
      hint: `set AKAMAI_EDGERC_SECTION to one of its sections; headers are matched exactly, so write [${section.trim()}], not [ ${section.trim()} ]`,
    },
  );
}

function fingerprint(values: readonly string[]): string {
  return createHash('sha256').update(values.join('\0')).digest('hex');
}
