import { SHARED_ALERTING_DEFAULTS } from '../alerting/config';
import { ESTATS, JOB, LABEL } from '../metrics/catalogue';
import { ESTATS_RECORDED as RECORDED, withTargetName } from '../queries/estats';
import { newestWithin } from '../queries/freshest';
import {
  alertAnnotation,
  cpCodeVariable,
  dashboard,
  instantTable,
  labelVariable,
  stat,
  table,
  target,
  timeseries,
} from './common';
import type { Dashboard } from './model';

const SELECTOR = `${LABEL.job}="${JOB.estats}", ${LABEL.cpCode}=~"$cp_code", ${LABEL.url}=~"$url", ${LABEL.delivery}=~"$delivery"`;
const TARGET_LEGEND = '{{cp_code}}{{url}} {{name}} {{delivery}}';

/** CDN status codes per CP code / URL: replaces the hand-imported "HTTP status code distribution" dashboard. */
export function cdnStatusCodesDashboard(): Dashboard {
  const ratio = (direction: string) =>
    target(
      withTargetName(
        `${RECORDED.statusClassRatio.record}{${SELECTOR}, ${LABEL.direction}="${direction}"}`,
      ),
      `${TARGET_LEGEND} {{status_class}}`,
    );
  return dashboard({
    uid: 'pushgate-cdn-status',
    title: 'CDN status codes (Akamai eStats)',
    description:
      'HTTP status-code mix of Akamai CP codes and URLs from eStats samples (~9 s of traffic every 2 minutes).',
    tags: ['akamai', 'cdn'],
    variables: [
      cpCodeVariable(),
      labelVariable('url', 'URL', ESTATS.up.name, LABEL.url),
      labelVariable('delivery', 'Delivery', ESTATS.up.name, LABEL.delivery),
    ],
    annotations: [alertAnnotation('Akamai.*')],
    rows: [
      {
        title: 'Now',
        panels: [
          stat(
            'Targets reporting',
            { w: 6, h: 4 },
            [target(`sum(${RECORDED.up.record}{${SELECTOR}})`)],
            'none',
            [
              { color: 'red', value: null },
              { color: 'green', value: 1 },
            ],
            'Targets whose last eStats request succeeded.',
          ),
          stat(
            'Worst edge 5xx ratio',
            { w: 6, h: 4 },
            [
              target(
                `max(${RECORDED.statusClassRatio.record}{${SELECTOR}, ${LABEL.direction}="edge", ${LABEL.statusClass}="5xx"})`,
              ),
            ],
            'percentunit',
            [
              { color: 'green', value: null },
              { color: 'orange', value: 0.01 },
              { color: 'red', value: 0.05 },
            ],
          ),
          stat(
            'Edge hits in the last sample',
            { w: 6, h: 4 },
            [target(`sum(${RECORDED.hits.record}{${SELECTOR}, ${LABEL.direction}="edge"})`)],
            'short',
            [{ color: 'blue', value: null }],
          ),
          stat(
            'Sample age',
            { w: 6, h: 4 },
            [
              target(
                `time() - max(${newestWithin(`${ESTATS.sampleTimestamp.name}{${SELECTOR}}`, SHARED_ALERTING_DEFAULTS.collectors.successLookback)})`,
              ),
            ],
            's',
            [
              { color: 'green', value: null },
              { color: 'orange', value: 360 },
              { color: 'red', value: 900 },
            ],
            `Seconds since Akamai completed the newest sample (looked for over the last ${SHARED_ALERTING_DEFAULTS.collectors.successLookback}, so it keeps aging when samples stop arriving by remote write).`,
          ),
        ],
      },
      {
        title: 'Status-code mix',
        panels: [
          timeseries('Edge status-class mix', { w: 12, h: 9 }, [ratio('edge')], 'percentunit', {
            stacked: true,
            max: 1,
            description: 'Share of edge hits per status class (the EstatsMon view).',
          }),
          timeseries('Origin status-class mix', { w: 12, h: 9 }, [ratio('origin')], 'percentunit', {
            stacked: true,
            max: 1,
          }),
        ],
      },
      {
        title: 'Failures and volume',
        panels: [
          timeseries(
            'Failure ratio',
            { w: 12, h: 8 },
            [
              target(
                withTargetName(`${RECORDED.failureRatio.record}{${SELECTOR}}`),
                `${TARGET_LEGEND} {{direction}}`,
              ),
            ],
            'percentunit',
            { max: 1 },
          ),
          timeseries(
            'Hits per sample',
            { w: 12, h: 8 },
            [
              target(
                withTargetName(`${RECORDED.hits.record}{${SELECTOR}}`),
                `${TARGET_LEGEND} {{direction}}`,
              ),
              target(
                withTargetName(`${RECORDED.errors.record}{${SELECTOR}}`),
                `${TARGET_LEGEND} {{direction}} errors`,
                'B',
              ),
            ],
            'short',
          ),
          timeseries(
            'Edge hits per status code',
            { w: 24, h: 8 },
            [
              target(
                `sum by (${LABEL.statusCode}) (${RECORDED.statusHits.record}{${SELECTOR}, ${LABEL.direction}="edge"})`,
                '{{status_code}}',
              ),
            ],
            'short',
            { stacked: true },
          ),
        ],
      },
      {
        title: 'Worst targets now',
        panels: [
          table(
            'Worst targets now (edge 5xx ratio)',
            { w: 12, h: 9 },
            [
              instantTable(
                withTargetName(
                  `topk(10, ${RECORDED.statusClassRatio.record}{${SELECTOR}, ${LABEL.direction}="edge", ${LABEL.statusClass}="5xx"})`,
                ),
              ),
            ],
            'percentunit',
          ),
          table(
            'Top error edge IPs',
            { w: 12, h: 9 },
            [instantTable(`topk(20, ${RECORDED.topErrorEdgeIpHits.record}{${SELECTOR}})`)],
            'short',
            'Edge servers with the most error hits in the last sample (top N per target and direction).',
          ),
        ],
      },
    ],
  });
}
