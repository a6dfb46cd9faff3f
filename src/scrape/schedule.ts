import * as z from 'zod/mini';
import '../shared/zod';
import { isValidLabelName } from '../metrics/names';
import { SECRET_ID } from '../shared/arns';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';
import { credentialsInUrl, isCredentialName, maskUrlCredentials } from '../shared/urls';
import { instanceOf } from './semantics';

/**
 * The schedule input of the scrape function (the stage file's `scrape:` section): endpoints in
 * the Prometheus text format (a device's own /metrics, snmp_exporter, blackbox_exporter,
 * node_exporter) fetched where no Prometheus can reach them, and pushed through the sinks as
 * one group per target, `{job, instance}`. The names follow Prometheus's scrape_config.
 */
export const SCRAPE_DEFAULTS = {
  timeoutSeconds: 10,
  concurrency: 8,
  sampleLimit: 50_000,
} as const;

/** The labels Prometheus sets itself, and the report series' names, are not target labels. */
const RESERVED_LABELS = new Set(['job', 'instance', '__name__']);

const pattern = z.string().check(
  z.refine((value) => {
    try {
      new RegExp(`^(?:${value})$`);
      return true;
    } catch {
      return false;
    }
  }, 'must be a regular expression (RE2-like, anchored as in relabeling)'),
);

/** Names are checked after parsing: zod/mini reports a bad record key without its message. */
const labelValues = z.record(z.string(), z.string());

const headers = z.record(z.string(), z.string());

/** Where a credential of a target goes: a secret, never the stage file. */
const IN_A_SECRET =
  'store it in a Secrets Manager secret and name it as "auth: { secret: NAME }": {"username", "password"}, {"bearerToken"}, or {"headers": {"X-Api-Key": "…"}}; the stage file ends up in the EventBridge rule and the CloudFormation template, both readable in the account';

const secretName = z
  .string()
  .check(z.regex(SECRET_ID, 'must be a Secrets Manager secret name or ARN'));

const httpUrl = z.string().check(
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an absolute http:// or https:// URL',
  }),
);

const timeoutSeconds = z.number().check(z.positive(), z.lte(60));

const targetSchema = z.strictObject({
  /** The endpoint, e.g. http://snmp-exporter:9116/snmp. */
  url: httpUrl,
  /** Query parameters added to the URL (Prometheus `params`), e.g. module and target. */
  params: z.optional(z.record(z.string(), z.union([z.string(), z.array(z.string())]))),
  /**
   * The `instance` label. Default: the `target` parameter when there is one (how
   * snmp_exporter's and blackbox_exporter's READMEs relabel it), else the URL's host:port.
   */
  instance: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
  /** Target labels of this target, over the schedule's. */
  labels: z.optional(labelValues),
  headers: z.optional(headers),
  /** A Secrets Manager secret with {"username","password"} or {"bearerToken"}. */
  auth: z.optional(z.strictObject({ secret: secretName })),
  tls: z.optional(
    z.strictObject({
      /** A Secrets Manager secret with {"ca"} (PEM), and {"cert","key"} for client certificates. */
      secret: z.optional(secretName),
      /** The name the certificate is checked against (SNI), when the URL's host is not it. */
      serverName: z.optional(z.string().check(z.minLength(1))),
      /** Accept any certificate: refused on every stage but local (src/deploy/stage.ts). */
      insecureSkipVerify: z.optional(z.boolean()),
    }),
  ),
  timeoutSeconds: z.optional(timeoutSeconds),
});

export const scrapeScheduleSchema = z.strictObject({
  /** Names the schedule: its logs, its health group, its EventBridge rule. */
  name: z
    .string()
    .check(z.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'use 1-64 letters, digits, "_", "." or "-"')),
  /** The `job` label of its targets' series and groups. Default: the schedule's name. */
  job: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'use 1-128 letters, digits or _.:-')),
  ),
  /** Per target; a target's own wins. Prometheus's default scrape_timeout. */
  timeoutSeconds: z._default(timeoutSeconds, SCRAPE_DEFAULTS.timeoutSeconds),
  /** Targets fetched at once. */
  concurrency: z._default(z.int().check(z.positive(), z.lte(64)), SCRAPE_DEFAULTS.concurrency),
  /** More samples than this (after the metric lists) fail the target's scrape; 0: no limit. */
  sampleLimit: z._default(z.int().check(z.minimum(0)), SCRAPE_DEFAULTS.sampleLimit),
  /** Scraped labels win over the target's (Prometheus honor_labels). */
  honorLabels: z._default(z.boolean(), false),
  /** Metric names kept (allow) and dropped (deny): anchored regular expressions. */
  metrics: z.optional(z.strictObject({ allow: z.optional(pattern), deny: z.optional(pattern) })),
  /** Target labels of every target. */
  labels: z.optional(labelValues),
  targets: z.array(targetSchema).check(z.minLength(1, 'list at least one target')),
  /** Set when packaging: a delivery older than this is superseded by the next tick. */
  intervalSeconds: z.optional(z.int().check(z.positive())),
});

export type ScrapeSchedule = z.infer<typeof scrapeScheduleSchema>;
export type ScrapeTarget = ScrapeSchedule['targets'][number];

/** A target with everything a scrape needs worked out. */
export interface ResolvedTarget {
  target: ScrapeTarget;
  /** The URL fetched: the target's, with its params. */
  url: URL;
  job: string;
  instance: string;
  /** Every target label but job and instance. */
  labels: Record<string, string>;
  timeoutMs: number;
}

/** Validate a schedule input; each problem named by its field path. */
export function parseScrapeSchedule(input: unknown, source = 'schedule input'): ScrapeSchedule {
  const parsed = scrapeScheduleSchema.safeParse(input);
  if (!parsed.success)
    throw new ConfigurationError(`invalid scrape ${source}: ${describeIssues(parsed.error)}`, {
      fields: fieldsOf(parsed.error),
      hint: 'see docs/guides/fetching-exporters.md for the format',
    });
  const schedule = parsed.data;
  refuseBadNames(schedule, source);
  const seen = new Map<string, number>();
  schedule.targets.forEach((target, index) => {
    const inUrl = credentialsInUrl(new URL(target.url));
    if (inUrl)
      throw new ConfigurationError(
        `invalid scrape ${source}: targets[${index}] url ${maskUrlCredentials(target.url)} holds credentials (${inUrl})`,
        {
          hint: IN_A_SECRET,
          fields: [{ path: ['targets', index, 'url'], message: 'holds credentials' }],
        },
      );
    const { instance } = resolveTarget(schedule, target);
    const first = seen.get(instance);
    if (first !== undefined)
      throw new ConfigurationError(
        `invalid scrape ${source}: targets[${first}] and targets[${index}] are both instance ${JSON.stringify(instance)} of job ${JSON.stringify(jobOf(schedule))}: their groups would overwrite each other`,
        { hint: 'give each its own "instance:", or "params: { target: … }" for an exporter' },
      );
    seen.set(instance, index);
  });
  return schedule;
}

function refuseBadNames(schedule: ScrapeSchedule, source: string): void {
  const fail = (where: string, message: string, hint?: string) => {
    throw new ConfigurationError(
      `invalid scrape ${source}: ${where}: ${message}`,
      hint ? { hint } : {},
    );
  };
  const checkLabels = (labels: Record<string, string> | undefined, where: string) => {
    for (const name of Object.keys(labels ?? {}))
      if (!isValidLabelName(name) || name.startsWith('__') || RESERVED_LABELS.has(name))
        fail(
          `${where}.${name}`,
          'must be a label name ([a-zA-Z_][a-zA-Z0-9_]*), not job, instance or __*',
          'the job is the schedule\'s "job:", the instance the target\'s "instance:"',
        );
  };
  checkLabels(schedule.labels, 'labels');
  schedule.targets.forEach((target, i) => {
    checkLabels(target.labels, `targets[${i}].labels`);
    for (const name of Object.keys(target.headers ?? {})) {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name))
        fail(`targets[${i}].headers.${name}`, 'is not an HTTP header name');
      if (isCredentialName(name) || name.toLowerCase() === 'authorization')
        fail(
          `targets[${i}].headers.${name}`,
          'carries a credential: it goes in "auth: { secret }" (Secrets Manager), not in the stage file',
          IN_A_SECRET,
        );
    }
    for (const name of Object.keys(target.params ?? {}))
      if (isCredentialName(name))
        fail(
          `targets[${i}].params.${name}`,
          'carries a credential: the stage file ends up in the EventBridge rule and the CloudFormation template',
          'send it as a header from a secret instead ("auth: { secret }" holding {"headers": {…}}), if the endpoint takes one',
        );
  });
}

export function jobOf(schedule: Pick<ScrapeSchedule, 'name' | 'job'>): string {
  return schedule.job ?? schedule.name;
}

/** The URL, labels and timeout of one target of the schedule. */
export function resolveTarget(schedule: ScrapeSchedule, target: ScrapeTarget): ResolvedTarget {
  const url = new URL(target.url);
  for (const [name, value] of Object.entries(target.params ?? {}))
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, one);
  const targetParam = target.params?.target;
  const instance =
    target.instance ??
    (typeof targetParam === 'string'
      ? targetParam
      : Array.isArray(targetParam) && targetParam[0] !== undefined
        ? targetParam[0]
        : instanceOf(target.url));
  return {
    target,
    url,
    job: jobOf(schedule),
    instance,
    labels: { ...schedule.labels, ...target.labels },
    timeoutMs: Math.round((target.timeoutSeconds ?? schedule.timeoutSeconds) * 1000),
  };
}

/** The secrets a schedule's targets read (auth and TLS), for the function's role. */
export function scheduleSecrets(schedule: ScrapeSchedule): string[] {
  return schedule.targets.flatMap((t) => [
    ...(t.auth ? [t.auth.secret] : []),
    ...(t.tls?.secret ? [t.tls.secret] : []),
  ]);
}
