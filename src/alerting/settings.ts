import type * as z from 'zod/mini';
import '../shared/zod';
import { ConfigurationError } from '../shared/errors';
import { describeIssues, fieldsOf } from '../shared/validation';
import type { SharedAlertingSettings } from './config';

/**
 * A stage file's `alerting:` section: any setting of the alerting schema (the shared ones of
 * config.ts, and each collector's section, composed in deploy/stage/alerting.ts), by the same
 * name, each optional. What is left out keeps its default, so a file without the section
 * renders exactly the shipped rules. Validated when the stage file is read, so a bad value
 * stops `serverless package` naming the file and the field. Not here: the schedule intervals,
 * which come from the stage's own schedules (deploy/stage/load.ts).
 *
 * The alerting config of a stage: the defaults, overridden by its file's `alerting:` section
 * (read with `schema`), with the schedule intervals the stage's own schedules give
 * (`intervals`, job → seconds) over the default ones.
 */
export function alertingConfigOf<Settings extends SharedAlertingSettings>(
  schema: z.ZodMiniType<Settings>,
  section: unknown,
  intervals: {
    defaults: Readonly<Record<string, number>>;
    stage: Readonly<Record<string, number>>;
  },
  where: string,
): Settings & { collectors: { intervals: Record<string, number> } } {
  const parsed = schema.safeParse(section ?? {});
  if (!parsed.success)
    throw new ConfigurationError(`${where}: ${describeIssues(parsed.error, 'alerting')}`, {
      fields: fieldsOf(parsed.error, ['alerting']),
      hint: 'see docs/reference/stage-file.md ("alerting"): every alerting setting, its default and what it does',
    });
  const config = {
    ...parsed.data,
    collectors: {
      ...parsed.data.collectors,
      intervals: { ...intervals.defaults, ...intervals.stage },
    },
  };
  if (config.export.formats.includes('amp') && !config.export.amp)
    throw new ConfigurationError(
      `${where}: alerting.export.formats names amp, but alerting.export.amp is not set`,
      {
        hint: 'add alerting.export.amp: { workspaceId: ws-…, region: …, snsTopicArn: arn:aws:sns:… } (docs/guides/alerting.md, "Use your own Prometheus")',
        fields: [
          {
            path: ['alerting', 'export', 'formats'],
            message: 'names amp, but alerting.export.amp is not set',
          },
        ],
      },
    );
  return config;
}
