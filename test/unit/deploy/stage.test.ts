import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStageConfig, scheduleEvents } from '../../../src/deploy/stage';

const dir = mkdtempSync(join(tmpdir(), 'stage-unit-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const estats = (targets: string, name = 'default') =>
  `  - rate: rate(2 minutes)\n    input:\n      name: ${name}\n      targets:\n${targets}`;

describe('a stage file (config/<stage>.yml)', () => {
  it('lets the local stage keep the examples, and turns entries into schedule events', () => {
    const path = file(
      'local.yml',
      `estats:\n${estats('        - cpCode: 424242\n')}\nsynthetic:\n  - rate: rate(1 minute)\n    fleet: { name: lab, deviceCount: 1 }\n`,
    );
    const events = scheduleEvents(loadStageConfig(path, 'local'), (fn, s) => `svc-${fn}-${s}`);
    expect(events.estats[0]?.schedule).toMatchObject({
      name: 'svc-estats-default',
      rate: 'rate(2 minutes)',
      input: { name: 'default', targets: [{ cpCode: 424242 }] },
    });
    expect(events.synthetic[0]?.schedule.inputTransformer?.inputTemplate).toBe(
      '{"time": <time>, "fleet": {"name":"lab","deviceCount":1}}',
    );
  });

  it.each([
    ['        - cpCode: 424242\n'],
    ['        - url: https://cdn.example.net/a\n'],
    ['        - url: https://example.org/\n'],
  ])('refuses the example target %j on any other stage', (targets) => {
    const path = file('prod.yml', `estats:\n${estats(targets)}`);
    expect(() => loadStageConfig(path, 'prod')).toThrow('still lists example targets');
  });

  it('accepts real targets on another stage', () => {
    const path = file(
      'prod-ok.yml',
      `estats:\n${estats('        - url: https://shop.acme.test/\n')}`,
    );
    expect(loadStageConfig(path, 'prod').estats[0]?.input.targets).toEqual([
      { url: 'https://shop.acme.test/' },
    ]);
  });

  it('names what is wrong: no file, bad YAML, an unknown key, a bad rate, a repeated name', () => {
    expect(() => loadStageConfig(join(dir, 'nope.yml'), 'prod')).toThrow('has no schedule file');
    expect(() => loadStageConfig(file('bad.yml', 'estats: [\n'), 'prod')).toThrow(
      'is not valid YAML',
    );
    expect(() => loadStageConfig(file('key.yml', 'estat: []\n'), 'prod')).toThrow('estat');
    expect(() =>
      loadStageConfig(file('rate.yml', 'estats:\n  - rate: every minute\n    input: {}\n'), 'prod'),
    ).toThrow('estats[0].rate: must be rate(…) or cron(…)');
    const twice = `estats:\n${estats('        - cpCode: 1\n', 'a')}\n${estats('        - cpCode: 2\n', 'a')}`;
    expect(() => loadStageConfig(file('twice.yml', twice), 'prod')).toThrow(
      'two eStats schedules are named "a"',
    );
  });

  it('reads its SLOs, checked against its own eStats schedules', () => {
    const slos = (target: string) =>
      `estats:\n${estats('        - cpCode: 1\n')}\nslos:\n  - name: edge\n    objective: 0.999\n    targets:\n      - ${target}\n`;
    expect(loadStageConfig(file('slo.yml', slos('cpCode: 1')), 'prod').slos).toEqual([
      expect.objectContaining({
        name: 'edge',
        targets: [{ subject: { cpCode: 1 }, objective: 0.999 }],
      }),
    ]);
    expect(() => loadStageConfig(file('slo-bad.yml', slos('cpCode: 2')), 'prod')).toThrow(
      'slo-bad.yml: slos[0] (edge).targets[0]: cpCode 2 is in no eStats schedule',
    );
  });
});
