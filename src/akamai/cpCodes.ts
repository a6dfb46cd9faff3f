import * as z from 'zod/mini';
import '../shared/zod';
import {
  CPCODES_REQUEST_TIMEOUT_MS,
  DEFAULT_ESTATS_RETRY,
  MAX_CPCODES_ANSWER_BYTES,
  MIN_ESTATS_ATTEMPT_MS,
} from '../constants';
import type { Deadline } from '../shared/deadline';
import { CollectorError, HttpTransportError } from '../shared/errors';
import { httpRequest } from '../shared/http';
import { refusedAttempt, retryWithinDeadline } from '../shared/retry';
import { describeIssues } from '../shared/validation';
import type { EdgeGridSigner } from './edgegrid';
import { problemSchema } from './estatsSchema';

/**
 * The account's CP codes from the CP Codes and Reporting Groups API (CPRG,
 * `GET /cprg/v1/cpcodes`). Chosen over the Property Manager API's `/papi/v1/cpcodes`, which
 * lists one contract and group pair per call and needs the pairs listed first: CPRG answers
 * for the whole account (or one accountSwitchKey) in one call, each CP code with its name,
 * contracts, products and access group, and filters by contract, group, product and name on
 * the server. It has no paging: the answer is the whole list.
 */
export const CPCODES_PATH = '/cprg/v1/cpcodes';

const cpCodeSchema = z.looseObject({
  cpcodeId: z.int().check(z.positive()),
  cpcodeName: z.string(),
  contracts: z.optional(
    z.array(z.looseObject({ contractId: z.string(), status: z.optional(z.string()) })),
  ),
  products: z.optional(
    z.array(z.looseObject({ productId: z.string(), productName: z.optional(z.string()) })),
  ),
  accessGroup: z.optional(
    z.looseObject({ contractId: z.optional(z.string()), groupId: z.nullish(z.int()) }),
  ),
});
const listSchema = z.looseObject({ cpcodes: z.array(cpCodeSchema) });

/** One CP code as discovery uses it. */
export interface AccountCpCode {
  cpCode: number;
  name: string;
  contracts: string[];
  products: string[];
  groupId?: number;
}

/** The server-side filters of the list (all optional). */
export interface CpCodeFilters {
  contractId?: string;
  groupId?: string;
  productId?: string;
  /** The API's `cpcodeName` filter. */
  name?: string;
}

/** The filters as discovery names them (the stage file's discover, the CLI's flags). */
export function cpCodeFiltersOf(given: {
  contract?: string | undefined;
  group?: string | undefined;
  product?: string | undefined;
  name?: string | undefined;
}): CpCodeFilters {
  return {
    ...(given.contract ? { contractId: given.contract } : {}),
    ...(given.group ? { groupId: given.group } : {}),
    ...(given.product ? { productId: given.product } : {}),
    ...(given.name ? { name: given.name } : {}),
  };
}

/** The CP-code list could not be read: the message says why, the hint what to do. */
export class CpCodeListError extends CollectorError {
  readonly status: number | undefined;
  constructor(message: string, options: { status?: number; cause?: unknown; hint?: string }) {
    super(message, options);
    this.name = 'CpCodeListError';
    this.status = options.status;
  }
}

/**
 * List the CP codes the API client sees, filtered on the server. Network errors, 5xx and 429
 * (after its Retry-After) are retried inside the deadline; the rest fail at once, each with
 * what to do.
 */
export async function listCpCodes(
  signer: EdgeGridSigner,
  request: { filters?: CpCodeFilters; accountSwitchKey?: string; deadline: Deadline },
): Promise<AccountCpCode[]> {
  const { filters = {}, accountSwitchKey, deadline } = request;
  const query: Record<string, string> = {
    ...(filters.contractId ? { contractId: filters.contractId } : {}),
    ...(filters.groupId ? { groupId: filters.groupId } : {}),
    ...(filters.productId ? { productId: filters.productId } : {}),
    ...(filters.name ? { cpcodeName: filters.name } : {}),
    ...(accountSwitchKey ? { accountSwitchKey } : {}),
  };
  const where = `CP codes of ${signer.origin}${accountSwitchKey ? ` (account ${accountSwitchKey})` : ''}`;
  const { value } = await retryWithinDeadline<AccountCpCode[], CpCodeListError>({
    policy: DEFAULT_ESTATS_RETRY,
    deadline,
    attemptTimeoutMs: CPCODES_REQUEST_TIMEOUT_MS,
    minAttemptMs: MIN_ESTATS_ATTEMPT_MS,
    noTimeLeft: () => new CpCodeListError(`${where}: no time left for the request`, {}),
    withNote: (error, note) =>
      new CpCodeListError(`${error.message}${note}`, {
        ...(error.status === undefined ? {} : { status: error.status }),
        cause: error.cause,
        ...(error.hint ? { hint: error.hint } : {}),
      }),
    attempt: async (_attempt, timeoutMs) => {
      const signed = signer.signGet(CPCODES_PATH, query);
      let answer: Awaited<ReturnType<typeof httpRequest>>;
      try {
        answer = await httpRequest({
          method: 'GET',
          url: signed.url,
          headers: signed.headers,
          timeoutMs,
          maxResponseBytes: MAX_CPCODES_ANSWER_BYTES,
        });
      } catch (error) {
        if (!(error instanceof HttpTransportError)) throw error;
        return {
          ok: false,
          retryable: error.code !== 'too_large',
          error: new CpCodeListError(`${where}: ${error.message}`, {
            cause: error,
            hint: 'check network access to the EdgeGrid host (proxy, DNS) and the .edgerc host',
          }),
        };
      }
      if (answer.status === 200) return { ok: true, value: parseList(answer.body, where) };
      const refusal = refusalOf(answer.status, answer.body, where, filters);
      return refusedAttempt(refusal, answer.status === 429 || answer.status >= 500, answer.headers);
    },
  });
  return value;
}

/** The CP codes to keep of a listing: sorted, less the excluded ids and names. */
export function selectCpCodes(
  listed: readonly AccountCpCode[],
  options: { exclude?: readonly number[]; namePattern?: RegExp; excludeNamePattern?: RegExp },
): AccountCpCode[] {
  const excluded = new Set(options.exclude ?? []);
  const seen = new Set<number>();
  return [...listed]
    .filter((cp) => {
      if (seen.has(cp.cpCode)) return false;
      seen.add(cp.cpCode);
      return (
        !excluded.has(cp.cpCode) &&
        (!options.namePattern || options.namePattern.test(cp.name)) &&
        (!options.excludeNamePattern || !options.excludeNamePattern.test(cp.name))
      );
    })
    .sort((a, b) => a.cpCode - b.cpCode);
}

function parseList(body: string, where: string): AccountCpCode[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new CpCodeListError(
      `${where}: the answer is not JSON (starts with ${JSON.stringify(body.slice(0, 80))})`,
      {
        hint: 'a proxy or captive portal may be answering instead of Akamai',
      },
    );
  }
  const parsed = listSchema.safeParse(json);
  if (!parsed.success)
    throw new CpCodeListError(`${where}: unexpected answer: ${describeIssues(parsed.error)}`, {
      hint: 'the CP Codes and Reporting Groups API answered something else; nothing was written',
    });
  return parsed.data.cpcodes.map((cp) => ({
    cpCode: cp.cpcodeId,
    name: cp.cpcodeName,
    contracts: (cp.contracts ?? []).map((c) => c.contractId),
    products: (cp.products ?? []).map((p) => p.productId),
    ...(typeof cp.accessGroup?.groupId === 'number' ? { groupId: cp.accessGroup.groupId } : {}),
  }));
}

function refusalOf(
  status: number,
  body: string,
  where: string,
  filters: CpCodeFilters,
): CpCodeListError {
  let said = body.trim().slice(0, 300);
  try {
    const problem = problemSchema.safeParse(JSON.parse(body));
    if (problem.success)
      said = [problem.data.title, problem.data.detail].filter(Boolean).join(': ') || said;
  } catch {
    // not JSON: quote the start of it
  }
  const message = `${where}: HTTP ${status}${said ? `: ${said}` : ''}`;
  const hint =
    status === 401
      ? 'check the EdgeGrid credentials (host, client_token, access_token, client_secret) of that .edgerc section or secret'
      : status === 403
        ? 'the API client has no grant for the "CPcode and Reporting group (CPRG)" API, or the accountSwitchKey is not one it may use: add the grant (READ is enough) to the API client in Akamai Control Center, Identity & Access'
        : status === 404 || status === 400
          ? filters.contractId
            ? `no contract ${filters.contractId} (or group ${filters.groupId ?? '-'}) for this API client: list yours with "akamai pm lc" or drop --contract`
            : 'check the filters (--contract, --group, --product, --name)'
          : status === 429
            ? 'Akamai rate-limited the API client (shared by every caller of it): try again in a minute'
            : "transient on Akamai's side: try again";
  return new CpCodeListError(message, { status, hint });
}
