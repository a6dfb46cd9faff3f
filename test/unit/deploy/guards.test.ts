import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkDestinations,
  isExampleHost,
  isLocalOnly,
  type StageDestinations,
} from '../../../src/deploy/guards';
import { loadStageConfig } from '../../../src/deploy/stage';
import { writeStageConfig } from '../../helpers/stageConfig';
import { REPO_ROOT } from '../../helpers/runProcess';
import { refusalText } from '../../helpers/refusal';

const REAL: StageDestinations = {
  sinks: 'pushgateway',
  pushgatewayUrl: 'https://pushgateway.acme.test:9091',
  remoteWriteUrl: '',
  graphiteHost: '',
};
const refusal = (params: Partial<StageDestinations>) => {
  try {
    checkDestinations('prod', { ...REAL, ...params });
  } catch (error) {
    const { message, hint } = error as Error & { hint?: string };
    return `${message}. ${hint ?? ''}`;
  }
  return 'accepted';
};

describe('hosts packaging refuses', () => {
  it.each(['localhost', 'api.localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', '0.0.0.0'])(
    '%s is this machine',
    (host) => expect(isLocalOnly(host)).toBe(true),
  );
  it.each(['pushgateway.internal', '10.0.0.5', '128.0.0.1', 'localhost.acme.test'])(
    '%s is not',
    (host) => expect(isLocalOnly(host)).toBe(false),
  );
  it.each(['example.com', 'pgw.example.net', 'a.b.example.org', 'grafana.example', 'x.invalid'])(
    '%s is an example',
    (host) => expect(isExampleHost(host)).toBe(true),
  );
  it.each(['example.co', 'myexample.com', 'examples.net', 'shop.acme.test'])('%s is not', (host) =>
    expect(isExampleHost(host)).toBe(false),
  );
});

describe("a stage's sink settings, when packaging a stage but local", () => {
  it('accepts real destinations, several Pushgateways included', () => {
    expect(refusal({})).toBe('accepted');
    expect(
      refusal({
        sinks: 'pushgateway,remote-write,graphite',
        pushgatewayUrl: 'https://pg-a.internal:9091, https://pg-b.internal:9091',
        remoteWriteUrl: 'https://mimir.internal/api/v1/push',
        graphiteHost: 'carbon.internal:2003',
      }),
    ).toBe('accepted');
    // An unused sink's address is not checked: only the sinks named deliver.
    expect(refusal({ graphiteHost: 'localhost:2003' })).toBe('accepted');
  });

  it.each([
    [
      { pushgatewayUrl: 'http://127.0.0.1:9091' },
      'http://127.0.0.1:9091 (the default) is loopback',
      'set functions.pushgatewayUrl in the stage file',
    ],
    [
      { pushgatewayUrl: 'https://pg.internal:9091,http://localhost:9091' },
      'http://localhost:9091 is loopback',
      '--param="pushgatewayUrl=',
    ],
    [{ pushgatewayUrl: 'https://pgw.example.net' }, 'an example domain', 'pushgatewayUrl'],
    [
      { pushgatewayUrl: '' },
      'delivers to a Pushgateway, but pushgatewayUrl is empty',
      'functions.pushgatewayUrl',
    ],
    [
      { pushgatewayUrl: 'pgw:9091' },
      'is not an absolute http:// or https:// URL',
      'pushgatewayUrl',
    ],
    [
      { sinks: 'remote-write' },
      'names remote-write, but remoteWriteUrl is empty',
      'or leave remote-write out of sinks',
    ],
    [
      { sinks: 'remote-write', remoteWriteUrl: 'http://[::1]:9009/api/v1/push' },
      'http://[::1]:9009/api/v1/push is loopback',
      'remoteWriteUrl',
    ],
    [{ sinks: 'graphite' }, 'names graphite, but graphiteHost is empty', 'functions.graphiteHost'],
    [
      { sinks: 'graphite', graphiteHost: '127.0.0.1:2003' },
      '127.0.0.1:2003 is loopback',
      'graphiteHost',
    ],
    [{ sinks: 'pushgateway,influx' }, 'names unknown sink(s) influx', 'choose from'],
  ])('refuses %j: "%s"', (params, message, fix) => {
    const text = refusal(params);
    expect(text).toContain(message);
    expect(text).toContain(fix);
    expect(text).not.toContain('serverless.yml');
  });
});

describe("a stage file's links and on-call webhook, off the local stage", () => {
  const local = readFileSync(join(REPO_ROOT, 'config', 'local.yml'), 'utf8');

  it('keeps localhost links and the made-up on-call webhook on the local stage only', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'guards-')), 'local.yml');
    writeFileSync(file, local);
    expect(loadStageConfig(file, 'local').links.grafana).toBe('http://localhost:3000');
    expect(loadStageConfig(writeStageConfig(), 'prod').links.grafana).toBe(
      'https://grafana.acme.test',
    );
  });

  it.each([
    [
      (text: string) => text.replace('https://grafana.acme.test', 'http://localhost:3000'),
      'links.grafana is http://localhost:3000, which no responder can open',
      'set links.grafana',
    ],
    [
      (text: string) => text.replace('https://prometheus.acme.test', 'https://prom.example.com'),
      'links.prometheus is https://prom.example.com',
      'or delete it',
    ],
    [
      (text: string) => text.replace(/\nalerting:[\s\S]*$/, '\n'),
      'alerting.routing.oncall.webhookUrl is http://oncall-bridge:8080/alertmanager, the made-up default',
      '"oncall: false"',
    ],
    [
      (text: string) =>
        text.replace('https://oncall.acme.test/alertmanager', 'https://pager.example.org/am'),
      'alerting.routing.oncall.webhookUrl is https://pager.example.org/am, an example domain',
      'your on-call bridge',
    ],
  ])('refuses the stage file %#: "%s"', (edit, message, fix) => {
    const file = writeStageConfig(edit);
    const text = refusalText(() => loadStageConfig(file, 'prod'));
    expect(text).toMatch(/stage\.yml:\d+:\d+: /);
    expect(text).toContain(message);
    expect(text).toContain(fix);
  });

  it('accepts a stage that turns the on-call webhook off', () => {
    const file = writeStageConfig((text) =>
      text.replace(/^ {4}oncall: \{[^}]*\}/m, '    oncall: false'),
    );
    expect(loadStageConfig(file, 'prod').alerting.routing.oncall).toBe(false);
  });
});

describe('schedule expressions EventBridge would refuse', () => {
  it.each([
    ['estats', (t: string) => t.replace('rate(2 minutes)', 'rate(2 minute)'), 'estats[0].rate'],
    [
      'synthetic',
      (t: string) => t.replace('rate(1 minute)', 'cron(* * * * *)'),
      'synthetic[0].rate',
    ],
    [
      'janitor',
      (t: string) => t.replace('rate: rate(1 hour)', 'rate: rate(0 hours)'),
      'janitor.rate',
    ],
  ])('are refused when packaging, for %s schedules too', (_job, edit, field) => {
    expect(() => loadStageConfig(writeStageConfig(edit), 'prod')).toThrow(
      new RegExp(`stage\\.yml:\\d+:\\d+: ${field.replace(/[[\].]/g, '\\$&')}: schedule`),
    );
  });
});
