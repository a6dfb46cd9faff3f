import { authFromFields, authorizationHeaders } from '../../../src/shared/httpAuth';
import { forgetSecretsForTests, scrubSecrets } from '../../../src/shared/redaction';

const OWNER = { service: 'scrape target', envPrefix: 'SCRAPE' };

describe('auth from a secret of headers', () => {
  beforeEach(() => forgetSecretsForTests());

  it('sends the headers a secret holds, each value a credential never printed', () => {
    const auth = authFromFields({ headers: { 'X-Api-Key': 'k-7f3a-secret' } }, 'scrape/api', OWNER);
    expect(authorizationHeaders(auth)).toEqual({ 'X-Api-Key': 'k-7f3a-secret' });
    expect(scrubSecrets('key k-7f3a-secret')).toBe('key [REDACTED]');
  });

  it.each([
    [{ headers: { 'X-Api-Key': 'k' }, password: 'p', username: 'u' }, 'not both'],
    [{ headers: {} }, '"headers" must be an object'],
    [{ headers: { 'X Api Key': 'k' } }, '"headers" must be an object'],
    [{ headers: { 'X-Api-Key': 1 } }, '"headers" must be an object'],
  ])('refuses %j, saying what', (fields, message) => {
    expect(() => authFromFields(fields, 'scrape/api', OWNER)).toThrow(message);
  });
});
