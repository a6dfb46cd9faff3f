/** PromQL text builders shared by the alert rules and the dashboards. */

/** A PromQL string literal. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

/** A PromQL string literal holding a regular expression that matches exactly `values`. */
export function exactRegex(values: readonly string[]): string {
  const alternatives = values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return JSON.stringify(alternatives.join('|'));
}

/** `job="x"` for one job, `job=~"x|y"` for several. */
export function jobMatcher(jobs: readonly string[]): string {
  return jobs.length === 1 ? `job=${quote(jobs[0] as string)}` : `job=~${exactRegex(jobs)}`;
}

/** Clauses joined by `or`, one per line (one clause alone as it is). */
export function anyOf(clauses: readonly string[]): string {
  return clauses.length === 1 ? (clauses[0] as string) : `(\n  ${clauses.join('\n  or\n  ')}\n)`;
}

/** `on(a, b, …)`: the labels two vectors are matched on. */
export function on(labels: readonly string[]): string {
  return `on(${labels.join(', ')})`;
}
