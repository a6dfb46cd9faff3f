import * as z from 'zod/mini';
import '../../shared/zod';
import { akamaiClientSchema } from '../../akamai/clients';
import { estatsScheduleSchema } from '../../akamai/targets';
import { alertingSettingsSchema } from '../../alerting/config';
import { sloSchema } from '../../alerting/slo';
import { janitorPolicySchema } from '../../janitor/policy';
import { scrapeScheduleSchema } from '../../scrape/schedule';
import { fleetSchema } from '../../synthetic/fleetConfig';
import { stageFileSchema, stageSections } from './schema';

/** Where the committed JSON Schema lives, beside the stage files that name it. */
export const STAGE_SCHEMA_FILE = 'config/stage.schema.json';

/** The first line of every stage file: editors validate and complete the file with it. */
export const SCHEMA_COMMENT = '# yaml-language-server: $schema=./stage.schema.json';

/**
 * The stage file as one schema for editors and other validators: the stage file's own
 * sections, with each part the loader hands to a function's schema (a schedule's input, a
 * fleet, the SLOs, the alerting settings) filled in by that same schema. Fields that
 * packaging sets itself (a schedule's stage, clients and interval) are left out: a user does
 * not write them. Checks that need more than one field (a target in no schedule, a budget)
 * stay the loader's.
 */
export function stageFileJsonSchema(): Record<string, unknown> {
  const { estats, synthetic, scrape, janitor } = stageSections;
  const client = z.omit(akamaiClientSchema, { name: true });
  const sections = stageFileSchema.def.shape;
  const editable = z.strictObject({
    ...sections,
    akamai: z.optional(
      z.strictObject({
        ...stageSections.akamai.def.innerType.def.shape,
        clients: z.optional(z.record(z.string(), client)),
      }),
    ),
    estats: z.optional(
      z.array(
        z.strictObject({
          ...estats.def.shape,
          input: z.omit(estatsScheduleSchema, {
            stage: true,
            clients: true,
            intervalSeconds: true,
          }),
        }),
      ),
    ),
    synthetic: z.optional(z.array(z.strictObject({ ...synthetic.def.shape, fleet: fleetSchema }))),
    scrape: z.optional(
      z.array(
        z.strictObject({
          ...scrape.def.shape,
          input: z.omit(scrapeScheduleSchema, { intervalSeconds: true }),
        }),
      ),
    ),
    slos: z.optional(z.array(sloSchema)),
    janitor: z.optional(
      z.strictObject({
        ...janitor.def.innerType.def.shape,
        maxDeletesPerRun: z.optional(janitorPolicySchema.def.shape.maxDeletesPerRun),
        ttl: z.optional(janitorPolicySchema.def.shape.ttl),
      }),
    ),
    alerting: z.optional(alertingSettingsSchema),
  });
  // Each section keeps the description the stage file's own schema gives it.
  for (const [name, section] of Object.entries(editable.def.shape)) {
    const original = sections[name as keyof typeof sections];
    const inner = 'innerType' in original.def ? original.def.innerType : undefined;
    const description = (z.globalRegistry.get(original) ?? (inner && z.globalRegistry.get(inner)))
      ?.description;
    if (description !== undefined) z.globalRegistry.add(section, { description });
  }
  return {
    ...z.toJSONSchema(editable, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
    $id: 'https://github.com/pushgate-collector/pushgate-collector/config/stage.schema.json',
    title: 'pushgate-collector stage file (config/<stage>.yml)',
    description:
      "A stage's schedules, targets, janitor, links and alerting. Generated from the loader's schemas: npm run config:schema.",
  };
}

/** The committed file's text. */
export function renderStageFileJsonSchema(): string {
  return `${JSON.stringify(stageFileJsonSchema(), null, 2)}\n`;
}
