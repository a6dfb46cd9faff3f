import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readEdgercSection } from '../../../src/akamai/edgerc';

const dir = mkdtempSync(join(tmpdir(), 'edgerc-unit-'));
const path = join(dir, '.edgerc');
writeFileSync(
  path,
  [
    '; comment line',
    '[default]',
    'client_secret = "abc;def" ; quoted value keeps its semicolon',
    'host = akab-xyz.luna.akamaiapis.net/',
    'access_token = akab-access ; trailing comment',
    "client_token = 'akab-client'",
    '',
    '[other]',
    'host = other.example',
  ].join('\n'),
);

describe('.edgerc reader', () => {
  it('reads a section the way Akamai tools do (quotes, comments, trailing slash)', () => {
    expect(readEdgercSection(path, 'default', {})).toEqual({
      client_secret: 'abc;def',
      host: 'akab-xyz.luna.akamaiapis.net',
      access_token: 'akab-access',
      client_token: 'akab-client',
    });
    expect(readEdgercSection(path, 'other', {})).toEqual({ host: 'other.example' });
  });

  it('prefers AKAMAI_[SECTION_]* variables when all four are set', () => {
    const env = {
      AKAMAI_OTHER_HOST: 'h',
      AKAMAI_OTHER_CLIENT_TOKEN: 'c',
      AKAMAI_OTHER_CLIENT_SECRET: 's',
      AKAMAI_OTHER_ACCESS_TOKEN: 'a',
    };
    expect(readEdgercSection(path, 'other', env)).toEqual({
      host: 'h',
      client_token: 'c',
      client_secret: 's',
      access_token: 'a',
    });
    expect(readEdgercSection(path, 'other', { AKAMAI_OTHER_HOST: 'h' })).toEqual({
      host: 'other.example',
    });
  });

  it('names a missing file and a missing section', () => {
    expect(() => readEdgercSection(join(dir, 'nope'), 'default', {})).toThrow(
      `cannot read the EdgeGrid credentials file ${join(dir, 'nope')}: ENOENT`,
    );
    expect(() => readEdgercSection(path, 'prod', {})).toThrow('has no section [prod]');
  });
});
