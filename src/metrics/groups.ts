import { JOB, LABEL } from './catalogue';

/**
 * A group of series pushed together: the job plus further grouping labels, which every series
 * of the group carries. Label order is kept as given: it is the order of the Pushgateway's URL
 * path segments.
 */
export interface GroupingKey {
  job: string;
  labels?: Readonly<Record<string, string>>;
}

/**
 * Every label any of our grouping keys (below) uses.
 * Rules and dashboards match a series to its group's push time on these.
 */
export const GROUPING_LABELS = [
  LABEL.job,
  LABEL.cpCode,
  LABEL.url,
  LABEL.delivery,
  LABEL.errorType,
  LABEL.fleet,
  LABEL.device,
  LABEL.schedule,
  LABEL.stage,
] as const;

/**
 * The group of one eStats target: `{job="akamai_estats", cp_code|url, [delivery],
 * [error_type]}`. URLs hold `/`, so the push client sends them base64-encoded.
 */
export function estatsGroupingKey(
  target: ({ cpCode: number } | { url: string }) & { delivery?: string; errorType?: string },
): GroupingKey {
  const labels: Record<string, string> =
    'cpCode' in target ? { [LABEL.cpCode]: String(target.cpCode) } : { [LABEL.url]: target.url };
  if (target.delivery) labels[LABEL.delivery] = target.delivery;
  if (target.errorType) labels[LABEL.errorType] = target.errorType;
  return { job: JOB.estats, labels };
}

/** The group of one simulated device: `{job="synthetic_telemetry", fleet, device}`. */
export function deviceGroupingKey(fleet: string, device: string): GroupingKey {
  return { job: JOB.synthetic, labels: { [LABEL.fleet]: fleet, [LABEL.device]: device } };
}

/** The janitor's report on its runs in one stage: `{job="pushgate_janitor", stage}`. */
export function janitorGroupingKey(stage: string): GroupingKey {
  return { job: JOB.janitor, labels: { [LABEL.stage]: stage } };
}

/** A collector's report on its own runs: `{job=<collector job>, schedule=<name>}`. */
export function runHealthGroupingKey(job: string, schedule: string): GroupingKey {
  return { job, labels: { [LABEL.schedule]: schedule } };
}
