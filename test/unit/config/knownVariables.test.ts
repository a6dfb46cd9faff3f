import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { nearestKnown, refuseUnknownVariables } from '../../../src/config/knownVariables';
import { KNOWN_VARIABLES } from '../../../src/config/settings';
import { renderSettingsReference } from '../../../src/config/settingsReference';

const root = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('environment variables under our prefixes', () => {
  it('refuses a typo, naming the nearest known variable and never the value', () => {
    expect(() => refuseUnknownVariables({ PUSHGATEWAY_QUOROM: '2' })).toThrow(
      'unknown environment variable PUSHGATEWAY_QUOROM (did you mean PUSHGATEWAY_QUORUM?)',
    );
    expect(() =>
      refuseUnknownVariables({ REMOTE_WRITE_PASWORD: 'hunter22', ESTATS_MAX_INFLIGHT: '3' }),
    ).toThrow(
      'unknown environment variables ESTATS_MAX_INFLIGHT (did you mean ESTATS_MAX_IN_FLIGHT?), REMOTE_WRITE_PASWORD (did you mean REMOTE_WRITE_PASSWORD?)',
    );
    expect(() => refuseUnknownVariables({ REMOTE_WRITE_PASWORD: 'hunter22' })).not.toThrow(
      'hunter22',
    );
    expect(() => refuseUnknownVariables({ JANITOR_TTL: '1h' })).toThrow(
      'unknown environment variable JANITOR_TTL',
    );
    expect(() => refuseUnknownVariables({ SINKS_EXTRA: 'x' })).toThrow('SINKS_EXTRA');
  });

  it("accepts every known variable, akamai-edgegrid's own, and anything under other prefixes", () => {
    const env = Object.fromEntries(KNOWN_VARIABLES.map((name) => [name, 'x']));
    expect(() =>
      refuseUnknownVariables({
        ...env,
        AKAMAI_HOST: 'h',
        AKAMAI_STANDIN_CLIENT_SECRET: 's',
        AKAMAI_CLI_VERSION: '1',
        AWS_REGION: 'eu-central-1',
        HTTPS_PROXY: 'http://proxy:3128',
        PUSHGATEWAY_QUOROM: undefined,
      }),
    ).not.toThrow();
    expect(nearestKnown('SOMETHING_ELSE_ENTIRELY')).toBeUndefined();
  });

  it('lists every variable the code reads under those prefixes, and the reference documents each', () => {
    const read = new Set<string>();
    for (const file of sourceFiles(join(root, 'src')))
      for (const [, name] of readFileSync(file, 'utf8').matchAll(
        /'((?:PUSHGATEWAY|REMOTE_WRITE|GRAPHITE|ESTATS|AKAMAI|SYNTHETIC|JANITOR)_[A-Z0-9_]+|SINKS)'/g,
      ))
        if (name) read.add(name);
    const known = new Set<string>(KNOWN_VARIABLES);
    expect([...read].filter((name) => !known.has(name))).toEqual([]);
    const reference = renderSettingsReference();
    expect(KNOWN_VARIABLES.filter((name) => !reference.includes(`\`${name}\``))).toEqual([]);
  });
});
