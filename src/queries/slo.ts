/** The labels and recorded series of the SLO rules (alerting/rules/slo.ts), read by the SLO dashboard. */
export const SLO_LABEL = { slo: 'slo', window: 'slo_window' } as const;

export const SLO_SERIES = {
  hits: 'cdn_slo:hits:sample',
  badHits: 'cdn_slo:bad_hits:sample',
  /** Per target: the objective that applies to it (the SLO's, or its override). */
  objective: 'cdn_slo:objective:ratio',
  errorBudgetRemaining: 'cdn_slo:error_budget_remaining:ratio',
  errorRatio: (window: string) => `cdn_slo:error_ratio:${window}`,
  /** Error ratio over the window ÷ the ratio the objective allows: 1 spends the budget exactly. */
  burnRate: (window: string) => `cdn_slo:burn_rate:${window}`,
  /**
   * One window pair of a burn-rate alert (`page` or `ticket`, named by its long window): the
   * long window's burn rate where it and the short window both burn faster than the pair allows.
   */
  burningPair: (alert: 'page' | 'ticket', long: string) => `cdn_slo:${alert}_burn_rate:${long}`,
} as const;
