import { classifyErrorAnswer } from '../../../src/akamai/problems';

const authn = (type: string, title: string, detail: string) =>
  JSON.stringify({
    type: `https://problems.luna.akamaiapis.net/-/pep-authn/${type}`,
    title,
    detail,
    instance: 'x',
    method: 'POST',
    requestId: '1',
  });

describe('classifying Akamai error answers', () => {
  it.each([
    [
      401,
      authn('deny', 'Not authorized', 'The signature does not match'),
      'auth_signature',
      'client_secret does not match',
    ],
    [
      401,
      authn('deny', 'Not authorized', 'Inactive client token'),
      'auth_inactive_token',
      'deactivated',
    ],
    [
      401,
      authn('deny', 'Not authorized', 'Invalid access token'),
      'auth_denied',
      'check the EdgeGrid credentials',
    ],
    [400, authn('request-error', 'Bad request', 'Invalid timestamp'), 'clock_skew', 'NTP'],
    [
      403,
      JSON.stringify({
        type: 'forbidden.request.error',
        title: 'Forbidden',
        errors: [
          { type: 'field.access.denied', title: 'Access denied', detail: 'No access to url' },
        ],
      }),
      'forbidden',
      'grant',
    ],
    [
      429,
      JSON.stringify({ type: 'requests.exceeded.error', title: 'Too many requests' }),
      'rate_limited',
      '40 requests per minute',
    ],
    [503, '<html>Service Unavailable</html>', 'server_error', 'transient'],
    [
      400,
      JSON.stringify({
        type: 'bad.request.error',
        title: 'Bad request',
        detail: 'Exactly one of cpCode or url is required',
      }),
      'bad_request',
      'check the target',
    ],
  ])('HTTP %i %s → %s', (status, body, reason, hint) => {
    const error = classifyErrorAnswer(status, body, 'cpCode 1');
    expect(error.reason).toBe(reason);
    expect(error.status).toBe(status);
    expect(error.hint).toContain(hint);
    expect(error.message).toMatch(new RegExp(`^eStats for cpCode 1: HTTP ${status} `));
  });

  it('quotes the problem details, including nested errors', () => {
    const body = JSON.stringify({
      title: 'Forbidden',
      detail: 'Not allowed',
      errors: [{ title: 'Access denied', detail: 'No access to url' }],
    });
    expect(classifyErrorAnswer(403, body, 'url https://a/').message).toBe(
      'eStats for url https://a/: HTTP 403 forbidden: Forbidden: Not allowed: No access to url',
    );
  });
});
