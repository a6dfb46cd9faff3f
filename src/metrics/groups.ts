import { COLLECTOR_JOBS, JOB, LABEL } from './catalogue';

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
 * The kinds of group we push, each with the labels of its grouping key (job first). With
 * several Pushgateways every group exists on each; rules and dashboards keep, per group, the
 * copy of the Pushgateway that took its last push, and match a series to its group's push
 * time on exactly these labels (queries/freshest.ts).
 */
export const GROUP_KINDS = {
  /** One eStats target: CP code or URL, with the optional delivery and error type. */
  estatsTarget: {
    jobs: [JOB.estats],
    labels: [LABEL.job, LABEL.cpCode, LABEL.url, LABEL.delivery, LABEL.errorType],
  },
  /** One CP code's traffic (Reporting API). */
  trafficTarget: { jobs: [JOB.traffic], labels: [LABEL.job, LABEL.cpCode] },
  /** One simulated device, with all its ports. */
  device: { jobs: [JOB.synthetic], labels: [LABEL.job, LABEL.fleet, LABEL.device] },
  /** A collector's report on the runs of one schedule. */
  runHealth: {
    jobs: COLLECTOR_JOBS,
    labels: [LABEL.job, LABEL.schedule],
  },
  /** The janitor's report on one stage. */
  janitor: { jobs: [JOB.janitor], labels: [LABEL.job, LABEL.stage] },
} as const satisfies Record<string, { jobs: readonly string[]; labels: readonly string[] }>;

export type GroupKind = (typeof GROUP_KINDS)[keyof typeof GROUP_KINDS];

/** Every label any of our grouping keys uses. */
export const GROUPING_LABELS: readonly string[] = [
  ...new Set(Object.values(GROUP_KINDS).flatMap((kind) => kind.labels)),
];

/** Human-readable form for logs and errors, e.g. `{job="akamai_estats",cp_code="123"}`. */
export function describeGroup(key: GroupingKey): string {
  const parts = [`job=${JSON.stringify(key.job)}`];
  for (const [name, value] of Object.entries(key.labels ?? {})) {
    parts.push(`${name}=${JSON.stringify(value)}`);
  }
  return `{${parts.join(',')}}`;
}

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

/** The group of one CP code's traffic: `{job="akamai_traffic", cp_code}`. */
export function trafficGroupingKey(cpCode: number): GroupingKey {
  return { job: JOB.traffic, labels: { [LABEL.cpCode]: String(cpCode) } };
}

/** The group of one simulated device: `{job="synthetic_telemetry", fleet, device}`. */
export function deviceGroupingKey(fleet: string, device: string): GroupingKey {
  return { job: JOB.synthetic, labels: { [LABEL.fleet]: fleet, [LABEL.device]: device } };
}

/**
 * The group of one scrape target: `{job=<the schedule's job>, instance}`, the labels a
 * Prometheus scrape gives every series of the target.
 */
export function scrapeGroupingKey(job: string, instance: string): GroupingKey {
  return { job, labels: { instance } };
}

/** The janitor's report on its runs in one stage: `{job="pushgate_janitor", stage}`. */
export function janitorGroupingKey(stage: string): GroupingKey {
  return { job: JOB.janitor, labels: { [LABEL.stage]: stage } };
}

/** A collector's report on its own runs: `{job=<collector job>, schedule=<name>}`. */
export function runHealthGroupingKey(job: string, schedule: string): GroupingKey {
  return { job, labels: { [LABEL.schedule]: schedule } };
}
