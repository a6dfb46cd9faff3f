import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parse } from 'yaml';
import { stageConfigOf } from '../../../src/deploy/stage';
import {
  renderStageFileJsonSchema,
  SCHEMA_COMMENT,
  STAGE_SCHEMA_FILE,
} from '../../../src/deploy/stage/jsonSchema';

/**
 * The committed JSON Schema of the stage file, read by an independent validator (ajv), as an
 * editor's YAML extension reads it: it accepts the shipped stage files and refuses what the
 * loader refuses field by field.
 */
const root = join(__dirname, '..', '..', '..');
const committed = readFileSync(join(root, STAGE_SCHEMA_FILE), 'utf8');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(committed));
const local = readFileSync(join(root, 'config', 'local.yml'), 'utf8');

describe("the stage file's JSON Schema", () => {
  it('is current: what the schemas render is what is committed', () => {
    expect(committed).toBe(renderStageFileJsonSchema());
  });

  it.each(['local.yml', 'prod.example.yml'])(
    'accepts the shipped config/%s, which names it on its first line',
    (name) => {
      const text = readFileSync(join(root, 'config', name), 'utf8');
      expect(text.split('\n')[0]).toBe(SCHEMA_COMMENT);
      expect(validate(parse(text))).toBe(true);
      expect(validate.errors ?? []).toEqual([]);
    },
  );

  it.each([
    ['an unknown section', (t: string) => `${t}\nestat: []\n`],
    [
      'a rate that is no EventBridge expression',
      (t: string) => t.replace('rate(2 minutes)', 'every 2 minutes'),
    ],
    [
      'a CP code that is not a number',
      (t: string) => t.replace('cpCode: 424242', "cpCode: '424242x'"),
    ],
    [
      'an unknown delivery type',
      (t: string) => t.replace('delivery: STANDARD_TLS', 'delivery: FAST'),
    ],
    ['a fleet of no devices', (t: string) => t.replace('deviceCount: 2', 'deviceCount: 0')],
    ['a misspelt scrape setting', (t: string) => t.replace('job: snmp', 'jobb: snmp')],
    ['an SLO objective over 1', (t: string) => t.replace('objective: 0.995', 'objective: 99.5')],
    [
      'a misspelt janitor key',
      (t: string) => t.replace(/^janitor:\n/m, 'janitor:\n  dryrun: true\n'),
    ],
    [
      'a threshold that is not a number',
      (t: string) => `${t}\nalerting: { synthetic: { bufferFillAbove: high } }\n`,
    ],
  ])('refuses %s, as the loader does', (_what, edit) => {
    const text = edit(local);
    expect(validate(parse(text))).toBe(false);
    expect(() => stageConfigOf(text, 'config/edited.yml', 'local')).toThrow(
      /edited\.yml:\d+:\d+: /,
    );
  });

  it('leaves to the loader what needs more than one field', () => {
    // An SLO of a target no schedule collects: valid field by field, refused by the loader.
    const text = local.replace(/(slos:[\s\S]*cpCode: )424242/, '$1424243');
    expect(validate(parse(text))).toBe(true);
    expect(() => stageConfigOf(text, 'config/edited.yml', 'local')).toThrow(
      'cpCode 424243 is in no eStats schedule',
    );
  });
});
