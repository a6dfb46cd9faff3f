import { SLO_ALERTS } from '../alerting/rules/slo';
import { SLO_LABEL, SLO_SERIES } from '../queries/slo';
import { SLO_WINDOWS } from '../alerting/slo';
import { LABEL } from '../metrics/catalogue';
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

const SELECTOR = `${SLO_LABEL.slo}=~"$slo", ${LABEL.cpCode}=~"$cp_code", ${LABEL.url}=~"$url"`;
const LEGEND = '{{slo}} · {{cp_code}}{{url}} {{delivery}}';

/** Error ratio over each SLO's own window (28 or 30 days), for the selected SLOs. */
const WINDOW_ERROR_RATIO = SLO_WINDOWS.map(
  (window) => `${SLO_SERIES.errorRatio(window)}{${SELECTOR}, ${SLO_LABEL.window}="${window}"}`,
).join(' or ');

/** The SLOs of the stage files (config/<stage>.yml `slos:`): SLI, budget left, burn rates. */
export function cdnSlosDashboard(): Dashboard {
  const burn = (window: string, refId: string) =>
    target(`${SLO_SERIES.burnRate(window)}{${SELECTOR}}`, `${LEGEND} ${window}`, refId);
  return dashboard({
    uid: 'pushgate-cdn-slos',
    title: 'CDN SLOs',
    description:
      'Service level objectives of Akamai CP codes and URLs (slos: in the stage file): hit-weighted SLI (hits not 5xx), error budget left over the SLO window, and the burn rates the AkamaiSloFastBurn / AkamaiSloSlowBurn alerts watch.',
    tags: ['akamai', 'cdn', 'slo'],
    variables: [
      labelVariable('slo', 'SLO', SLO_SERIES.objective, SLO_LABEL.slo),
      labelVariable('cp_code', 'CP code', SLO_SERIES.objective, LABEL.cpCode),
      labelVariable('url', 'URL', SLO_SERIES.objective, LABEL.url),
    ],
    annotations: [alertAnnotation(Object.values(SLO_ALERTS).join('|'))],
    rows: [
      {
        title: 'Error budget',
        panels: [
          stat(
            'Error budget left',
            { w: 12, h: 6 },
            [target(`${SLO_SERIES.errorBudgetRemaining}{${SELECTOR}}`, LEGEND)],
            'percentunit',
            [
              { color: 'red', value: null },
              { color: 'orange', value: 0.25 },
              { color: 'green', value: 0.5 },
            ],
            'Share of the error budget not yet spent over the SLO window (28 or 30 days); below 0 the objective is missed.',
          ),
          table(
            'SLI over the SLO window, against the objective',
            { w: 12, h: 6 },
            [
              instantTable(`1 - (${WINDOW_ERROR_RATIO})`, 'A'),
              instantTable(`${SLO_SERIES.objective}{${SELECTOR}}`, 'B'),
            ],
            'percentunit',
            'Share of hits not 5xx over each SLO window (A), and the objective that applies to each target (B).',
          ),
        ],
      },
      {
        title: 'SLI',
        panels: [
          timeseries(
            'SLI (1 h) and objective',
            { w: 24, h: 8 },
            [
              target(`1 - ${SLO_SERIES.errorRatio('1h')}{${SELECTOR}}`, `${LEGEND} SLI`),
              target(
                `${SLO_SERIES.objective}{${SELECTOR}}`,
                '{{slo}} · {{cp_code}}{{url}} objective',
                'B',
              ),
            ],
            'percentunit',
            { max: 1, description: 'Hits not 5xx over the last hour, hit-weighted.' },
          ),
        ],
      },
      {
        title: 'Burn rates',
        panels: [
          timeseries(
            'Burn rate: page windows (1 h, 6 h)',
            { w: 12, h: 8 },
            [burn('1h', 'A'), burn('6h', 'B')],
            'suffix:×',
            {
              description:
                '1× spends the budget exactly over the SLO window. AkamaiSloFastBurn pages above 14.4× over 1 h (and 5 m) or 6× over 6 h (and 30 m), for a 30-day SLO.',
            },
          ),
          timeseries(
            'Burn rate: ticket windows (1 d, 3 d)',
            { w: 12, h: 8 },
            [burn('1d', 'A'), burn('3d', 'B')],
            'suffix:×',
            {
              description:
                'AkamaiSloSlowBurn opens a ticket above 3× over 1 d (and 2 h) or 1× over 3 d (and 6 h), for a 30-day SLO.',
            },
          ),
        ],
      },
      {
        title: 'History',
        panels: [
          timeseries(
            'Error budget left over time',
            { w: 24, h: 8 },
            [target(`${SLO_SERIES.errorBudgetRemaining}{${SELECTOR}}`, LEGEND)],
            'percentunit',
          ),
        ],
      },
    ],
  });
}
