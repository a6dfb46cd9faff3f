import * as z from 'zod/mini';
import '../shared/zod';
import { SNS_TOPIC_ARN } from '../shared/arns';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';
import { type AlertingConfig, DEFAULT_ALERTING_CONFIG, EXPORT_FORMATS } from './config';
import { isValidDuration } from './duration';
import { SEVERITIES } from './types';

/**
 * A stage file's `alerting:` section: any value of AlertingConfig (config.ts), by the same
 * name, each optional. What is left out keeps its default, so a file without the section
 * renders exactly the shipped rules. Validated when the stage file is read, so a bad value
 * stops `serverless package` naming the file and the field. Not here: the schedule intervals,
 * which come from the stage's own schedules (stage.ts).
 */
const duration = z
  .string()
  .check(
    z.refine(isValidDuration, 'must be a Prometheus duration, e.g. 30s, 5m, 1h30m (units d h m s)'),
  );
const severity = z.enum(SEVERITIES);
const ratio = z.number().check(z.gte(0), z.lte(1));
const count = z.number().check(z.gte(0));
const text = z.string().check(z.minLength(1));
const url = z.string().check(
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an absolute http:// or https:// URL',
  }),
);

const override = z.strictObject({
  cpCode: z.optional(z.int().check(z.positive())),
  url: z.optional(z.string()),
  above: ratio,
});
const ratioThreshold = z.strictObject({
  above: z.optional(ratio),
  for: z.optional(duration),
  severity: z.optional(severity),
  overrides: z.optional(
    z.array(
      override.check(
        z.refine((o) => (o.cpCode === undefined) !== (o.url === undefined), {
          message: 'give either cpCode or url',
        }),
      ),
    ),
  ),
});
const burnRate = z.strictObject({
  severity: z.optional(severity),
  for: z.optional(duration),
  windows: z.optional(
    z
      .array(
        z.strictObject({
          long: duration,
          short: duration,
          budgetConsumed: z.number().check(z.positive(), z.lte(1)),
        }),
      )
      .check(z.minLength(1)),
  ),
});

// A DNS-1123 label: valid as a Kubernetes name, a Mimir ruler and an AMP namespace alike.
const dnsLabel = z
  .string()
  .check(
    z.regex(
      /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
      'must be lower-case letters, digits and "-", at most 63, starting and ending with a letter or digit',
    ),
  );
const snsTopicArn = z
  .string()
  .check(
    z.regex(SNS_TOPIC_ARN, 'must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)'),
  );
const exportSettings = z.strictObject({
  formats: z.optional(z.array(z.enum(EXPORT_FORMATS)).check(z.minLength(1))),
  namespace: z.optional(dnsLabel),
  kubernetes: z.optional(
    z.strictObject({
      namespace: z.optional(dnsLabel),
      labels: z.optional(
        z.record(
          z
            .string()
            .check(z.regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/)),
          z.string().check(z.regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/)),
        ),
      ),
    }),
  ),
  amp: z.optional(
    z.strictObject({
      workspaceId: z
        .string()
        .check(z.regex(/^[0-9A-Za-z][-.0-9A-Z_a-z]{0,63}$/, 'must be an AMP workspace id (ws-…)')),
      region: z
        .string()
        .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region, e.g. eu-central-1')),
      snsTopicArn,
      topics: z.optional(z.record(z.string(), snsTopicArn)),
    }),
  ),
});

export const alertingSettingsSchema = z.strictObject({
  runbookBaseUrl: z.optional(
    url.check(z.refine((value) => value.endsWith('/'), 'must end with "/"')),
  ),
  disabledAlerts: z.optional(z.array(z.string())),
  dashboardSeriesInterval: z.optional(duration),
  estats: z.optional(
    z.strictObject({
      minHits: z.optional(count),
      edge5xxRatio: z.optional(ratioThreshold),
      edgeFailureRatio: z.optional(ratioThreshold),
      originFailureRatio: z.optional(ratioThreshold),
      trafficVanished: z.optional(
        z.strictObject({
          hadHitsOver: z.optional(count),
          lookback: z.optional(duration),
          for: z.optional(duration),
          severity: z.optional(severity),
        }),
      ),
      targetFailing: z.optional(
        z.strictObject({ for: z.optional(duration), severity: z.optional(severity) }),
      ),
    }),
  ),
  collectors: z.optional(
    z.strictObject({
      staleAfterIntervals: z.optional(z.int().check(z.gte(1), z.lte(100))),
      staleSeverity: z.optional(severity),
      successLookback: z.optional(duration),
      silentFor: z.optional(duration),
      pushFailingFor: z.optional(duration),
      pushFailingSeverity: z.optional(severity),
      pushgatewayScrapeJob: z.optional(text),
      pushgatewayDownFor: z.optional(duration),
    }),
  ),
  slo: z.optional(
    z.strictObject({
      page: z.optional(burnRate),
      ticket: z.optional(burnRate),
      evaluationInterval: z.optional(duration),
      budgetInterval: z.optional(duration),
    }),
  ),
  synthetic: z.optional(
    z.strictObject({
      linkDownFor: z.optional(duration),
      linkDownSeverity: z.optional(severity),
      bufferFillAbove: z.optional(ratio),
      bufferFor: z.optional(duration),
      noTrafficFor: z.optional(duration),
      rebootWindow: z.optional(duration),
    }),
  ),
  scrape: z.optional(
    z.strictObject({
      downFor: z.optional(duration),
      downSeverity: z.optional(severity),
      slowAbove: z.optional(ratio),
      slowFor: z.optional(duration),
    }),
  ),
  export: z.optional(exportSettings),
  routing: z.optional(
    z.strictObject({
      slackWebhookUrlFile: z.optional(text),
      /** `false`: no on-call receiver; critical alerts reach the critical channel only. */
      oncall: z.optional(
        z.union([
          z.literal(false),
          z.strictObject({ webhookUrl: z.optional(url), tokenFile: z.optional(text) }),
        ]),
      ),
      channels: z.optional(
        z.strictObject({
          default: z.optional(text),
          critical: z.optional(text),
          info: z.optional(text),
          /** Team → channel: replaces the default teams (each alert's `team` label). */
          teams: z.optional(z.record(z.string().check(z.regex(/^[a-z][a-z0-9_-]*$/)), text)),
        }),
      ),
      groupWait: z.optional(duration),
      groupInterval: z.optional(duration),
      repeatInterval: z.optional(duration),
    }),
  ),
});

export type AlertingSettings = z.infer<typeof alertingSettingsSchema>;

/**
 * The alerting config of a stage: the defaults, overridden by its file's `alerting:` section,
 * with the schedule intervals the stage's own schedules give (`intervals`, job → seconds).
 */
export function alertingConfigOf(
  section: unknown,
  intervals: Readonly<Record<string, number>>,
  where: string,
): AlertingConfig {
  const parsed = alertingSettingsSchema.safeParse(section ?? {});
  if (!parsed.success)
    throw new ConfigurationError(`${where}: ${describeIssues(parsed.error, 'alerting')}`, {
      fields: fieldsOf(parsed.error, ['alerting']),
      hint: 'see the README, "Alerting as code": every alerting setting, its default and what it does',
    });
  const { routing, ...rest } = parsed.data;
  const defaults = DEFAULT_ALERTING_CONFIG;
  const { oncall, ...routingRest } = routing ?? {};
  const merged = merge(defaults, rest) as AlertingConfig;
  merged.routing = merge(defaults.routing, routingRest) as AlertingConfig['routing'];
  // Teams replace the defaults, not add to them: a stage without a network team has none.
  if (routingRest.channels?.teams) merged.routing.channels.teams = routingRest.channels.teams;
  if (oncall === false) delete merged.routing.oncall;
  else if (oncall) {
    const base = defaults.routing.oncall;
    const webhookUrl = oncall.webhookUrl ?? base?.webhookUrl;
    const tokenFile = oncall.tokenFile ?? base?.tokenFile;
    if (webhookUrl && tokenFile) merged.routing.oncall = { webhookUrl, tokenFile };
  }
  merged.collectors.intervals = { ...defaults.collectors.intervals, ...intervals };
  // The labels replace the defaults, like the teams; AMP's topics need its workspace.
  if (rest.export?.kubernetes?.labels)
    merged.export.kubernetes.labels = rest.export.kubernetes.labels;
  if (rest.export?.amp) merged.export.amp = { topics: {}, ...rest.export.amp };
  if (merged.export.formats.includes('amp') && !merged.export.amp)
    throw new ConfigurationError(
      `${where}: alerting.export.formats names amp, but alerting.export.amp is not set`,
      {
        hint: 'add alerting.export.amp: { workspaceId: ws-…, region: …, snsTopicArn: arn:aws:sns:… } (README, "Use your own Prometheus")',
      },
    );
  return merged;
}

/** `patch` over `base`, object by object; arrays and values replace. Copies, never shares. */
function merge(base: object, patch: object): object {
  const result: Record<string, unknown> = structuredClone(base) as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const current = result[key];
    result[key] =
      isPlainObject(value) && isPlainObject(current)
        ? merge(current, value)
        : structuredClone(value);
  }
  return result;
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
