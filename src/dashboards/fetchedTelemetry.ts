import { LABEL, SCRAPE_REPORT } from '../metrics/catalogue';
import {
  alertAnnotation,
  dashboard,
  labelVariable,
  stateTimeline,
  target,
  timeseries,
} from './common';
import type { Dashboard } from './model';

/**
 * What the scrape function fetched: its targets (up, how long a fetch takes of its timeout,
 * samples against the limit), interfaces as snmp_exporter's if_mib module names them, and
 * probes as blackbox_exporter's. The interface and probe panels read the exporters' own
 * metric names, so they show a switch or a probe whichever way it reached Prometheus.
 */
const JOB_INSTANCE = `${LABEL.job}=~"$job", instance=~"$instance"`;
/** Only targets the scrape function delivered: their job and instance have a push time. */
const OURS = 'and on(job, instance) push_time_seconds';
const LEGEND = '{{instance}}';
/** The scrape schedules run every minute: five of their samples. */
const RATE = '5m';

export function fetchedTelemetryDashboard(): Dashboard {
  const rate = (metric: string) => `rate(${metric}{${JOB_INSTANCE}}[${RATE}])`;
  const interfaceLegend = '{{instance}} {{ifName}}';
  return dashboard({
    uid: 'pushgate-fetched',
    title: 'Fetched telemetry',
    description:
      "Prometheus endpoints the scrape function fetches: targets, switch interfaces (snmp_exporter's if_mib) and probes (blackbox_exporter).",
    tags: ['devices', 'network', 'probes'],
    variables: [
      labelVariable('job', 'Job', SCRAPE_REPORT.sampleLimit, LABEL.job),
      labelVariable('instance', 'Target', SCRAPE_REPORT.sampleLimit, 'instance'),
    ],
    annotations: [alertAnnotation('Scrape.*')],
    rows: [
      {
        title: 'Targets',
        panels: [
          stateTimeline(
            'Targets up',
            { w: 24, h: 8 },
            [target(`${SCRAPE_REPORT.up}{${JOB_INSTANCE}} ${OURS}`, LEGEND)],
            [
              { value: '1', text: 'up', color: 'green' },
              { value: '0', text: 'down', color: 'red' },
            ],
          ),
          timeseries(
            'Fetch time against the timeout',
            { w: 12, h: 8 },
            [
              target(
                `${SCRAPE_REPORT.duration}{${JOB_INSTANCE}} / ${SCRAPE_REPORT.timeout}{${JOB_INSTANCE}} ${OURS}`,
                LEGEND,
              ),
            ],
            'percentunit',
            { max: 1, description: 'At 100 % the fetch times out and the target is down.' },
          ),
          timeseries(
            'Samples against the limit',
            { w: 12, h: 8 },
            [
              target(`${SCRAPE_REPORT.samplesKept}{${JOB_INSTANCE}} ${OURS}`, `${LEGEND} kept`),
              target(
                `${SCRAPE_REPORT.sampleLimit}{${JOB_INSTANCE}} > 0 ${OURS}`,
                `${LEGEND} limit`,
                'B',
              ),
            ],
            'short',
            {
              description: 'Over the limit, nothing of the body is pushed and the target is down.',
            },
          ),
        ],
      },
      {
        title: 'Interfaces (snmp_exporter if_mib)',
        panels: [
          timeseries(
            'Interface traffic',
            { w: 12, h: 8 },
            [
              target(`${rate('ifHCInOctets')} * 8`, `${interfaceLegend} in`),
              target(`${rate('ifHCOutOctets')} * 8`, `${interfaceLegend} out`, 'B'),
            ],
            'bps',
          ),
          timeseries(
            'Interface utilisation',
            { w: 12, h: 8 },
            [
              target(
                `${rate('ifHCInOctets')} * 8\n/ on(job, instance, ifIndex) (ifHighSpeed{${JOB_INSTANCE}} * 1e6 > 0)`,
                `${interfaceLegend} in`,
              ),
              target(
                `${rate('ifHCOutOctets')} * 8\n/ on(job, instance, ifIndex) (ifHighSpeed{${JOB_INSTANCE}} * 1e6 > 0)`,
                `${interfaceLegend} out`,
                'B',
              ),
            ],
            'percentunit',
            { max: 1 },
          ),
          timeseries(
            'Interface errors',
            { w: 12, h: 8 },
            [
              target(rate('ifInErrors'), `${interfaceLegend} in`),
              target(rate('ifOutErrors'), `${interfaceLegend} out`, 'B'),
            ],
            'pps',
          ),
          stateTimeline(
            'Interface oper status',
            { w: 12, h: 8 },
            [target(`ifOperStatus{${JOB_INSTANCE}}`, interfaceLegend)],
            // IF-MIB ifOperStatus.
            [
              { value: '1', text: 'up', color: 'green' },
              { value: '2', text: 'down', color: 'red' },
              { value: '3', text: 'testing', color: 'yellow' },
              { value: '5', text: 'dormant', color: 'blue' },
              { value: '7', text: 'lower layer down', color: 'orange' },
            ],
          ),
        ],
      },
      {
        title: 'Probes (blackbox_exporter)',
        panels: [
          stateTimeline(
            'Probe success',
            { w: 12, h: 8 },
            [target(`probe_success{${JOB_INSTANCE}}`, LEGEND)],
            [
              { value: '1', text: 'success', color: 'green' },
              { value: '0', text: 'failed', color: 'red' },
            ],
          ),
          timeseries(
            'Probe phases',
            { w: 12, h: 8 },
            [target(`probe_http_duration_seconds{${JOB_INSTANCE}}`, `${LEGEND} {{phase}}`)],
            's',
            { description: 'resolve, connect, tls, processing (to the first byte), transfer.' },
          ),
          timeseries(
            'Certificate expiry',
            { w: 24, h: 8 },
            [target(`probe_ssl_earliest_cert_expiry{${JOB_INSTANCE}} - time()`, LEGEND)],
            's',
            { description: 'Time left until the earliest certificate of the chain expires.' },
          ),
        ],
      },
    ],
  });
}
