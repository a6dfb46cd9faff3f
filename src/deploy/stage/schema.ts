import * as z from 'zod/mini';
import '../../shared/zod';
import { DEFAULT_ESTATS_ANSWER_SECONDS } from '../../constants';
import { functionsSectionSchema } from '../stageSettings';

/**
 * A stage's schedules and targets: `config/<stage>.yml`, read by serverless.yml when it
 * packages or deploys (infra/serverless/schedules.js) and by `npm start` (the `local` stage).
 * Each schedule's input is validated with the schema the function itself uses, so a bad
 * target stops the deploy, naming the field, instead of failing the first run in the cloud.
 */
export const rate = z
  .string()
  .check(
    z.regex(/^(rate|cron)\(.+\)$/, 'must be rate(…) or cron(…)'),
    z.describe('When it runs: an EventBridge rate(…) or cron(…) expression, e.g. rate(2 minutes)'),
  );

const enabled = z.optional(
  z.boolean().check(z.describe('false keeps the schedule packaged but switched off')),
);

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
        .check(z.describe('The API clients the eStats schedules name, by name')),
      {},
    ),
  }),
  { answerSeconds: DEFAULT_ESTATS_ANSWER_SECONDS, clients: {} },
);

/** One eStats schedule: its input is checked by the schema the function uses. */
const estatsEntry = z.strictObject({
  rate,
  enabled,
  /** The API client of the schedule's requests, or several to spread its targets over. */
  client: z.optional(z.string().check(z.describe("The API client of the schedule's requests"))),
  clients: z.optional(
    z
      .array(z.string())
      .check(z.minLength(1), z.describe('Several API clients to spread its targets over')),
  ),
  input: z.unknown(),
});

const syntheticEntry = z.strictObject({ rate, enabled, fleet: z.unknown() });

/** Prometheus endpoints fetched and pushed (src/scrape/schedule.ts checks each input). */
const scrapeEntry = z.strictObject({ rate, enabled, input: z.unknown() });

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
 * The sections of a stage file. The loader checks each on its own (and each schedule of a
 * list on its own), so one bad section does not hide the problems of the others.
 */
export const stageSections = {
  functions: functionsSection,
  akamai: akamaiSection,
  estats: estatsEntry,
  synthetic: syntheticEntry,
  scrape: scrapeEntry,
  janitor: janitorSection,
  links: linksSection,
};

/** The schedule lists: each entry is checked alone. */
export const SCHEDULE_LISTS = ['estats', 'synthetic', 'scrape'] as const;

export const stageFileSchema = z.strictObject({
  functions: functionsSection,
  akamai: akamaiSection.check(
    z.describe('The Akamai API clients of the eStats schedules, and the packaging budget check'),
  ),
  estats: z._default(
    z
      .array(estatsEntry)
      .check(z.describe('eStats schedules: CP codes and URLs, each an EventBridge rule')),
    [],
  ),
  synthetic: z._default(
    z.array(syntheticEntry).check(z.describe('Simulated switch fleets, each an EventBridge rule')),
    [],
  ),
  scrape: z._default(
    z
      .array(scrapeEntry)
      .check(
        z.describe('Prometheus endpoints fetched and pushed, each schedule an EventBridge rule'),
      ),
    [],
  ),
  /** Validated against the eStats schedules above (src/alerting/slo.ts). */
  slos: z.optional(
    z.unknown().check(z.describe('SLOs of eStats targets: recording rules and burn-rate alerts')),
  ),
  janitor: janitorSection.check(
    z.describe("The janitor: deletes this stage's groups not pushed for longer than their TTL"),
  ),
  links: linksSection.check(
    z.describe('Base URLs of Grafana, Prometheus and Alertmanager for the links in Slack messages'),
  ),
  /** Alert thresholds, receivers and channels over the defaults (src/alerting/settings.ts). */
  alerting: z.optional(
    z.unknown().check(z.describe('Alert thresholds, receivers and channels over the defaults')),
  ),
});

/** The stage file as its schema reads it, defaults filled in. */
export type StageFile = z.infer<typeof stageFileSchema>;

/** One API client as the stage file gives it, before the function's own schema checks it. */
export type StageClient = z.infer<typeof stageClientSchema>;
