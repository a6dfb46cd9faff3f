import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KNOWN_VARIABLES } from '../../../src/config/knownVariables';
import {
  checkFunctionEnvironment,
  FUNCTION_SETTING_PARAMS,
  functionSettingsOf,
} from '../../../src/deploy/functionSettings';
import { REPO_ROOT } from '../../helpers/runProcess';
import { refusalText } from '../../helpers/refusal';

const serverless = readFileSync(join(REPO_ROOT, 'serverless.yml'), 'utf8');
const declared = (
  parse(serverless.replace(/\$\{[^}]*\}/g, 'x'), { logLevel: 'error' }) as {
    params: { default: Record<string, unknown> };
  }
).params.default;
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

describe("the functions' settings as serverless params", () => {
  it.each(Object.entries(FUNCTION_SETTING_PARAMS))(
    '%s is declared in serverless.yml, documented, and sets %s',
    (param, variable) => {
      expect(declared).toHaveProperty(param);
      expect(readme).toContain(`\`${param}\``);
      expect(readme).toContain(`\`${variable}\``);
      expect(functionSettingsOf({ [param]: '7' })).toEqual({ [variable]: '7' });
    },
  );

  it('leaves an empty param out, so the function keeps its default', () => {
    expect(functionSettingsOf({ logLevel: 'info', pushgatewayQuorum: '', noProxy: null })).toEqual({
      LOG_LEVEL: 'info',
    });
  });

  it('covers every tunable variable of the functions under our prefixes', () => {
    // Addresses, secrets and credentials have params of their own (or none on purpose:
    // credentials belong in Secrets Manager); schedules and fleets come from the stage file.
    const elsewhere =
      /_URL$|_SECRET_ID$|_USERNAME$|_PASSWORD$|_BEARER_TOKEN$|_TENANT$|_REGION$|^SINKS$|_HOST$|_BIN$|^AKAMAI_|^ESTATS_SCHEDULE$|^SYNTHETIC_FLEET/;
    const mapped = new Set<string>(Object.values(FUNCTION_SETTING_PARAMS));
    expect(KNOWN_VARIABLES.filter((v) => !elsewhere.test(v) && !mapped.has(v))).toEqual([]);
  });

  it.each([
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL', 'logLevel'],
    [{ PUSHGATEWAY_QUORUM: '2' }, 'PUSHGATEWAY_QUORUM', 'pushgatewayQuorum'],
    [{ ESTATS_MAX_IN_FLIGHT: '1000' }, 'ESTATS_MAX_IN_FLIGHT', 'estatsMaxInFlight'],
    [{ SINKS: 'graphite' }, 'GRAPHITE_HOST', 'GRAPHITE_HOST'],
  ])('refuses %j when packaging, naming the param to fix', (env, variable, fix) => {
    const text = refusalText(() =>
      checkFunctionEnvironment({ PUSHGATEWAY_URL: 'https://pg.acme.test', ...env }, 'prod'),
    );
    expect(text).toContain('stage "prod"');
    expect(text).toContain(variable);
    expect(text).toContain(fix);
  });

  it('accepts the defaults and sound values', () => {
    expect(() =>
      checkFunctionEnvironment(
        {
          PUSHGATEWAY_URL: 'https://pg-a.acme.test,https://pg-b.acme.test',
          PUSHGATEWAY_QUORUM: '2',
          LOG_LEVEL: 'debug',
        },
        'prod',
      ),
    ).not.toThrow();
  });
});
