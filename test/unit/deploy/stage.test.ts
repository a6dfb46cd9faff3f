import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkedEstatsBudget,
  collectorSecrets,
  estatsScheduleOf,
  loadStageConfig,
  maximumEventAges,
  scheduleEvents,
} from '../../../src/deploy/stage';
import { DEPLOYABLE_ALERTING, DEPLOYABLE_FUNCTIONS } from '../../helpers/stageConfig';

const dir = mkdtempSync(join(tmpdir(), 'stage-unit-'));
/** A stage file of these tests; without an alerting section of its own, a deployable one. */
const file = (name: string, text: string) => {
  const path = join(dir, name);
  const alerting = /^alerting:/m.test(text) ? '' : DEPLOYABLE_ALERTING;
  const functions = /^functions:/m.test(text) ? '' : DEPLOYABLE_FUNCTIONS;
  writeFileSync(path, `${text}${alerting}${functions}`);
  return path;
};
const estats = (targets: string, name = 'default') =>
  `  - rate: rate(2 minutes)\n    input:\n      name: ${name}\n      targets:\n${targets}`;

describe('group ownership in the packaged events', () => {
  it('names the stage in every event, and leaves a CP code another schedule lists out of discovery', () => {
    const path = file(
      'owned.yml',
      `estats:\n${estats('        - cpCode: 1\n        - cpCode: 2\n          delivery: STANDARD_TLS\n', 'listed')}  - rate: rate(2 minutes)\n    input:\n      name: found\n      targets:\n        - cpCode: 3\n      discover: { match: "^shop", exclude: [9] }\n`,
    );
    const config = loadStageConfig(path, 'prod');
    const events = scheduleEvents(config, (fn, s) => `${fn}-${s}`);
    for (const event of [...events.estats])
      expect(event.schedule.inputTransformer?.inputTemplate).toMatch(/^\{"stage": "prod", /);
    const found = events.estats.map((e) => estatsScheduleOf(e)).find((s) => s.name === 'found');
    // CP code 1's group is the listing schedule's; CP code 2 is listed with another delivery,
    // so discovering it makes another group.
    expect(found?.discover?.exclude).toEqual([1, 9]);
  });
});

describe('a stage file (config/<stage>.yml)', () => {
  it('lets the local stage keep the examples, and turns entries into schedule events', () => {
    const path = file(
      'local.yml',
      `estats:\n${estats('        - cpCode: 424242\n')}\nsynthetic:\n  - rate: rate(1 minute)\n    fleet: { name: lab, deviceCount: 1 }\n`,
    );
    const events = scheduleEvents(loadStageConfig(path, 'local'), (fn, s) => `svc-${fn}-${s}`);
    const [event] = events.estats;
    expect(event?.schedule).toMatchObject({ name: 'svc-estats-default', rate: 'rate(2 minutes)' });
    expect(event && estatsScheduleOf(event)).toMatchObject({
      name: 'default',
      intervalSeconds: 120,
      targets: [{ cpCode: 424242 }],
    });
    expect(events.synthetic[0]?.schedule.inputTransformer?.inputTemplate).toBe(
      '{"stage": "local", "time": <time>, "intervalSeconds": 60, "fleet": {"name":"lab","deviceCount":1}}',
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

  it('refuses, when packaging, URL targets with credentials (masked), overlapping targets and CP codes out of range', () => {
    const load = (name: string, targets: string) =>
      loadStageConfig(file(name, `estats:\n${estats(targets)}`), 'prod');
    expect(() =>
      load('creds.yml', '        - url: https://shop:hunter22@shop.acme.test/\n'),
    ).toThrow('estats[0].input: targets[0] url https://***:***@shop.acme.test/ holds credentials');
    expect(() =>
      load('creds.yml', '        - url: https://shop:hunter22@shop.acme.test/\n'),
    ).not.toThrow('hunter22');
    expect(() =>
      load(
        'twice.yml',
        '        - cpCode: 7\n        - cpCode: 7\n          delivery: ENHANCED_TLS\n',
      ),
    ).toThrow(
      'targets[1] (cpCode 7 (ENHANCED_TLS)) reads the same traffic as targets[0] (cpCode 7)',
    );
    expect(() => load('range.yml', '        - cpCode: 0\n')).toThrow(
      'targets[0].cpCode: a CP code is a positive integer',
    );
  });

  it('warns, when packaging, about query parameters that look like secrets', () => {
    const config = loadStageConfig(
      file(
        'token.yml',
        `estats:\n${estats('        - url: https://shop.acme.test/?lang=en&sig=abc\n')}`,
      ),
      'prod',
    );
    expect(config.warnings).toEqual([
      expect.stringContaining(
        'estats[0].input: targets[0] url has query parameter sig, whose value looks like a secret',
      ),
    ]);
  });

  it('names what is wrong: no file, bad YAML, an unknown key, a bad rate, a repeated name', () => {
    expect(() => loadStageConfig(join(dir, 'nope.yml'), 'prod')).toThrow('has no schedule file');
    expect(() => loadStageConfig(file('bad.yml', 'estats: [\n'), 'prod')).toThrow(
      /bad\.yml:\d+:\d+: not valid YAML/,
    );
    expect(() => loadStageConfig(file('key.yml', 'estat: []\n'), 'prod')).toThrow(
      'key.yml:1:1: estat: unknown key "estat" (did you mean "estats"?)',
    );
    expect(() =>
      loadStageConfig(file('rate.yml', 'estats:\n  - rate: every minute\n    input: {}\n'), 'prod'),
    ).toThrow('rate.yml:2:11: estats[0].rate: must be rate(…) or cron(…)');
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
      'slo-bad.yml:9:5: slos[0] (edge).targets[0]: cpCode 2 is in no eStats schedule',
    );
  });
});

/** A stage of `count` URL or CP-code targets per schedule, on the clients given. */
function estate(options: {
  schedules: Array<{
    name: string;
    rate?: string;
    targets: number;
    urls?: boolean;
    client?: string;
  }>;
  clients?: string;
}): string {
  const lines = [options.clients ? `akamai:\n  clients:\n${options.clients}` : '', 'estats:'];
  let next = 1000;
  for (const schedule of options.schedules) {
    lines.push(`  - rate: ${schedule.rate ?? 'rate(5 minutes)'}`);
    if (schedule.client) lines.push(`    ${schedule.client}`);
    lines.push('    input:', `      name: ${schedule.name}`, '      targets:');
    for (let i = 0; i < schedule.targets; i++, next++)
      lines.push(
        schedule.urls
          ? `        - url: https://www.shop-${next}.acme.test/products/catalogue/index.html?lang=en`
          : `        - cpCode: ${next}`,
      );
  }
  return `${lines.filter((l) => l !== '').join('\n')}\n`;
}

const TWO_CLIENTS = [
  '    main:',
  '      secret: pushgate/akamai-main',
  '    second:',
  '      secret: pushgate/akamai-second',
  '      rateLimitPerMinute: 80',
].join('\n');

describe('packaging checks what a stage asks of Akamai, Lambda and EventBridge', () => {
  it('prints the budget table of an estate that fits', () => {
    const config = loadStageConfig(
      file('fits.yml', estate({ schedules: [{ name: 'shop', targets: 60 }] })),
      'prod',
    );
    const table = checkedEstatsBudget(config, 110);
    expect(table).toContain(
      'client default: 40 req/min, 4 kept for other users; schedules ask 12 req/min (30 %)',
    );
    expect(table).toMatch(/shop\s+60\s+300 s\s+12\s+30 %\s+36\s+\d+ s\s+yes/);
  });

  it('counts the maxTargets of a schedule that discovers its CP codes, and warns that its budget is known at run time', () => {
    const path = file(
      'discovers.yml',
      'estats:\n  - rate: rate(5 minutes)\n    input:\n      name: found\n      targets:\n        discover: { product: Site_Accel, match: "^shop-", maxTargets: 60 }\n',
    );
    const config = loadStageConfig(path, 'prod');
    expect(config.estats[0]?.input.discover).toMatchObject({
      product: 'Site_Accel',
      match: '^shop-',
      maxTargets: 60,
      refreshSeconds: 86_400,
    });
    expect(config.warnings.join('\n')).toContain(
      'estats[0] (found) discovers its CP codes at run time: its Akamai budget is known only then. The table counts its maxTargets (60) besides the 0 listed',
    );
    expect(checkedEstatsBudget(config, 110)).toMatch(/found\s+60\s+300 s\s+12\s+30 %/);
    // The function gets the filters, not a list.
    const event = scheduleEvents(config, (fn, s) => `svc-${fn}-${s}`).estats[0];
    expect(event?.schedule.inputTransformer?.inputTemplate).toContain(
      '"discover":{"product":"Site_Accel"',
    );
  });

  it("refuses a deployed stage that still discovers the example's CP codes", () => {
    const path = file(
      'example-discover.yml',
      'estats:\n  - rate: rate(5 minutes)\n    input:\n      name: shop\n      targets:\n        - cpCode: 510001\n      discover: { match: "^example-" }\n',
    );
    expect(() => loadStageConfig(path, 'prod')).toThrow(
      /schedule shop still discovers the example CP codes \(match: "\^example-"\): stage "prod" would ask Akamai for CP codes it does not have/,
    );
    expect(loadStageConfig(path, 'local').estats[0]?.input.discover?.match).toBe('^example-');
  });

  it('refuses a discover section it does not know, naming the field', () => {
    const path = file(
      'bad-discover.yml',
      'estats:\n  - rate: rate(5 minutes)\n    input:\n      targets:\n        discover: { match: "(" , maxTargets: 0 }\n',
    );
    expect(() => loadStageConfig(path, 'prod')).toThrow(
      /discover\.match: must be a regular expression/,
    );
  });

  it('refuses schedules that ask more of a client than its limit, with the numbers and the ways out', () => {
    const config = loadStageConfig(
      file(
        'over.yml',
        estate({
          schedules: [
            { name: 'a', rate: 'rate(2 minutes)', targets: 50 },
            { name: 'b', rate: 'rate(2 minutes)', targets: 40 },
          ],
        }),
      ),
      'prod',
    );
    expect(() => checkedEstatsBudget(config, 900)).toThrow(
      /API client default: its schedules ask 45 requests a minute \(a 25, b 20\), but it allows 40 a minute, 36 after the 4 kept for other users\. Ways out: spread the schedule over another API client/,
    );
  });

  it('refuses a schedule whose worst-case run passes its timeout, then its interval', () => {
    const slow = loadStageConfig(
      file(
        'slow.yml',
        estate({ schedules: [{ name: 'big', rate: 'rate(10 minutes)', targets: 120 }] }),
      ),
      'prod',
    );
    expect(() => checkedEstatsBudget(slow, 110)).toThrow(
      /eStats schedule "big": a run can take up to \d+ s .* but the function times out after 110 s \(107 s after the 3 s kept to report\)\. Ways out: spread its targets over another API client, raise functions.estatsTimeout in the stage file/,
    );
    expect(() => checkedEstatsBudget(slow, 900)).not.toThrow();
    // Answers that take 20 s: thirty requests a minute fit the limit, but not the minute.
    const overlapping = loadStageConfig(
      file(
        'overlap.yml',
        `akamai:\n  answerSeconds: 20\n${estate({ schedules: [{ name: 'tight', rate: 'rate(1 minute)', targets: 30 }] })}`,
      ),
      'prod',
    );
    expect(() => checkedEstatsBudget(overlapping, 900)).toThrow(
      /eStats schedule "tight": a run can take up to \d+ s, longer than its interval of 60 s, so runs would overlap/,
    );
  });

  it('spreads a schedule over several clients by their limits, and grants exactly their secrets', () => {
    const config = loadStageConfig(
      file(
        'spread.yml',
        estate({
          clients: TWO_CLIENTS,
          schedules: [
            {
              name: 'all',
              rate: 'rate(2 minutes)',
              targets: 90,
              client: 'clients: [main, second]',
            },
          ],
        }),
      ),
      'prod',
    );
    const table = checkedEstatsBudget(config, 900);
    // 36 and 72 usable requests a minute: a third of the targets on main, two thirds on second.
    expect(table).toMatch(/client main:[^\n]*\n[^\n]*\n\s+all\s+30\s/);
    expect(table).toMatch(/client second:[^\n]*\n[^\n]*\n\s+all\s+60\s/);
    expect(collectorSecrets(config).estats).toEqual([
      'pushgate/akamai-main',
      'pushgate/akamai-second',
    ]);
    expect(maximumEventAges(config).estats).toBe(120);
  });

  it("gives each schedule's event its first wave per client: the limit less the reserve, divided by targets", () => {
    const config = loadStageConfig(
      file(
        'waves.yml',
        estate({
          clients: TWO_CLIENTS,
          schedules: [
            { name: 'big', targets: 50, client: 'client: main' },
            { name: 'small', targets: 10, client: 'client: main' },
            {
              name: 'both',
              rate: 'rate(10 minutes)',
              targets: 90,
              client: 'clients: [main, second]',
            },
          ],
        }),
      ),
      'prod',
    );
    const waves = Object.fromEntries(
      scheduleEvents(config, (fn, s) => `${fn}-${s}`).estats.map((e) => {
        const schedule = estatsScheduleOf(e);
        return [schedule.name, schedule.firstWave];
      }),
    );
    // main: 36 usable, shared by 50 + 10 + 30 targets (together they fit what it allows at
    // once); second: 72, all for the 60 of "both".
    expect(waves).toEqual({
      big: { main: 20 },
      small: { main: 4 },
      both: { main: 12, second: 72 },
    });
  });

  it('refuses a first wave written in the stage file: packaging sets it', () => {
    const path = file(
      'wave-given.yml',
      'estats:\n  - rate: rate(5 minutes)\n    input:\n      name: x\n      firstWave: { default: 30 }\n      targets:\n        - cpCode: 1\n',
    );
    expect(() => loadStageConfig(path, 'prod')).toThrow(
      /estats\[0\]\.input\.firstWave: packaging sets firstWave from the schedules that share each API client/,
    );
  });

  it('refuses an unknown client, and an .edgerc client on a deployed stage', () => {
    const unknown = file(
      'unknown.yml',
      estate({
        clients: TWO_CLIENTS,
        schedules: [{ name: 'x', targets: 1, client: 'client: third' }],
      }),
    );
    expect(() => loadStageConfig(unknown, 'prod')).toThrow(
      /unknown\.yml:\d+:\d+: estats\[0\]\.client: no API client "third" under akamai\.clients/,
    );
    const local = file(
      'edgerc.yml',
      estate({
        clients: '    laptop:\n      edgercSection: default',
        schedules: [{ name: 'x', targets: 1, client: 'client: laptop' }],
      }),
    );
    expect(() => loadStageConfig(local, 'prod')).toThrow(
      'API client laptop reads an .edgerc section',
    );
  });

  it('refuses a rule name over 64 characters, naming the schedule and how long it may be', () => {
    const config = loadStageConfig(
      file(
        'long.yml',
        estate({
          schedules: [{ name: 'a-schedule-name-that-is-far-too-long-for-eventbridge', targets: 1 }],
        }),
      ),
      'prod',
    );
    expect(() => scheduleEvents(config, (fn, s) => `pushgate-collector-prod-${fn}-${s}`)).toThrow(
      /eStats schedule "a-schedule-name-that-is-far-too-long-for-eventbridge" makes the EventBridge rule name pushgate-collector-prod-estats-a-schedule-name-that-is-far-too-long-for-eventbridge \(83 characters; EventBridge allows 64\)/,
    );
    expect(() => scheduleEvents(config, (fn, s) => `pushgate-collector-prod-${fn}-${s}`)).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('to at most 33 characters') }),
    );
  });

  it('refuses an EventBridge input over 8,192 characters, saying how many targets fit one', () => {
    const config = loadStageConfig(
      file('wide.yml', estate({ schedules: [{ name: 'urls', targets: 120, urls: true }] })),
      'prod',
    );
    let refusal: unknown;
    try {
      scheduleEvents(config, (fn, s) => `${fn}-${s}`);
    } catch (error) {
      refusal = error;
    }
    expect((refusal as Error).message).toMatch(
      /eStats schedule "urls" packages into an EventBridge input of \d+ characters; EventBridge allows 8192/,
    );
    expect((refusal as { hint: string }).hint).toMatch(
      /split its 120 targets over two or more schedules .* \(about \d+ of these fit one\)/,
    );
  });
});

describe('a stage file with several problems', () => {
  it('reports every problem in one run, each at its line and column, with its field', () => {
    // Prepare: six problems in six sections (test/fixtures/stages/six-problems.yml).
    const path = join(__dirname, '..', '..', 'fixtures', 'stages', 'six-problems.yml');

    // Act
    const message = (() => {
      try {
        loadStageConfig(path, 'prod');
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('the stage file was accepted');
    })();

    // Assess: one line per problem, in file order, each naming its place and field.
    const lines = message.split('\n').filter((line) => /six-problems\.yml:\d+:\d+: /.test(line));
    expect(message).toContain('six-problems.yml has 6 problems:');
    expect(
      lines.map((line) => /six-problems\.yml:(\d+):\d+: (\S+)/.exec(line)?.slice(1, 3)),
    ).toEqual([
      ['8', 'estats[0].input.targets[1]:'],
      ['9', 'estats[1].rate:'],
      ['18', 'synthetic[0].fleet.deviceCount:'],
      ['21', 'janitor.dryrun:'],
      ['23', 'links.grafana:'],
      ['28', 'alerting.synthetic.bufferFillAbove:'],
    ]);
    expect(message).toContain('unknown key "dryrun" (did you mean "dryRun"?)');
    expect(message).not.toMatch(/\(root\)|NaN/);
  });

  it('places a problem deep in a long list at its own line', () => {
    const targets = Array.from({ length: 100 }, (_, i) =>
      i === 73 ? "        - cpCode: 'seventy'\n" : `        - cpCode: ${1000 + i}\n`,
    ).join('');
    const path = file('long.yml', `estats:\n${estats(targets)}`);
    // Line 1 `estats:`, 2–5 the schedule up to `targets:`, then one line per target.
    expect(() => loadStageConfig(path, 'prod')).toThrow(
      /long\.yml:79:\d+: estats\[0\]\.input\.targets\[73\]: a target needs exactly one of "cpCode" \(integer\)/,
    );
  });
});
