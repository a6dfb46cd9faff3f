import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageConfig } from '../../../src/deploy/stage';
import { scheduleEvents } from '../../../src/deploy/stage';
import { DEPLOYABLE_SECTIONS } from '../../helpers/stageConfig';

function stageFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'traffic-stage-')), 'stage.yml');
  writeFileSync(file, text);
  return file;
}

const schedule = (extra = '', input = '') =>
  `traffic:\n  - rate: rate(5 minutes)\n${extra}    input:\n      name: cdn\n      targets: [{ cpCode: 510001, name: shop }]\n${input}`;

const problemsOf = (text: string, stage = 'local') => {
  try {
    loadStageConfig(stageFile(text), stage);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

test("a traffic schedule becomes an event with its client and its share of the account's budget", () => {
  const config = loadStageConfig(
    stageFile(
      `akamai:\n  clients:\n    main: { edgercSection: main, account: acme }\n${schedule('    client: main\n')}`,
    ),
    'local',
  );
  const events = scheduleEvents(config, (fn, name) => `${fn}-${name}`);
  const template = events.traffic[0]?.schedule.inputTransformer?.inputTemplate ?? '';
  const input = JSON.parse(template.replace('<time>', '0')) as {
    stage: string;
    schedule: { client: { name: string; account: string }; requestsPerMinute: number };
  };
  expect(input.stage).toBe('local');
  expect(input.schedule.client).toMatchObject({ name: 'main', account: 'acme' });
  // 120 a minute, less the 10 % reserve: the only traffic schedule of the account has it all.
  expect(input.schedule.requestsPerMinute).toBe(108);
});

test('refuses a traffic schedule faster than a bucket', () => {
  expect(problemsOf(schedule().replace('rate(5 minutes)', 'rate(1 minute)'))).toMatch(
    /traffic\[0\]\.rate: runs every 60 s: a traffic bucket is 5 minutes, so a faster run finds nothing new/,
  );
});

test('refuses what packaging sets, naming it', () => {
  expect(problemsOf(schedule('', '      requestsPerMinute: 50\n'))).toMatch(
    /traffic\[0\]\.input\.requestsPerMinute: packaging sets requestsPerMinute/,
  );
});

test('refuses an API client the stage does not define, and the example CP codes on a deployed stage', () => {
  expect(problemsOf(schedule('    client: nope\n'))).toMatch(
    /no API client "nope" under akamai\.clients/,
  );
  expect(
    problemsOf(`${schedule().replace('510001', '424243')}${DEPLOYABLE_SECTIONS}`, 'prod'),
  ).toMatch(/traffic\[0\]\.input\.targets\[0\]: still lists the example CP codes/);
});
