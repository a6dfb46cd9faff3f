import * as z from 'zod/mini';
import { SNS_TOPIC_ARN } from '../shared/arns';
import { defaultsOf as section } from '../shared/zod';

/**
 * Where and in which forms the alerting export writes (the `alerting.export` settings of
 * config.ts), with their defaults.
 */

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

/**
 * The forms the export writes (docs/guides/alerting.md, "Use your own Prometheus"), one or several per stage:
 * - `prometheus`: rules.yml, a whole alertmanager.yml and templates/slack.tmpl;
 * - `alertmanager-snippet`: rules.yml and alertmanager-snippet.yml, a route and receivers to
 *   merge into an Alertmanager of your own (`npm run alerting:export -- --merge-into FILE`);
 * - `prometheus-operator`: a PrometheusRule manifest;
 * - `mimir`: a ruler namespace file of Mimir or Cortex (`mimirtool rules load`);
 * - `amp`: a rule groups namespace and an alert manager definition of Amazon Managed Service
 *   for Prometheus, with SNS receivers (the only kind AMP takes), put by the function.
 */
export const EXPORT_FORMATS = [
  'prometheus',
  'alertmanager-snippet',
  'prometheus-operator',
  'mimir',
  'amp',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportSettings = section(
  z.strictObject({
    formats: z._default(z.array(z.enum(EXPORT_FORMATS)).check(z.minLength(1)), ['prometheus']),
    /**
     * The rules' namespace: the Mimir/Cortex ruler namespace, the AMP rule groups namespace,
     * the PrometheusRule's name, and the prefix of the receivers a snippet adds.
     */
    namespace: z._default(dnsLabel, 'pushgate-collector'),
    /** The PrometheusRule's namespace and the labels your Prometheus selects rules by. */
    kubernetes: section(
      z.strictObject({
        namespace: z._default(dnsLabel, 'monitoring'),
        labels: z._default(
          z.record(
            z
              .string()
              .check(z.regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/)),
            z.string().check(z.regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/)),
          ),
          {},
        ),
      }),
    ),
    /** The AMP workspace the exportAlerting function puts the rules and routes in. */
    amp: z.optional(
      z.strictObject({
        workspaceId: z
          .string()
          .check(
            z.regex(/^[0-9A-Za-z][-.0-9A-Z_a-z]{0,63}$/, 'must be an AMP workspace id (ws-…)'),
          ),
        region: z
          .string()
          .check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'must be an AWS region, e.g. eu-central-1')),
        /** The SNS topic every receiver publishes to, unless `topics` names one for it. */
        snsTopicArn,
        /** Receiver (slack-critical, oncall-webhook, …) → its own topic. */
        topics: z._default(z.record(z.string(), snsTopicArn), {}),
      }),
    ),
  }),
);
