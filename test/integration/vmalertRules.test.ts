import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { shippedRules } from '../../src/deploy/stage/alerting';
import { DEFAULT_ALERTING_CONFIG } from '../../src/deploy/stage/alerting';
import { renderRules } from '../../src/alerting/render';
import { handler as estatsHandler } from '../../src/handlers/estats';
import type { EstatsSimulator } from '../../dev/simulators/akamai/server';
import { startAkamaiStandin } from '../../dev/simulators/akamai/standin';
import {
  launchAlertmanager,
  launchVictoriaMetrics,
  launchVmalert,
  type RunningBinary,
} from '../../dev/launchers';
import { captureStdout, remoteWriteEnv, withEnv } from '../helpers/env';
import { lambdaContext } from '../helpers/lambdaContext';

/**
 * The rules a remote-write stage ships, evaluated where VictoriaMetrics users evaluate them:
 * the real vmalert (Debian's victoria-metrics) on what the collectors wrote to the real
 * VictoriaMetrics, sending its alerts to the real Alertmanager. The incident alerts' `for` is
 * cut to seconds; schedule intervals stay real, so nothing may look stale within the test.
 */
const dir = mkdtempSync(join(tmpdir(), 'vmalert-'));
let victoria: RunningBinary;
let alertmanager: RunningBinary | undefined;
let vmalert: RunningBinary | undefined;
let akamai: EstatsSimulator;
let edgercPath: string;

beforeAll(async () => {
  victoria = await launchVictoriaMetrics({ storagePath: join(dir, 'victoria') });
  ({ akamai, edgercPath } = await startAkamaiStandin());
});
afterAll(async () => {
  await vmalert?.stop();
  await alertmanager?.stop();
  await victoria?.stop();
  await akamai?.stop();
});

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  status: { state: string };
}

async function alertsInAlertmanager(url: string): Promise<AmAlert[]> {
  return (await (await fetch(`${url}/api/v2/alerts`)).json()) as AmAlert[];
}

it('fires the incident alert from what remote write stored, and the run keeps its schedule from looking silent', async () => {
  akamai.setBehaviour({ cpCode: 555 }, { kind: 'incident', edge5xxRatio: 0.5 });
  const { error } = await withEnv(remoteWriteEnv(victoria.url, edgercPath), () =>
    captureStdout(() =>
      estatsHandler(
        { name: 'vm-rules', targets: [{ cpCode: 555 }, { cpCode: 556 }] },
        lambdaContext(),
      ),
    ),
  );
  expect(error).toBeUndefined();
  await fetch(`${victoria.url}/internal/force_flush`);

  const receiver = `vmalert-test-${process.pid}`;
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    stringify({ route: { receiver }, receivers: [{ name: receiver }] }),
  );
  alertmanager = await launchAlertmanager({
    configFile: join(dir, 'alertmanager.yml'),
    storagePath: join(dir, 'alertmanager'),
    configMarker: receiver,
  });
  const quickIncidents = structuredClone(DEFAULT_ALERTING_CONFIG);
  for (const ratio of ['edge5xxRatio', 'edgeFailureRatio', 'originFailureRatio'] as const)
    quickIncidents.estats[ratio].for = '3s';
  const ruleFile = join(dir, 'rules.yml');
  writeFileSync(
    ruleFile,
    renderRules(
      shippedRules(quickIncidents, [], {
        sinks: ['remote-write'],
        schedules: { akamai_estats: ['vm-rules'] },
      }),
    ),
  );
  vmalert = await launchVmalert({
    ruleFile,
    victoriaMetricsUrl: victoria.url,
    alertmanagerUrl: alertmanager.url,
    evaluationInterval: '1s',
  });

  const amUrl = alertmanager.url;
  let alerts: AmAlert[] = [];
  for (let i = 0; i < 120; i++) {
    alerts = await alertsInAlertmanager(amUrl);
    if (alerts.some((a) => a.labels.alertname === 'AkamaiEdge5xxRatioHigh')) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  // The incident fires (its `for` passed) for its CP code only, with its annotations rendered
  // by vmalert's templates; its edge and origin failure ratios may fire with it.
  const edge5xx = alerts.find((a) => a.labels.alertname === 'AkamaiEdge5xxRatioHigh');
  expect(edge5xx?.status.state).toBe('active');
  expect(edge5xx?.labels).toMatchObject({ cp_code: '555', severity: 'critical', team: 'cdn' });
  expect(edge5xx?.annotations.summary).toMatch(/^Edge 5xx ratio 5\d(\.\d+)?% for CP code 555$/);
  expect(alerts.filter((a) => a.labels.cp_code !== '555')).toEqual([]);
  // Nothing looks stale, not even pending: the run's success and samples were read back.
  const evaluated = (await (await fetch(`${vmalert.url}/api/v1/alerts`)).json()) as {
    data: { alerts: Array<{ name: string; state: string }> | null };
  };
  const names = (evaluated.data.alerts ?? []).map((a) => `${a.name} ${a.state}`);
  expect(names).toContain('AkamaiEdge5xxRatioHigh firing');
  expect(names.filter((n) => /Stale|Silent/.test(n))).toEqual([]);
});
