import { ESTATS, JOB, LABEL } from '../../metrics/catalogue';
import { GROUP_KINDS } from '../../metrics/groups';
import { TARGET_LABELS } from '../../queries/estats';
import { SLO_LABEL, SLO_SERIES } from '../../queries/slo';
import { freshest } from '../../queries/freshest';
import { anyOf, exactRegex, on, quote } from '../../queries/promql';
import type { RecordedSeries } from '../../queries/recorded';
import { ConfigurationError } from '../../shared/errors';
import { type AlertGroupDefinition, recordingRule } from '../builders';
import type { AlertingConfig, BurnRateAlert } from '../config';
import { parseDuration } from '../duration';
import type { Slo, SloSubject, SloWindow } from '../slo';
import type { RuleGroup } from '../types';
import { TARGET_TEXT } from './text';

/**
 * SLOs → recording rules and multi-window multi-burn-rate alerts (Sloth's and Pyrra's model,
 * from our typed definitions). Per SLO, two series per target carry its label `slo`: the hits
 * of each eStats sample and the 5xx hits among them. Every window's error ratio is then
 * sum(bad) / sum(all) over the window: hit-weighted, so a quiet hour weighs less than a busy one.
 */

/** An SLI series and its objective meet on these: a CP code or URL of one SLO. */
const ON_SUBJECT = `on(${SLO_LABEL.slo}, ${LABEL.cpCode}, ${LABEL.url})`;
const BY_TARGET = `by (${[...TARGET_LABELS, LABEL.direction].join(', ')})`;

export const SLO_ALERTS = { page: 'AkamaiSloFastBurn', ticket: 'AkamaiSloSlowBurn' } as const;

/** Burn rate at which a pair fires: budget share × SLO window ÷ long window (14.4 for 2 % in 1 h of 30 d). */
export function burnRateThreshold(window: SloWindow, long: string, budgetConsumed: number): number {
  const ratio = ((parseDuration(window) ?? 0) / (parseDuration(long) ?? 1)) * budgetConsumed;
  return Math.round(ratio * 1e4) / 1e4;
}

function subjectMatchers(subjects: readonly SloSubject[]): string[] {
  const cpCodes = subjects.flatMap((s) => ('cpCode' in s ? [String(s.cpCode)] : []));
  const urls = subjects.flatMap((s) => ('url' in s ? [s.url] : []));
  return [
    ...(cpCodes.length ? [`${LABEL.cpCode}=~${exactRegex(cpCodes)}`] : []),
    ...(urls.length ? [`${LABEL.url}=~${exactRegex(urls)}`] : []),
  ];
}

/** The two sample series of one SLO: hits, and 5xx hits (0 when a sample had none). */
function sampleRules(slo: Slo): RuleGroup['rules'] {
  const labels = { [SLO_LABEL.slo]: slo.name, [SLO_LABEL.window]: slo.window };
  const base = `${LABEL.job}=${quote(JOB.estats)},${LABEL.direction}=${quote(slo.direction)}`;
  const selectors = subjectMatchers(slo.targets.map((t) => t.subject));
  // Each sample is the freshest copy of its targets' series, kept here rather than read from
  // the akamai-estats group's records: groups run independently, and a sample read from
  // another group would enter the windows an evaluation late.
  const select = (metric: string, extra = '') => {
    const series = selectors.map((matcher) => `${metric}{${base},${matcher}${extra}}`);
    const subjects = series.length === 1 ? (series[0] as string) : `(${series.join(' or ')})`;
    return `sum ${BY_TARGET} (${freshest(subjects, GROUP_KINDS.estatsTarget)})`;
  };
  const hits = select(ESTATS.hits.name);
  const bad = select(ESTATS.statusHits.name, `,${LABEL.statusClass}="5xx"`);
  return [
    recordingRule(SLO_SERIES.hits, hits, labels),
    // A sample without 5xx has no 5xx series: count it as 0, or the ratio would skip it.
    recordingRule(
      SLO_SERIES.badHits,
      `${bad}\nor ${on([...TARGET_LABELS, LABEL.direction])} 0 * ${SLO_SERIES.hits}{${SLO_LABEL.slo}=${quote(slo.name)}}`,
      labels,
    ),
  ];
}

function objectiveRules(slo: Slo): RuleGroup['rules'] {
  return slo.targets.map(({ subject, objective }) =>
    recordingRule(SLO_SERIES.objective, `vector(${objective})`, {
      [SLO_LABEL.slo]: slo.name,
      [SLO_LABEL.window]: slo.window,
      [LABEL.direction]: slo.direction,
      ...('cpCode' in subject
        ? { [LABEL.cpCode]: String(subject.cpCode) }
        : { [LABEL.url]: subject.url }),
    }),
  );
}

/** Error ratio over `window`; `only` restricts it to some series (the costly SLO windows). */
function errorRatio(window: string, only = ''): RuleGroup['rules'][number] {
  const series = (name: string) => `sum_over_time(${name}${only ? `{${only}}` : ''}[${window}])`;
  return recordingRule(
    SLO_SERIES.errorRatio(window),
    `${series(SLO_SERIES.badHits)}\n/\n${series(SLO_SERIES.hits)}`,
  );
}

const allowedRatio = `(1 - ${SLO_SERIES.objective})`;

/** Every window the burn-rate alerts read, shortest first. */
function alertWindows(config: AlertingConfig): string[] {
  const windows = [config.slo.page, config.slo.ticket].flatMap((a) =>
    a.windows.flatMap((w) => [w.long, w.short]),
  );
  return [...new Set(windows)].sort((a, b) => (parseDuration(a) ?? 0) - (parseDuration(b) ?? 0));
}

/**
 * The SLO groups: samples, objectives, error ratios, burn rates and then the alerts (every
 * minute by default), in one group so the alerts always read the burn rates of the same evaluation (in
 * separate groups they would read this minute's or the last one's, depending on the order
 * the groups happen to run in); the whole-window ratio and the budget left less often (5 minutes).
 */
export function sloGroups(
  config: AlertingConfig,
  slos: readonly Slo[],
  alerts: RuleGroup['rules'],
): RuleGroup[] {
  if (slos.length === 0) return [];
  const sloWindows = [...new Set(slos.map((s) => s.window))].sort();
  return [
    {
      name: 'cdn-slo',
      interval: config.slo.evaluationInterval,
      rules: [
        ...slos.flatMap(sampleRules),
        ...slos.flatMap(objectiveRules),
        ...alertWindows(config).flatMap((window) => [
          errorRatio(window),
          recordingRule(
            SLO_SERIES.burnRate(window),
            `${SLO_SERIES.errorRatio(window)}\n/ ${ON_SUBJECT} group_left()\n${allowedRatio}`,
          ),
        ]),
        ...alerts,
      ],
    },
    {
      name: 'cdn-slo-budget',
      interval: config.slo.budgetInterval,
      rules: [
        // Only the SLOs of that window: a 30-day sum is the costly one.
        ...sloWindows.map((window) => errorRatio(window, `${SLO_LABEL.window}=${quote(window)}`)),
        recordingRule(
          SLO_SERIES.errorBudgetRemaining,
          sloWindows
            .map(
              (window) =>
                `1 - ${SLO_SERIES.errorRatio(window)}{${SLO_LABEL.window}=${quote(window)}}\n/ ${ON_SUBJECT} group_left()\n${allowedRatio}`,
            )
            .join('\nor\n'),
        ),
      ],
    },
  ];
}

/**
 * Per window pair of `alert`: `burn rate over long and over short > threshold`, for each SLO
 * window in use (its threshold depends on the SLO's window), recorded so the alert reads one
 * series per pair.
 */
function burningPairs(
  kind: 'page' | 'ticket',
  alert: BurnRateAlert,
  sloWindows: readonly SloWindow[],
): RecordedSeries[] {
  return alert.windows.map((pair) => {
    const clauses = sloWindows.map((sloWindow) => {
      const threshold = burnRateThreshold(sloWindow, pair.long, pair.budgetConsumed);
      const series = (window: string) =>
        `${SLO_SERIES.burnRate(window)}{${SLO_LABEL.window}=${quote(sloWindow)}} > ${threshold}`;
      return `(\n  ${series(pair.long)}\n  and\n  ${series(pair.short)}\n)`;
    });
    return { record: SLO_SERIES.burningPair(kind, pair.long), expr: clauses.join('\nor\n') };
  });
}

const SLO_TEXT = `SLO {{ $labels.slo }} ({{ $labels.direction }}, {{ $labels.slo_window }})`;

/** The page and the ticket, each one alert for every SLO (the `slo` label tells them apart). */
export function sloAlerts(config: AlertingConfig, slos: readonly Slo[]): AlertGroupDefinition {
  const sloWindows = [...new Set(slos.map((s) => s.window))].sort();
  for (const alert of [config.slo.page, config.slo.ticket]) {
    const longs = alert.windows.map((pair) => pair.long);
    if (new Set(longs).size !== longs.length)
      throw new ConfigurationError(
        `slo burn-rate windows ${longs.join(', ')}: each pair of one alert needs its own long window`,
      );
    for (const pair of alert.windows) {
      const long = parseDuration(pair.long);
      const short = parseDuration(pair.short);
      if (long === undefined || short === undefined || short >= long)
        throw new ConfigurationError(
          `slo burn-rate windows ${pair.long}/${pair.short}: the short window must be a duration shorter than the long one`,
        );
      if (!(pair.budgetConsumed > 0 && pair.budgetConsumed <= 1))
        throw new ConfigurationError(
          `slo burn-rate windows ${pair.long}/${pair.short}: budgetConsumed must be in (0, 1]`,
        );
    }
  }
  const description = (pace: string) =>
    `The ${`{{ $labels.direction }}`} hits of ${TARGET_TEXT} fail with 5xx {{ $value | printf "%.1f" }} times faster than ${SLO_TEXT} allows (1× spends exactly the error budget over the window): ${pace}.`;
  const page = burningPairs('page', config.slo.page, sloWindows);
  const ticket = burningPairs('ticket', config.slo.ticket, sloWindows);
  const anyPair = (pairs: readonly RecordedSeries[]) => anyOf(pairs.map((pair) => pair.record));
  return {
    name: 'cdn-slo-alerts',
    team: 'cdn',
    recordings: [...page, ...ticket],
    alerts: [
      {
        alert: SLO_ALERTS.page,
        expr: anyPair(page),
        for: config.slo.page.for,
        severity: config.slo.page.severity,
        summary: `${SLO_TEXT} burns its error budget {{ $value | printf "%.1f" }}× too fast for ${TARGET_TEXT}`,
        description: description(
          `at this pace the budget is gone in days (${config.slo.page.windows.map((w) => `${w.budgetConsumed * 100}% of it in ${w.long}`).join(', or ')})`,
        ),
        runbook: 'slo#akamaislofastburn',
      },
      {
        alert: SLO_ALERTS.ticket,
        expr: anyPair(ticket),
        for: config.slo.ticket.for,
        severity: config.slo.ticket.severity,
        summary: `${SLO_TEXT} spends its error budget {{ $value | printf "%.1f" }}× faster than sustainable for ${TARGET_TEXT}`,
        description: description(
          `the budget will be gone before the window ends (${config.slo.ticket.windows.map((w) => `${w.budgetConsumed * 100}% of it in ${w.long}`).join(', or ')}); no page, but it needs a fix this week`,
        ),
        runbook: 'slo#akamaisloslowburn',
      },
    ],
  };
}
