import { parseProblem } from '../akamai/problems';
import { CollectorError } from '../shared/errors';

/**
 * Why a CP code's traffic did not make it. These values become the `reason` label of
 * akamai_traffic_failure_info, so the set is closed (bounded cardinality).
 */
export const TRAFFIC_FAILURE_REASONS = [
  'credentials',
  'auth_denied',
  'forbidden',
  'unauthorized_cp_code',
  'bad_request',
  'query_cost',
  'rate_limited',
  'server_error',
  'timeout',
  'network',
  'too_large',
  'malformed_answer',
  'invalid_answer',
  'deadline',
  'push_failed',
  'internal',
] as const;
export type TrafficFailureReason = (typeof TRAFFIC_FAILURE_REASONS)[number];

export class TrafficError extends CollectorError {
  readonly reason: TrafficFailureReason;
  readonly status: number | undefined;
  /** The CP codes a 403 `unauthorized-objects` named. */
  readonly unauthorized: readonly number[];

  constructor(
    message: string,
    details: {
      reason: TrafficFailureReason;
      status?: number;
      cause?: unknown;
      hint?: string;
      unauthorized?: readonly number[];
    },
  ) {
    super(message, { cause: details.cause, hint: details.hint });
    this.name = 'TrafficError';
    this.reason = details.reason;
    this.status = details.status;
    this.unauthorized = details.unauthorized ?? [];
  }

  /** This error with a note added to its message: a new error (errors are built complete). */
  withNote(note: string): TrafficError {
    return new TrafficError(`${this.message}${note}`, {
      reason: this.reason,
      ...(this.status === undefined ? {} : { status: this.status }),
      cause: this.cause,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      unauthorized: this.unauthorized,
    });
  }
}

/**
 * Turn an error answer of the Reporting API (or of Akamai's gateway in front of it) into a
 * TrafficError that says which failure it is and what to do: 403 `unauthorized-objects` names
 * the CP codes the client may not read, 422 `query-cost-exceeded` asks for a smaller request.
 */
export function classifyReportAnswer(status: number, body: string, what: string): TrafficError {
  const problem = parseProblem(body);
  const detail = [problem?.title, problem?.detail].filter(Boolean).join(': ');
  const said = detail ? `: ${detail}` : body.trim() ? `: ${body.trim().slice(0, 300)}` : '';
  const prefix = `traffic report for ${what}: HTTP ${status}`;
  const type = problem?.type ?? '';
  if (status === 401)
    return new TrafficError(`${prefix} authentication refused${said}`, {
      reason: 'auth_denied',
      status,
      hint: 'check the EdgeGrid credentials (host, client_token, access_token, client_secret) of the API client',
    });
  if (status === 403 && /unauthorized-objects/.test(type)) {
    const listed = /\[([\d,\s]+)\]/.exec(problem?.detail ?? '');
    const unauthorized = (listed?.[1] ?? '')
      .split(',')
      .map((part) => Number(part.trim()))
      .filter((n) => Number.isInteger(n) && n > 0);
    return new TrafficError(`${prefix} CP codes not authorized${said}`, {
      reason: 'unauthorized_cp_code',
      status,
      unauthorized,
      hint: "the API client's account cannot read these CP codes: remove them from the schedule, or grant the client their group in Control Center",
    });
  }
  if (status === 403)
    return new TrafficError(`${prefix} forbidden${said}`, {
      reason: 'forbidden',
      status,
      hint: 'the API client lacks the Reporting API grant (READ-ONLY), or the accountSwitchKey is not in its scope',
    });
  if (status === 422)
    return new TrafficError(`${prefix} query cost exceeded${said}`, {
      reason: 'query_cost',
      status,
      hint: 'the request asked for too many rows at once; lower traffic.maxRowsPerRequest in the stage file',
    });
  if (status === 429)
    return new TrafficError(`${prefix} rate limited${said}`, {
      reason: 'rate_limited',
      status,
      hint: "the account's Reporting budget is shared by every API client of the account; lower the traffic schedules' rate or raise akamai.accounts[].reportingRequestsPerMinute only if Akamai raised it",
    });
  if (status >= 500)
    return new TrafficError(`${prefix} Akamai server error${said}`, {
      reason: 'server_error',
      status,
      hint: "transient on Akamai's side; the next run fetches the missed buckets",
    });
  return new TrafficError(`${prefix} request refused${said}`, {
    reason: 'bad_request',
    status,
    hint: 'the Reporting API refused the request as built; check the schedule (CP codes) and report it if it persists',
  });
}
