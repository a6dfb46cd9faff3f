import { ESTATS_RECORDED, CP_CODE_VARIABLE_REGEX } from '../queries/estats';
import { JOB, LABEL } from '../metrics/catalogue';
import {
  TRAFFIC_CP_CODES_WITH_NAMES,
  TRAFFIC_RECORDED as RECORDED,
  withCpCodeName,
} from '../queries/traffic';
import { BUCKET_SECONDS } from '../traffic/report';
import {
  alertAnnotation,
  dashboard,
  instantTable,
  labelVariable,
  stat,
  table,
  target,
  timeseries,
} from './common';
import type { Dashboard } from './model';

const SELECTOR = `${LABEL.job}="${JOB.traffic}", ${LABEL.cpCode}=~"$cp_code"`;
const LEGEND = '{{cp_code}} {{name}}';
const edge = `${LABEL.direction}="edge"`;
const origin = `${LABEL.direction}="origin"`;
/** Hits or bytes of a 5-minute bucket, per second. */
const perSecond = (expr: string) => `${expr} / ${BUCKET_SECONDS}`;

/**
 * CDN traffic per CP code from the Reporting API: volume, offload and, beside them, the eStats
 * status-code mix of the same CP codes, so one row shows a CP code's volume, offload and errors.
 */
export function cdnTrafficDashboard(): Dashboard {
  return dashboard({
    uid: 'pushgate-cdn-traffic',
    title: 'CDN traffic (Akamai Reporting)',
    description:
      'Hits, bytes and offload per CP code in 5-minute buckets (Akamai Reporting API v2, delivery/traffic/current), each bucket written once it is final (about 20 minutes after its end).',
    tags: ['akamai', 'cdn'],
    variables: [
      labelVariable('cp_code', 'CP code', RECORDED.up.record, LABEL.cpCode)
        .query(`query_result(${TRAFFIC_CP_CODES_WITH_NAMES})`)
        .regex(CP_CODE_VARIABLE_REGEX),
    ],
    annotations: [alertAnnotation('AkamaiTraffic.*')],
    rows: [
      {
        title: 'Now',
        panels: [
          stat(
            'CP codes reporting',
            { w: 6, h: 4 },
            [target(`sum(${RECORDED.up.record}{${SELECTOR}})`)],
            'none',
            [
              { color: 'red', value: null },
              { color: 'green', value: 1 },
            ],
            'CP codes whose last traffic run brought their buckets.',
          ),
          stat(
            'Edge hits per second',
            { w: 6, h: 4 },
            [target(perSecond(`sum(${RECORDED.hits.record}{${SELECTOR}, ${edge}})`))],
            'reqps',
            [{ color: 'blue', value: null }],
          ),
          stat(
            'Hit offload',
            { w: 6, h: 4 },
            [
              target(
                `1 - sum(${RECORDED.hits.record}{${SELECTOR}, ${origin}}) / sum(${RECORDED.hits.record}{${SELECTOR}, ${edge}})`,
              ),
            ],
            'percentunit',
            [
              { color: 'red', value: null },
              { color: 'orange', value: 0.5 },
              { color: 'green', value: 0.8 },
            ],
            "Share of the selected CP codes' edge hits Akamai served without the origin, in their newest buckets.",
          ),
          stat(
            'Data age',
            { w: 6, h: 4 },
            [target(`time() - max(${RECORDED.bucketEnd.record}{${SELECTOR}})`)],
            's',
            [
              { color: 'green', value: null },
              { color: 'orange', value: 1800 },
              { color: 'red', value: 2700 },
            ],
            'Seconds since the newest bucket ended: about 20 minutes when all is well (a bucket is written once final).',
          ),
        ],
      },
      {
        title: 'Volume, offload and errors per CP code',
        panels: [
          timeseries(
            'Edge hits per second',
            { w: 8, h: 9 },
            [
              target(
                withCpCodeName(perSecond(`${RECORDED.hits.record}{${SELECTOR}, ${edge}}`)),
                LEGEND,
              ),
            ],
            'reqps',
          ),
          timeseries(
            'Hit offload',
            { w: 8, h: 9 },
            [target(withCpCodeName(`${RECORDED.hitOffload.record}{${SELECTOR}}`), LEGEND)],
            'percentunit',
            { max: 1, description: 'Share of edge hits served without the origin.' },
          ),
          timeseries(
            'Edge 5xx ratio (eStats)',
            { w: 8, h: 9 },
            [
              target(
                `max by (${LABEL.cpCode}) (${ESTATS_RECORDED.statusClassRatio.record}{${LABEL.job}="${JOB.estats}", ${LABEL.cpCode}=~"$cp_code", ${edge}, ${LABEL.statusClass}="5xx"})`,
                '{{cp_code}}',
              ),
            ],
            'percentunit',
            {
              max: 1,
              description:
                "The same CP codes' edge 5xx share from the eStats samples (the CDN status codes dashboard has the whole mix).",
            },
          ),
        ],
      },
      {
        title: 'Bytes and origin',
        panels: [
          timeseries(
            'Bytes per second',
            { w: 8, h: 8 },
            [
              target(
                withCpCodeName(perSecond(`${RECORDED.bytes.record}{${SELECTOR}}`)),
                `${LEGEND} {{direction}}`,
              ),
            ],
            'Bps',
          ),
          timeseries(
            'Origin hits per second',
            { w: 8, h: 8 },
            [
              target(
                withCpCodeName(perSecond(`${RECORDED.hits.record}{${SELECTOR}, ${origin}}`)),
                LEGEND,
              ),
            ],
            'reqps',
          ),
          timeseries(
            'Byte offload',
            { w: 8, h: 8 },
            [target(withCpCodeName(`${RECORDED.byteOffload.record}{${SELECTOR}}`), LEGEND)],
            'percentunit',
            { max: 1 },
          ),
        ],
      },
      {
        title: 'Lowest offload now',
        panels: [
          table(
            'Lowest hit offload now',
            { w: 24, h: 8 },
            [
              instantTable(
                withCpCodeName(`bottomk(10, ${RECORDED.hitOffload.record}{${SELECTOR}})`),
              ),
            ],
            'percentunit',
          ),
        ],
      },
    ],
  });
}
