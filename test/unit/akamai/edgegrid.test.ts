import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import fc from 'fast-check';
import { signerFromEdgerc, signerFromFields } from '../../../src/akamai/edgegrid';
import { ESTATS_PATH } from '../../../src/akamai/estatsClient';
import { EdgeGridVerifier } from '../../../dev/simulators/akamai/edgegridVerifier';
import { verifierParts } from '../../helpers/edgegridRequests';
import { setEnv } from '../../helpers/env';

/**
 * eStats requests are signed by akamai-edgegrid's public API (`new EdgeGrid(...)`, `auth()`).
 * What it signs is checked by the stand-in's verifier, which reproduces Akamai's published
 * test vectors (test/unit/simulators/edgegridVerifier.test.ts); the library's traps each have
 * a test here.
 */
const fields = {
  host: 'akab-unit.luna.akamaiapis.net',
  client_token: 'akab-unit-client',
  client_secret: 'dW5pdC1zZWNyZXQtdW5pdC1zZWNyZXQ=',
  access_token: 'akab-unit-access',
};

function verifierFor(clients: Array<typeof fields>): EdgeGridVerifier {
  return new EdgeGridVerifier(
    new Map(
      clients.map((c) => [
        c.client_token,
        { clientSecret: c.client_secret, accessToken: c.access_token },
      ]),
    ),
  );
}

const parts = verifierParts;

/** Interceptors on the global axios instance: akamai-edgegrid adds one per construction. */
const interceptorCount = () =>
  (axios.interceptors.request as unknown as { handlers: unknown[] }).handlers.length;

describe('EdgeGrid signing through akamai-edgegrid', () => {
  it('signs what the verifier accepts, for arbitrary bodies, paths, queries and credentials', () => {
    const token = fc.stringMatching(/^akab-[a-z0-9-]{1,30}$/);
    fc.assert(
      fc.property(
        fc.record({
          host: fc.constantFrom('akab-abc.luna.akamaiapis.net', '127.0.0.1:8443'),
          client_token: token,
          access_token: token,
          client_secret: fc.base64String({ minLength: 4, maxLength: 44 }),
        }),
        fc.oneof(fc.json(), fc.string({ unit: 'grapheme', maxLength: 200 })),
        fc.constantFrom(ESTATS_PATH, '/x/y', '/a%20b'),
        fc.dictionary(fc.stringMatching(/^[A-Za-z]{1,12}$/), fc.string({ maxLength: 20 }), {
          maxKeys: 3,
        }),
        (credentials, body, path, query) => {
          const signed = signerFromFields(credentials).signJsonPost(path, body, query);
          expect(verifierFor([credentials]).verify(parts(signed, body))).toEqual({
            ok: true,
            clientToken: credentials.client_token,
          });
          expect(signed.headers['Content-Type']).toBe('application/json');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('signs the accountSwitchKey as part of the path, so it cannot be appended afterwards', () => {
    const body = '{"cpCode":1}';
    const signed = signerFromFields(fields).signJsonPost(ESTATS_PATH, body, {
      accountSwitchKey: '1-ABC:2-DEF',
    });
    expect(signed.url.toString()).toBe(
      `https://${fields.host}${ESTATS_PATH}?accountSwitchKey=1-ABC%3A2-DEF`,
    );
    const verifier = verifierFor([fields]);
    expect(verifier.verify(parts(signed, body))).toMatchObject({ ok: true });
    const tampered = { ...parts(signed, body), pathWithQuery: ESTATS_PATH };
    expect(verifier.verify(tampered)).toMatchObject({
      ok: false,
      detail: 'The signature does not match',
    });
  });

  it('constructs the library once per credential set: global axios interceptors do not pile up', () => {
    const other = { ...fields, client_token: 'akab-unit-other-client' };
    signerFromFields(fields);
    const before = interceptorCount();
    for (let i = 0; i < 50; i++) signerFromFields(fields).signJsonPost(ESTATS_PATH, '{}');
    expect(interceptorCount()).toBe(before);
    signerFromFields(other);
    signerFromFields(other);
    expect(interceptorCount()).toBe(before + 1);
  });
});

describe('.edgerc through the library, with what its parser returns checked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'edgerc-unit-'));
  const write = (name: string, lines: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, lines.join('\n'));
    return path;
  };
  const good = write('good', [
    '; comment line',
    '[default]',
    'client_secret = "dW5pdC1zZWNyZXQ;semicolon" ; quoted value keeps its semicolon',
    `host = ${fields.host}/`,
    `access_token = ${fields.access_token}`,
    `client_token = '${fields.client_token}'`,
    '',
    '[incomplete]',
    'host = other.example',
    'client_secret = s3cr3t-value',
    '[commented]',
    `host = ${fields.host}`,
    `client_token = ${fields.client_token}`,
    'client_secret = s3cr3t-value',
    'access_token = akab-access ; trailing comment',
  ]);

  it('reads a section the way Akamai tools do (quotes, comments, trailing slash) and signs with it', () => {
    const signer = signerFromEdgerc(good, 'default');
    expect(signer.origin).toBe(`https://${fields.host}`);
    const signed = signer.signJsonPost(ESTATS_PATH, '{}');
    const verifier = verifierFor([{ ...fields, client_secret: 'dW5pdC1zZWNyZXQ;semicolon' }]);
    expect(verifier.verify(parts(signed, '{}'))).toMatchObject({ ok: true });
  });

  it('names the fields missing from a section (the library returns {} for it)', () => {
    expect(() => signerFromEdgerc(good, 'incomplete')).toThrow(
      `EdgeGrid credentials in ${good} section [incomplete] are missing: client_token, access_token`,
    );
  });

  it('does not construct a refused section again until its file changes', () => {
    const path = write('refused', ['[s]', `host = ${fields.host}`]);
    expect(() => signerFromEdgerc(path, 's')).toThrow('are missing');
    const after = interceptorCount();
    expect(() => signerFromEdgerc(path, 's')).toThrow('are missing');
    expect(interceptorCount()).toBe(after);
  });

  it('refuses a value that kept the space before an inline comment, naming the field', () => {
    expect(() => signerFromEdgerc(good, 'commented')).toThrow(
      'section [commented]: access_token holds whitespace',
    );
  });

  it('names a missing file, a missing section and a header written with spaces', () => {
    expect(() => signerFromEdgerc(join(dir, 'nope'), 'default')).toThrow(
      `cannot read the EdgeGrid credentials file ${join(dir, 'nope')}: ENOENT`,
    );
    expect(() => signerFromEdgerc(good, 'prod')).toThrow(`${good} has no section [prod]`);
    const spaced = write('spaced', ['[ default ]', `host = ${fields.host}`]);
    const error = (() => {
      try {
        signerFromEdgerc(spaced, 'default');
      } catch (e) {
        return e as Error & { hint?: string };
      }
      throw new Error('a header with spaces was accepted');
    })();
    expect(error.message).toBe(`the EdgeGrid credentials file ${spaced} has no section [default]`);
    expect(error.hint).toContain('write [default], not [ default ]');
  });

  it('prefers AKAMAI_[SECTION_]* variables when all four are set', () => {
    const restore = setEnv({
      AKAMAI_ENVONLY_HOST: 'akab-env.luna.akamaiapis.net',
      AKAMAI_ENVONLY_CLIENT_TOKEN: fields.client_token,
      AKAMAI_ENVONLY_CLIENT_SECRET: fields.client_secret,
      AKAMAI_ENVONLY_ACCESS_TOKEN: fields.access_token,
    });
    try {
      expect(signerFromEdgerc(good, 'envonly').origin).toBe('https://akab-env.luna.akamaiapis.net');
    } finally {
      restore();
    }
  });
});
