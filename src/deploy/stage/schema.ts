/**
 * A stage's schedules and targets: `config/<stage>.yml`, read by serverless.yml when it
 * packages or deploys (infra/serverless/stage.js) and by `npm start` (the `local` stage).
 * Each schedule's input is validated with the schema the function itself uses, so a bad
 * target stops the deploy, naming the field, instead of failing the first run in the cloud.
 */
import * as z from 'zod/mini';
import '../../shared/zod';
import { DEFAULT_ESTATS_ANSWER_SECONDS } from '../../constants';
import { functionsSectionSchema } from '../stageSettings';
import { enabled, rate } from './collectors/common';

const baseUrl = z.string().check(
  z.refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol), {
    message: 'must be an absolute http:// or https:// URL, e.g. https://grafana.example.net',
  }),
);

/** An API client as the stage file names it: its name is its key under akamai.clients. */
const stageClientSchema = z.strictObject({
  secret: z.optional(z.unknown()),
  edgercSection: z.optional(z.unknown()),
  accountSwitchKey: z.optional(z.unknown()),
  rateLimitPerMinute: z.optional(z.unknown()),
  reserve: z.optional(z.unknown()),
  account: z.optional(z.unknown()),
  reportingRequestsPerMinute: z.optional(z.unknown()),
});

/**
 * The functions' settings (src/config/settings.ts): sinks and their addresses, secrets,
 * timeouts, memory, log level, VPC, KMS, the failure alarm's topics. A `--param` of the same
 * name overrides one for one deploy.
 */
const functionsSection = z._default(
  functionsSectionSchema.check(
    z.describe(
      "The functions' settings: where they deliver, secrets, timeouts, memory, log level, network (docs/reference/settings.md)",
    ),
  ),
  {},
);

/** The stage's Akamai API clients, and what the packaging budget check assumes. */
const akamaiSection = z._default(
  z.strictObject({
    answerSeconds: z._default(
      z
        .number()
        .check(
          z.positive(),
          z.lte(60),
          z.describe(
            'Seconds one eStats answer is assumed to take, for the packaging budget check',
          ),
        ),
      DEFAULT_ESTATS_ANSWER_SECONDS,
    ),
    clients: z._default(
      z
        .record(z.string(), stageClientSchema)
        .check(z.describe('The API clients the eStats and traffic schedules name, by name')),
      {},
    ),
  }),
  { answerSeconds: DEFAULT_ESTATS_ANSWER_SECONDS, clients: {} },
);

/** The janitor's schedule and TTLs (src/janitor/policy.ts checks them). */
const janitorSection = z._default(
  z.strictObject({
    rate: z._default(rate, 'rate(1 hour)'),
    enabled,
    dryRun: z.optional(z.boolean().check(z.describe('List what would be deleted, delete nothing'))),
    maxDeletesPerRun: z.optional(z.unknown()),
    ttl: z.optional(z.record(z.string(), z.unknown())),
  }),
  { rate: 'rate(1 hour)' },
);

/** Base URLs of the links in Slack messages; a link whose base is missing is left out. */
const linksSection = z._default(
  z.strictObject({
    grafana: z.optional(baseUrl),
    prometheus: z.optional(baseUrl),
    alertmanager: z.optional(baseUrl),
  }),
  {},
);

/**
 * The sections of a stage file besides the collectors' (collectors/index.ts has those), each
 * with its schema. The loader checks each on its own, so one bad section does not hide the
 * problems of the others.
 */
export const stageSections = {
  functions: functionsSection,
  akamai: akamaiSection.check(
    z.describe('The Akamai API clients of the eStats schedules, and the packaging budget check'),
  ),
  janitor: janitorSection.check(
    z.describe("The janitor: deletes this stage's groups not pushed for longer than their TTL"),
  ),
  links: linksSection.check(
    z.describe('Base URLs of Grafana, Prometheus and Alertmanager for the links in Slack messages'),
  ),
};

/** Sections read by parsers of their own (src/alerting/slo.ts, src/alerting/settings.ts). */
export const parsedSections = {
  /** Validated against the eStats schedules (src/alerting/slo.ts). */
  slos: z.optional(
    z.unknown().check(z.describe('SLOs of eStats targets: recording rules and burn-rate alerts')),
  ),
  /** Alert thresholds, receivers and channels over the defaults (src/alerting/settings.ts). */
  alerting: z.optional(
    z.unknown().check(z.describe('Alert thresholds, receivers and channels over the defaults')),
  ),
};

/** The stage file's own sections as their schemas read them, defaults filled in. */
export type StageFile = {
  [K in keyof typeof stageSections]: z.output<(typeof stageSections)[K]>;
};

/** One API client as the stage file gives it, before the function's own schema checks it. */
export type StageClient = z.infer<typeof stageClientSchema>;
