import { EstatsError } from './errors';
import { type Problem, problemSchema } from './estatsSchema';

/**
 * Turn an error answer of Akamai's API gateway or of the eStats API into an EstatsError that
 * says which failure it is and what to do. The gateway's own problem types (pep-authn) are
 * distinguished because their fixes differ: a wrong secret, a disabled client, a bad clock.
 */
export function classifyErrorAnswer(status: number, body: string, target: string): EstatsError {
  const problem = parseProblem(body);
  const type = problem?.type ?? '';
  const title = problem?.title ?? '';
  const detail = [
    title,
    problem?.detail,
    ...(problem?.errors ?? []).map((e) => e.detail ?? e.title),
  ]
    .filter((part): part is string => Boolean(part))
    .join(': ');
  const said = detail ? `: ${detail}` : body.trim() ? `: ${body.trim().slice(0, 300)}` : '';
  const prefix = `eStats for ${target}: HTTP ${status}`;

  if (status === 401) {
    if (/signature does not match/i.test(title + (problem?.detail ?? ''))) {
      return new EstatsError(`${prefix} signature rejected${said}`, {
        reason: 'auth_signature',
        status,
        hint: 'client_secret does not match client_token, or the request was changed after signing (proxy?)',
      });
    }
    if (/inactive client token|invalid client token/i.test(title + (problem?.detail ?? ''))) {
      return new EstatsError(`${prefix} client token not active${said}`, {
        reason: 'auth_inactive_token',
        status,
        hint: 'the API client was deactivated or deleted; create new credentials in Akamai Control Center',
      });
    }
    return new EstatsError(`${prefix} authentication refused${said}`, {
      reason: 'auth_denied',
      status,
      hint: 'check the EdgeGrid credentials (host, client_token, access_token, client_secret)',
    });
  }
  if (status === 400 && /pep-authn\/request-error/.test(type) && /timestamp/i.test(detail)) {
    return new EstatsError(`${prefix} invalid timestamp${said}`, {
      reason: 'clock_skew',
      status,
      hint: 'the local clock is more than ~30 s off; synchronise it (NTP)',
    });
  }
  if (status === 403) {
    return new EstatsError(`${prefix} forbidden${said}`, {
      reason: 'forbidden',
      status,
      hint: 'the API client lacks the Edge Diagnostics grant, or this CP code / URL / accountSwitchKey is not in its scope',
    });
  }
  if (status === 429) {
    return new EstatsError(`${prefix} rate limited${said}`, {
      reason: 'rate_limited',
      status,
      hint: 'eStats allows about 40 requests per minute per client; spread targets over more schedules or raise ESTATS_MIN_INTERVAL_MS',
    });
  }
  if (status >= 500) {
    return new EstatsError(`${prefix} Akamai server error${said}`, {
      reason: 'server_error',
      status,
      hint: "transient on Akamai's side; the next run will try again",
    });
  }
  return new EstatsError(`${prefix} request refused${said}`, {
    reason: 'bad_request',
    status,
    hint: 'check the target (cpCode / url, delivery, errorType) in the schedule input',
  });
}

/** An error body in Akamai's problem shape (eStats, the gateway, the Reporting API), if it is one. */
export function parseProblem(body: string): Problem | undefined {
  try {
    const parsed = problemSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
