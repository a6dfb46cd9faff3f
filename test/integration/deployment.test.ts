import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseEstatsSchedule } from '../../src/akamai/targets';
import { resolveTickSeconds } from '../../src/config/synthetic';
import { parseFleet } from '../../src/synthetic/fleetConfig';

/** What ships in serverless.yml and infra/ must be valid for the tools that read it. */
const root = join(__dirname, '..', '..');

function serverlessPrint(stage: string): Record<string, unknown> {
  const result = spawnSync('npx', ['serverless', 'print', '--format', 'json', '--stage', stage], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`serverless print failed:\n${result.stdout}${result.stderr}`);
  return JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as Record<string, unknown>;
}

interface Config {
  functions: Record<
    string,
    {
      handler: string;
      timeout: number;
      environment?: Record<string, string>;
      events: Array<{ schedule?: { rate: string[]; input?: unknown } }>;
    }
  >;
  provider: { environment: Record<string, string> };
}

describe('deployment configuration', () => {
  const dev = serverlessPrint('dev') as unknown as Config;

  it('schedules eStats every 2 minutes with inputs our schema accepts', () => {
    const estats = dev.functions.estats;
    expect(estats?.handler).toBe('src/handlers/estats.handler');
    const schedules = estats?.events.map((e) => e.schedule).filter((s) => s !== undefined) ?? [];
    expect(schedules.length).toBeGreaterThan(0);
    for (const schedule of schedules) {
      expect(schedule.rate).toEqual(['rate(2 minutes)']);
      expect(() => parseEstatsSchedule(schedule.input)).not.toThrow();
    }
  });

  it('runs the synthetic fleet every minute with the tick time and a fleet our schema accepts', () => {
    const schedule = dev.functions.synthetic?.events[0]?.schedule as unknown as {
      rate: string[];
      inputTransformer: { inputPathsMap: Record<string, string>; inputTemplate: string };
    };
    expect(schedule.rate).toEqual(['rate(1 minute)']);
    expect(schedule.inputTransformer.inputPathsMap).toEqual({ time: '$.time' });
    // EventBridge substitutes <time> with the quoted ISO time of the tick.
    const event = JSON.parse(
      schedule.inputTransformer.inputTemplate.replace('<time>', '"2026-11-20T10:00:00Z"'),
    ) as { time: string; fleet: unknown };
    expect(resolveTickSeconds(event).seconds).toBe(Date.parse('2026-11-20T10:00:00Z') / 1000);
    expect(parseFleet(event.fleet).devices).toHaveLength(2);
  });

  it('reads Akamai credentials from Secrets Manager in the cloud, from .edgerc on the local stage', () => {
    expect(dev.functions.estats?.environment?.AKAMAI_SECRET_ID).toBe(
      'pushgate-collector/akamai-edgegrid',
    );
    const local = serverlessPrint('local') as unknown as Config;
    expect(local.functions.estats?.environment?.AKAMAI_SECRET_ID).toBeUndefined();
  });

  it('ships a Prometheus config that promtool accepts', () => {
    const result = spawnSync(
      'promtool',
      ['check', 'config', join(root, 'infra/prometheus/prometheus.yml')],
      { encoding: 'utf8' },
    );
    expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
